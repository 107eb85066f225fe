#pragma once
// Runs the real kassad binary (KASSAD_BINARY) as a child process on a free
// loopback port with its own data folder and auth file; on the embedded
// journal or, with brokers, on the real Kafka broker under a fresh topic
// prefix. Stops it with SIGTERM (SIGKILL after 20 s) on destruction.

#include <httplib.h>
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <functional>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/auth.h"
#include "support/temp_dir.h"

extern char** environ;

namespace kassa::testing {

inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

struct Reply {
  int status = 0;
  nlohmann::json body;
};

class KassadProcess {
 public:
  // brokers empty: the embedded journal.
  // `prepare` runs on the data folder's path before kassad starts.
  KassadProcess(std::string brokers, std::string topic_prefix,
                const std::function<void(const std::string&)>& prepare = {})
      : port_(free_port()) {
    dir_ = folder_.path();
    if (prepare) prepare(dir_ + "/data");
    nlohmann::json tokens = nlohmann::json::array();
    for (const char* role : {"staff", "batch", "auditor", "admin"}) {
      tokens.push_back({{"principal", std::string("e2e-") + role},
                        {"role", role},
                        {"sha256", http::token_sha256(std::string("token-") + role)}});
    }
    std::ofstream(dir_ + "/auth.json") << nlohmann::json{{"tokens", tokens}}.dump();

    std::vector<std::string> env = {"KASSA_DATA_DIR=" + dir_ + "/data",
                                    "KASSA_AUTH_FILE=" + dir_ + "/auth.json",
                                    "KASSA_HOST=127.0.0.1",
                                    "KASSA_PORT=" + std::to_string(port_),
                                    "KASSA_BROKERS=" + brokers,
                                    "KASSA_TOPIC_PREFIX=" + topic_prefix,
                                    "KASSA_LOG_LEVEL=info"};
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string v = *e;
      if (v.rfind("KASSA_", 0) != 0) env.push_back(v);
    }
    std::vector<char*> envp;
    for (auto& v : env) envp.push_back(v.data());
    envp.push_back(nullptr);
    std::string binary = KASSAD_BINARY;
    std::vector<char*> argv = {binary.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = dir_ + "/kassad.log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (::posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), envp.data()) != 0) {
      throw std::runtime_error("cannot start " + binary);
    }
    posix_spawn_file_actions_destroy(&actions);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      httplib::Client c("127.0.0.1", port_);
      if (auto res = c.Get("/health"); res && res->status == 200) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        const std::string text = log_text();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        throw std::runtime_error("kassad exited during start-up; log: " + text);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("kassad did not answer /health; log: " + log_text());
  }

  ~KassadProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 200; ++i) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
  }

  pid_t pid() const { return pid_; }
  std::string data_dir() const { return dir_ + "/data"; }

  std::string log_text() const {
    std::ifstream in(dir_ + "/kassad.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  Reply post(const std::string& path, const nlohmann::json& body,
             const std::string& role = "staff") {
    return send(path, body.dump(), "application/json", role);
  }
  Reply send(const std::string& path, const std::string& body, const char* type,
             const std::string& role) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(120);
    auto res = c.Post(path, headers(role), body, type);
    return to_reply(res);
  }
  Reply get(const std::string& path, const std::string& role = "staff") {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60);
    return to_reply(c.Get(path, headers(role)));
  }
  // With more headers (an Idempotency-Key).
  Reply post(const std::string& path, const nlohmann::json& body, const std::string& role,
             const httplib::Headers& more) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(120);
    httplib::Headers h = headers(role);
    h.insert(more.begin(), more.end());
    return to_reply(c.Post(path, h, body.dump(), "application/json"));
  }
  // The whole answer, headers included.
  httplib::Result raw_get(const std::string& path, const std::string& role = "staff") {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60);
    return c.Get(path, headers(role));
  }

 private:
  static httplib::Headers headers(const std::string& role) {
    return {{"Authorization", "Bearer token-" + role}, {"X-Kassa-Purpose", "e2e year"}};
  }
  static Reply to_reply(const httplib::Result& res) {
    if (!res) throw std::runtime_error("kassad does not answer");
    return Reply{res->status, nlohmann::json::parse(res->body, nullptr, false)};
  }

  int port_;
  TempDir folder_;  // removed once kassad has stopped (the destructor's body runs first)
  std::string dir_;
  pid_t pid_ = -1;
};

// Jan Peeters (NISS 85073003328), registered through the API: his PartyId.
inline std::string register_jan(KassadProcess& k) {
  auto reg = k.post("/v1/persons", {{"niss", "85073003328"},
                                    {"first_name", "Jan"},
                                    {"last_name", "Peeters"},
                                    {"start", "2025-01-01"},
                                    {"category", "main"},
                                    {"date", "2025-01-02"}});
  REQUIRE(reg.status == 201);
  return reg.body["party_id"].get<std::string>();
}

#ifdef KASSA_BINARY
// Runs the kassa binary with `args` (a shell command line); its exit code,
// and what it printed (stdout and stderr) in `*out`.
inline int run_kassa(const std::string& args, std::string* out) {
  char tmpl[] = "/tmp/kassa-cli-out-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error("mkstemp");
  ::close(fd);
  const int status =
      std::system((std::string(KASSA_BINARY) + " " + args + " > " + tmpl + " 2>&1").c_str());
  std::ifstream in(tmpl);
  *out = std::string(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove(tmpl);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
#endif

}  // namespace kassa::testing
