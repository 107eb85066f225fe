#pragma once
// Bearer-token authentication and role-based access.
//
// Tokens and their roles come from a JSON configuration file; the file holds
// only the SHA-256 of each token, so it is not itself a secret:
//
//   {"tokens": [{"principal": "alice", "role": "staff", "sha256": "<64 hex>"}]}
//
// Roles: staff (day-to-day commands and queries), batch (runs and imports),
// auditor (read-only, raw events and the access log), admin (everything).
// A principal's name is recorded as the actor of the events its commands
// cause, so it must not be personal data: use a staff id, not a name.
//
// Thread-safety: a TokenTable is immutable after load; share it freely.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "domain/result.h"

namespace kassa::http {

enum class Role { kStaff, kBatch, kAuditor, kAdmin };

const char* to_string(Role role);
Result<Role> parse_role(std::string_view text);

struct Principal {
  std::string name;
  Role role = Role::kStaff;
};

class TokenTable {
 public:
  static Result<TokenTable> load_file(const std::string& path);
  static Result<TokenTable> parse(std::string_view json_text);

  // The principal whose token this is, or nothing.
  std::optional<Principal> find(std::string_view token) const;
  std::size_t size() const { return by_hash_.size(); }

 private:
  std::unordered_map<std::string, Principal> by_hash_;  // hex SHA-256 → principal
};

// Hex SHA-256 of a token, as the configuration file stores it.
std::string token_sha256(std::string_view token);

// Authenticates an Authorization header value ("Bearer <token>") and checks
// the principal holds one of `allowed` (admin is always allowed).
// Errors: kUnauthenticated (401) and kForbidden (403) as the rule names.
struct AuthFailure {
  int status;  // 401 or 403
  Error error;
};
std::variant<Principal, AuthFailure> authorize(const TokenTable& tokens,
                                               std::string_view authorization_header,
                                               const std::vector<Role>& allowed);

}  // namespace kassa::http
