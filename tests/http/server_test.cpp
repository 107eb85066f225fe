// The listening socket belongs to one kassad (issue 17, item 5).

#include <catch2/catch.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "http/server.h"

namespace kh = kassa::http;

namespace {

// A served Server with one staff route, GET and POST /v1/things/{id}.
struct Served {
  kh::Server server;
  std::thread thread;
  // The production limits (ServerOptions' defaults) unless told.
  explicit Served(std::size_t workers = kh::ServerOptions{}.worker_threads)
      : server(kh::ServerOptions{"127.0.0.1", 0, "test", workers},
               std::move(kh::TokenTable::parse(R"({"tokens": [{"principal": "s", "role": "staff",
                 "sha256": ")" + kh::token_sha256("staff-secret") +
                                               R"("}]})"))
                   .value()) {
    auto ok = [](const kh::RequestContext&) -> kassa::Result<kh::Reply> {
      return kh::Reply(200, nlohmann::json{{"ok", true}});
    };
    // A literal path before the parameter routes that match it (Router
    // refuses the other order: httplib tries routes in order).
    server.router().add(kh::Method::kPost, "/v1/things/search", {kh::Role::kStaff},
                        [](const kh::RequestContext&) -> kassa::Result<kh::Reply> {
                          return kh::Reply(200, nlohmann::json{{"searched", true}});
                        });
    server.router().add(kh::Method::kGet, "/v1/things/{id}", {kh::Role::kStaff}, ok);
    server.router().add(kh::Method::kPost, "/v1/things/{id}", {kh::Role::kStaff}, ok);
    REQUIRE(server.bind().ok());
    thread = std::thread([this] { server.serve(); });
    while (!server.running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~Served() {
    server.stop();
    thread.join();
  }
  httplib::Client client() { return httplib::Client("127.0.0.1", server.port()); }
};

nlohmann::json body_of(const httplib::Result& res) {
  REQUIRE(res);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  return nlohmann::json::parse(res->body, nullptr, false);
}

void expect_error(const httplib::Result& res, int status, const std::string& rule) {
  REQUIRE(res);
  CHECK(res->status == status);
  CHECK(body_of(res)["error"] == rule);
}

}  // namespace

TEST_CASE("every error has a JSON body: unknown paths and methods, malformed bodies",
          "[server][errors]") {
  // Before: httplib's own 400 and 404 answers had an empty body and no
  // Content-Type.
  Served s;
  auto c = s.client();
  const httplib::Headers staff{{"Authorization", "Bearer staff-secret"}};

  expect_error(c.Get("/v1/nothing-here", staff), 404, "RouteNotFound");
  auto wrong_method = c.Delete("/v1/things/7", staff);
  expect_error(wrong_method, 405, "MethodNotAllowed");
  CHECK(wrong_method->get_header_value("Allow") == "GET, POST");
  // Before: GET /v1/persons/search was taken for a PartyId "search" (400
  // PartyIdFormat); a path a route spells out answers with that route's methods.
  auto spelled = c.Get("/v1/things/search", staff);
  expect_error(spelled, 405, "MethodNotAllowed");
  CHECK(spelled->get_header_value("Allow") == "POST");
  auto search = c.Post("/v1/things/search", staff, "{}", "application/json");
  REQUIRE(search);
  CHECK(search->status == 200);
  CHECK(body_of(search)["searched"] == true);  // the literal route's own handler
  // A method httplib does not route at all (schemathesis sends TRACE) was
  // a 400 BadRequest: it is the same 405 with what the path takes.
  const auto trace_to = [](const std::string& path, const httplib::Headers& headers) {
    httplib::Request r;
    r.method = "TRACE";
    r.path = path;
    r.headers = headers;
    return r;
  };
  auto trace = c.send(trace_to("/v1/things/7", staff));
  REQUIRE(trace);
  expect_error(trace, 405, "MethodNotAllowed");
  CHECK(trace->get_header_value("Allow") == "GET, POST");
  // Before: a method no route of the spelled-out path takes listed the
  // parameter route's too (OPTIONS /v1/persons/search: "Allow: POST, GET";
  // schemathesis ST205, an undocumented method advertised).
  auto trace_spelled = c.send(trace_to("/v1/things/search", staff));
  expect_error(trace_spelled, 405, "MethodNotAllowed");
  CHECK(trace_spelled->get_header_value("Allow") == "POST");
  auto options_spelled = c.Options("/v1/things/search", staff);
  expect_error(options_spelled, 405, "MethodNotAllowed");
  CHECK(options_spelled->get_header_value("Allow") == "POST");
  // Before: "?at=" was read as no date at all, and of "?at=A&at=B" the first
  // counted (schemathesis ST201: a value the schema refuses, accepted).
  auto empty = c.Get("/v1/things/7?at=", staff);
  expect_error(empty, 400, "ParameterEmpty");
  CHECK(body_of(empty)["field"] == "at");
  expect_error(c.Get("/v1/things/7?limit=2&at=2025-01-01&at=2026-01-01", staff), 400,
               "ParameterRepeated");
  expect_error(c.Get("/v1/things/7?at="), 401, "BearerTokenRequired");  // the token first
  expect_error(c.Get("/v1/things/7?at=2025-01-01&at=2025-01-01", staff), 400, "ParameterRepeated");
  expect_error(c.Get("/v1/things/7?flag", staff), 400, "ParameterEmpty");
  // A form-encoded body is not a query (curl -d sends a file that way):
  // its fields, empty ones included, are the route's to read.
  auto form = c.Post("/v1/things/7", staff, "a=&b=1&b=2", "application/x-www-form-urlencoded");
  REQUIRE(form);
  CHECK(form->status == 200);
  auto trace_nowhere = c.send(trace_to("/v1/nothing-here", {}));
  expect_error(trace_nowhere, 404, "RouteNotFound");
  expect_error(c.Post("/v1/things/7", staff, "--x\r\n", "multipart/form-data"), 400, "BadRequest");
  // A route's own error keeps its body.
  expect_error(c.Get("/v1/things/7"), 401, "BearerTokenRequired");
  auto fine = c.Get("/v1/things/7", staff);
  REQUIRE(fine);
  CHECK(fine->status == 200);
}

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// Sends `first` on a new connection, then `later` 100 ms after (as a
// client sends a body after its head, in a second write), and reads what
// the server says until it closes the connection or 2 s pass.
std::string exchange(int port, const std::string& first, const std::string& later = "") {
  const int fd = connect_to(port);
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  REQUIRE(::send(fd, first.data(), first.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(first.size()));
  if (!later.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (void)::send(fd, later.data(), later.size(), MSG_NOSIGNAL);
  }
  std::string answer;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

TEST_CASE("a hundred idle and ten slow connections leave /health answering", "[server][limits]") {
  // Before: 8 workers, each held by a connection for as long as it sent a
  // header line within every read timeout: ten such clients made /health
  // time out (25 s), ten idle connections delayed it 4.7 s.
  Served s;
  std::vector<int> idle;
  for (int i = 0; i < 100; ++i) idle.push_back(connect_to(s.server.port()));
  std::vector<int> slow;
  for (int i = 0; i < 10; ++i) {
    slow.push_back(connect_to(s.server.port()));
    const std::string line = "GET /health HTTP/1.1\r\n";
    REQUIRE(::send(slow.back(), line.data(), line.size(), MSG_NOSIGNAL) > 0);
  }
  std::atomic<bool> stop{false};
  std::thread dripping([&] {
    while (!stop) {
      for (int fd : slow) (void)::send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
      for (int i = 0; i < 5 && !stop; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int round = 0; round < 3; ++round) {
    auto c = s.client();
    c.set_connection_timeout(2, 0);
    c.set_read_timeout(2, 0);
    auto res = c.Get("/health");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  stop = true;
  dripping.join();
  for (int fd : idle) ::close(fd);
  for (int fd : slow) ::close(fd);
}

TEST_CASE("a method httplib cannot parse closes the connection; its body is never a request",
          "[server][errors]") {
  // schemathesis: QUERY with a PNG body. httplib refused the request line
  // without reading the body, kept the connection, and parsed the body as
  // the next request: its method "\x89PNG..." went into the JSON error
  // message, whose dump() threw on the bytes that are not UTF-8, and
  // kassad aborted (std::terminate).
  Served s;
  const std::string request =
      "QUERY /v1/things/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n"
      "\x89PNG \xff\xfe HTTP/1.1\r\n\r\n";
  const std::string answer = exchange(s.server.port(), request);
  INFO(answer);
  CHECK(answer.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(answer.find("MethodNotAllowed") != std::string::npos);
  std::size_t answers = 0;
  for (std::size_t at = answer.find("HTTP/1.1 "); at != std::string::npos;
       at = answer.find("HTTP/1.1 ", at + 1)) {
    ++answers;
  }
  CHECK(answers == 1);
  auto health = s.client().Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("a body sent with a GET is never read as the next request", "[server][errors]") {
  // schemathesis: a GET with a JSON body, then on the same connection an
  // answer "no route {\"affiliated_before_start\": false,": httplib reads
  // no body for GET, HEAD or OPTIONS and parsed it as a request. A body
  // holding a whole request was a second request, smuggled past whatever
  // checked the first.
  Served s;
  const auto [method, path, status] = GENERATE(table<std::string, std::string, std::string>({
      {"GET", "/v1/nothing-here", "404"},
      {"GET", "/v1/things/7", "200"},
      {"HEAD", "/v1/things/7", "200"},
      {"OPTIONS", "/v1/things/7", "405"},
      {"TRACE", "/v1/things/7", "405"},
  }));
  INFO(method << " " << path);
  const std::string inner = "GET /v1/things/8 HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string head = method + " " + path +
                           " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                           "staff-secret\r\nContent-Length: " +
                           std::to_string(inner.size()) + "\r\n\r\n";
  // The body after the head, as a client sends it in two writes: what the
  // server has not read with the head is what it reads next.
  const std::string answer = exchange(s.server.port(), head, inner);
  INFO(answer);
  CHECK(answer.rfind("HTTP/1.1 " + status, 0) == 0);
  CHECK(answer.find("HTTP/1.1 ", 1) == std::string::npos);  // one answer
}

TEST_CASE("pipelined requests are answered in order on one connection", "[server]") {
  // Before: httplib 0.11 read each request through a fresh buffer, so of
  // three requests sent back to back only the first was answered and the
  // client waited for the others until the connection timed out.
  Served s;
  const int fd = connect_to(s.server.port());
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string requests;
  for (const char* path : {"/health", "/v1/things/1", "/v1/nothing-here"}) {
    requests += std::string("GET ") + path +
                " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer staff-secret\r\n\r\n";
  }
  REQUIRE(::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(requests.size()));
  std::string answer;
  char buf[4096];
  const auto started = std::chrono::steady_clock::now();
  while (std::count(answer.begin(), answer.end(), '}') < 3 &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(3)) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  INFO(answer);
  const std::size_t first = answer.find("HTTP/1.1 200");
  const std::size_t second = answer.find("HTTP/1.1 200", first + 1);
  const std::size_t third = answer.find("HTTP/1.1 404");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(third != std::string::npos);
  CHECK((first < second && second < third));
  CHECK(answer.find("\"status\":\"ok\"") < answer.find("\"ok\":true"));
}

TEST_CASE("an error message with bytes that are not UTF-8 is still a JSON answer",
          "[server][errors]") {
  Served s;
  const std::string request = "\x89PNG /v1/\xff HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string answer = exchange(s.server.port(), request);
  INFO(answer);
  const std::size_t body = answer.find("\r\n\r\n");
  REQUIRE(body != std::string::npos);
  auto parsed = nlohmann::json::parse(answer.substr(body + 4), nullptr, false);
  CHECK(parsed.is_object());
  auto health = s.client().Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("beyond the connection cap a client hears 503 at once, not a wait in the queue",
          "[server][limits]") {
  // Before: every worker held by a connection, the next one waited in
  // httplib's queue, unanswered, until a worker came free (here 5 s, the
  // read timeout; under a flood, never).
  Served s(4);
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(connect_to(s.server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto c = s.client();
  c.set_connection_timeout(2, 0);
  c.set_read_timeout(2, 0);
  const httplib::Headers staff{{"Authorization", "Bearer staff-secret"}};
  const auto started = std::chrono::steady_clock::now();
  auto res = c.Get("/v1/things/7", staff);
  const auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(res->get_header_value("Retry-After") == "1");
  CHECK(res->get_header_value("Connection") == "close");
  CHECK(body_of(res)["error"] == "ServerBusy");
  CHECK(waited < std::chrono::seconds(2));
  // A probe is answered over the cap too: a busy kassad is alive.
  auto probe = s.client().Get("/health");
  REQUIRE(probe);
  CHECK(probe->status == 200);
  for (int fd : idle) ::close(fd);
  // The cap counts connections, not requests: once they are gone the
  // same client is served.
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    auto again = s.client().Get("/v1/things/7", staff);
    served = again && again->status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(served);
}

TEST_CASE("a body over the route's limit or without a known token is refused before it is read",
          "[server][limits]") {
  // Before: every route took 64 MB and read it before the token was
  // checked: 30 MiB of '[' to the payments route took 11 s and 2.8 GB.
  Served s;
  const std::string staff = "Host: x\r\nAuthorization: Bearer staff-secret\r\n";
  struct Case {
    std::string head;
    std::string status;  // the answer's status line
    std::string says;
  };
  const Case cases[] = {
      {"POST /v1/things/7 HTTP/1.1\r\n" + staff + "Content-Length: 31457280\r\n\r\n[[[[",
       "HTTP/1.1 413", "this route takes a body of at most 1048576 bytes"},
      {"POST /v1/things/7 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n[[[[", "HTTP/1.1 401",
       "BearerTokenRequired"},
      {"POST /v1/things/7 HTTP/1.1\r\n" + staff + "Transfer-Encoding: chunked\r\n\r\n4\r\n[[[[\r\n",
       "HTTP/1.1 411", "LengthRequired"},
      // Neither a length nor chunks: an empty body (RFC 9112 6.3), answered
      // at once. Before: httplib read until the client closed, 5 s, then 400.
      {"POST /v1/things/7 HTTP/1.1\r\n" + staff + "\r\n", "HTTP/1.1 200", "{\"ok\":true}"},
      // A body curl sent form-encoded (its default for --data-binary):
      // cpp-httplib caps those at 8 KB; the answer says how to send it.
      {"POST /v1/things/7 HTTP/1.1\r\n" + staff +
           "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9000\r\n\r\n" +
           std::string(9000, 'a'),
       "HTTP/1.1 413", "send a file as application/octet-stream"},
      // A bank file may be large: its limit is the file limit.
      {"POST /v1/payments/import HTTP/1.1\r\n" + staff + "Content-Length: 70000000\r\n\r\n",
       "HTTP/1.1 413", "at most 67108864 bytes"},
  };
  for (const Case& c : cases) {
    const std::string answer = exchange(s.server.port(), c.head);
    INFO(c.head << "\n->\n" << answer);
    CHECK(answer.rfind(c.status, 0) == 0);
    CHECK(answer.find(c.says) != std::string::npos);
  }

  // Within the limit, with the token: served.
  auto c = s.client();
  auto fine =
      c.Post("/v1/things/7", {{"Authorization", "Bearer staff-secret"}}, "{}", "application/json");
  REQUIRE(fine);
  CHECK(fine->status == 200);
}

TEST_CASE("two Authorization headers are a 400, not the first one's role", "[server][auth]") {
  // Before: the first header won, whatever the second said.
  Served s;
  auto c = s.client();
  httplib::Headers two{{"Authorization", "Bearer staff-secret"}, {"Authorization", "Bearer other"}};
  auto res = c.Get("/v1/things/7", two);
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(body_of(res)["error"] == "AuthorizationRepeated");
}

TEST_CASE("a second server on a port in use is refused, naming the port", "[server]") {
  kh::Server first(kh::ServerOptions{"127.0.0.1", 0, "test", 1}, kh::TokenTable{});
  REQUIRE(first.bind().ok());
  const int port = first.port();
  REQUIRE(port > 0);

  // Before: httplib's SO_REUSEPORT let the second bind succeed and the
  // kernel split the connections between the two processes.
  kh::Server second(kh::ServerOptions{"127.0.0.1", port, "test", 1}, kh::TokenTable{});
  auto bound = second.bind();
  REQUIRE_FALSE(bound.ok());
  CHECK(bound.error().rule == "ListenFailed");
  CHECK(bound.error().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(bound.error().message.find("in use") != std::string::npos);
}
