// The listening socket belongs to one kassad (issue 17, item 5).

#include <catch2/catch.hpp>

#include "http/server.h"

namespace kh = kassa::http;

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
