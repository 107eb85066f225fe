#pragma once
// How kassad serves one TCP connection: httplib's Server with its own
// keep-alive loop.
//
// httplib 0.11 (Debian bookworm) reads each request of a connection through
// a fresh stream, so bytes read past a request are dropped (two pipelined
// requests got one answer and the connection hung), and it decides whether
// to keep a connection before any handler runs, so a request whose body it
// never reads (a GET, OPTIONS or TRACE with a body, a request line it
// cannot parse, a body refused unread) left that body on the connection,
// where it was read as the next request: a request smuggled inside
// another's body was served.
//
// ConnectionServer serves every connection through one buffered stream for
// its whole life (pipelined requests are answered in order) and closes it
// after any answer a handler marks with close_after_this_answer().
//
// Thread-safety: close_after_this_answer() marks the calling thread's
// connection; handlers run on the connection's thread.

#include <httplib.h>

namespace kassa::http {

// The connection this thread serves is closed once `res` is written
// (whatever the client asked for); `res` says so with Connection: close.
void close_after_this_answer(httplib::Response& res);

class ConnectionServer : public httplib::Server {
 private:
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace kassa::http
