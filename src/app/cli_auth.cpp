#include "app/cli_auth.h"

#include "app/cli_support.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "http/auth.h"
#include "log/random.h"
#include "log/uuid.h"

namespace kassa::app {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& field, const std::string& rule,
                       const std::string& message) {
  std::cerr << "error: " << (field.empty() ? "" : field + ": ") << message << " (" << rule << ")\n";
  throw CLI::RuntimeError(1);
}

struct Options {
  std::string auth_file;
  std::string data_dir = "./kassa-data";
  std::string role;
  std::string principal;
  std::string sha256_prefix;
};

std::string file_of(const Options& o) {
  return o.auth_file.empty() ? o.data_dir + "/auth.json" : o.auth_file;
}

// The file's entries, validated as kassad validates them; none when absent.
nlohmann::json read_entries(const std::string& path, bool must_exist) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (must_exist) fail("auth-file", "AuthFileReadable", "no auth file at " + path);
    return nlohmann::json::array();
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) fail("auth-file", "AuthFileReadable", "cannot read " + path);
  auto table = http::TokenTable::parse(text.str());
  if (!table.ok()) {
    fail(table.error().field, table.error().rule, path + ": " + table.error().message);
  }
  return nlohmann::json::parse(text.str())["tokens"];
}

// Written beside the file, synced, renamed over it: a crash leaves the old
// file or the new one, never half of one.
void write_entries(const std::string& path, const nlohmann::json& entries) {
  const std::string text = nlohmann::json{{"tokens", entries}}.dump(2) + "\n";
  if (auto table = http::TokenTable::parse(text); !table.ok()) {
    fail(table.error().field, table.error().rule, table.error().message);
  }
  const fs::path target(path);
  if (target.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
  }
  const std::string temp = path + ".tmp";
  if (!write_synced(temp, text)) fail("auth-file", "AuthFileWritable", "cannot write " + temp);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    fail("auth-file", "AuthFileWritable", "cannot replace " + path);
  }
  sync_folder(target.has_parent_path() ? target.parent_path().string() : ".");
}

void add_token(const Options& o) {
  auto role = http::parse_role(o.role);
  if (!role.ok()) fail("role", role.error().rule, role.error().message);
  if (o.principal.empty() || o.principal.size() > 64 ||
      o.principal.find_first_of(" \t\r\n\"=") != std::string::npos) {
    fail("principal", "PrincipalName",
         "the principal is 1 to 64 characters without spaces, quotes or '=' (it appears in logs)");
  }
  const std::string path = file_of(o);
  nlohmann::json entries = read_entries(path, false);
  std::array<std::uint8_t, 32> bytes{};
  log::system_random().fill(bytes);
  const std::string token = log::to_hex(bytes.data(), bytes.size());
  entries.push_back({{"principal", o.principal},
                     {"role", http::to_string(*role)},
                     {"sha256", http::token_sha256(token)}});
  write_entries(path, entries);
  std::cout << token << "\n";
  std::cerr << "added a token of role " << http::to_string(*role) << " for " << o.principal
            << " to " << path << "; it is shown only now. Restart kassad to use it.\n";
}

void remove_token(const Options& o) {
  const std::string path = file_of(o);
  nlohmann::json entries = read_entries(path, true);
  nlohmann::json kept = nlohmann::json::array();
  int removed = 0;
  for (const auto& e : entries) {
    const bool match =
        e["principal"] == o.principal &&
        (o.sha256_prefix.empty() || e["sha256"].get<std::string>().rfind(o.sha256_prefix, 0) == 0);
    if (match) {
      ++removed;
    } else {
      kept.push_back(e);
    }
  }
  if (removed == 0)
    fail("principal", "TokenFound", "no token of " + o.principal + " matched in " + path);
  write_entries(path, kept);
  std::cerr << "removed " << removed << " token(s) of " << o.principal << " from " << path
            << ". Restart kassad to stop accepting them.\n";
}

void list_tokens(const Options& o) {
  for (const auto& e : read_entries(file_of(o), true)) {
    std::cout << e["principal"].get<std::string>() << " " << e["role"].get<std::string>() << " "
              << e["sha256"].get<std::string>().substr(0, 12) << "\n";
  }
}

void file_options(CLI::App* cmd, Options& o) {
  cmd->add_option("--auth-file", o.auth_file, "the auth file; default <data-dir>/auth.json")
      ->envname("KASSA_AUTH_FILE");
  cmd->add_option("--data-dir", o.data_dir, "kassad's data folder")->envname("KASSA_DATA_DIR");
}

}  // namespace

void add_auth_commands(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("auth", "kassad's bearer tokens: add, remove, list");
  cmd->require_subcommand(1);
  CLI::App* add = cmd->add_subcommand("add-token", "Make a token, store its hash, print it once");
  add->add_option("--role", o->role, "staff, batch, auditor or admin")->required();
  add->add_option("--principal", o->principal, "who holds it (appears in logs and the access log)")
      ->required();
  file_options(add, *o);
  add->callback([o] { add_token(*o); });
  CLI::App* remove = cmd->add_subcommand("remove-token", "Remove a principal's tokens");
  remove->add_option("--principal", o->principal, "whose tokens")->required();
  remove->add_option("--sha256", o->sha256_prefix, "only the token whose hash starts so");
  file_options(remove, *o);
  remove->callback([o] { remove_token(*o); });
  CLI::App* list = cmd->add_subcommand("list", "Principal, role and hash prefix of every token");
  file_options(list, *o);
  list->callback([o] { list_tokens(*o); });
}

}  // namespace kassa::app
