#include "http/auth.h"

#include <algorithm>

#include <sodium.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kassa::http {

const char* to_string(Role role) {
  switch (role) {
    case Role::kStaff: return "staff";
    case Role::kBatch: return "batch";
    case Role::kAuditor: return "auditor";
    case Role::kAdmin: return "admin";
  }
  return "staff";
}

Result<Role> parse_role(std::string_view text) {
  if (text == "staff") return Role::kStaff;
  if (text == "batch") return Role::kBatch;
  if (text == "auditor") return Role::kAuditor;
  if (text == "admin") return Role::kAdmin;
  return Error::invalid(
      "role", "KnownRole",
      "role must be one of staff, batch, auditor, admin; got '" + std::string(text) + "'");
}

std::string token_sha256(std::string_view token) {
  static const int sodium_ready = sodium_init();  // thread-safe, idempotent
  KASSA_ASSERT(sodium_ready >= 0, "libsodium failed to initialise");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

Result<TokenTable> TokenTable::parse(std::string_view json_text) {
  nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("tokens") ||
      !doc["tokens"].is_array()) {
    return Error::invalid("tokens", "AuthFileShape",
                          "the auth file must be a JSON object with a \"tokens\" array");
  }
  TokenTable table;
  std::size_t i = 0;
  for (const auto& entry : doc["tokens"]) {
    const std::string where = "tokens[" + std::to_string(i++) + "]";
    if (!entry.is_object() || !entry.contains("principal") || !entry["principal"].is_string() ||
        !entry.contains("role") || !entry["role"].is_string() || !entry.contains("sha256") ||
        !entry["sha256"].is_string()) {
      return Error::invalid(where, "AuthEntryShape",
                            where + " needs string fields principal, role and sha256");
    }
    auto role = parse_role(entry["role"].get<std::string>());
    if (!role) return Error::invalid(where + ".role", role.error().rule, role.error().message);
    std::string hash = entry["sha256"].get<std::string>();
    if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Error::invalid(where + ".sha256", "Sha256Hex",
                            where + ".sha256 must be 64 lower-case hex digits");
    }
    std::string principal = entry["principal"].get<std::string>();
    if (principal.empty()) {
      return Error::invalid(where + ".principal", "PrincipalNamed", "a principal needs a name");
    }
    if (!table.by_hash_.emplace(hash, Principal{principal, *role}).second) {
      return Error::invalid(where + ".sha256", "TokenUnique", "two entries share one token");
    }
  }
  return table;
}

Result<TokenTable> TokenTable::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::invalid("auth_file", "AuthFileReadable", "cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

std::optional<Principal> TokenTable::find(std::string_view token) const {
  // Hashing first makes the lookup independent of how much of the token
  // matches, so it leaks no timing about stored tokens.
  auto it = by_hash_.find(token_sha256(token));
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

std::variant<Principal, AuthFailure> authorize(const TokenTable& tokens, std::string_view header,
                                               const std::vector<Role>& allowed) {
  // RFC 9110 11.1: the scheme is case-insensitive ("bearer" is "Bearer").
  constexpr std::string_view kBearer = "bearer ";
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  const bool bearer =
      header.size() > kBearer.size() && std::equal(kBearer.begin(), kBearer.end(), header.begin(),
                                                   [&](char a, char b) { return a == lower(b); });
  if (!bearer) {
    return AuthFailure{401, Error::invalid("Authorization", "BearerTokenRequired",
                                           "send an Authorization: Bearer <token> header")};
  }
  auto principal = tokens.find(header.substr(kBearer.size()));
  if (!principal) {
    return AuthFailure{
        401, Error::invalid("Authorization", "TokenUnknown", "the bearer token is not known")};
  }
  if (principal->role == Role::kAdmin) return *principal;
  for (Role r : allowed) {
    if (r == principal->role) return *principal;
  }
  std::string roles;
  for (Role r : allowed) roles += std::string(roles.empty() ? "" : ", ") + to_string(r);
  return AuthFailure{403, Error::violation("RoleRequired",
                                           std::string("this route needs the role ") + roles +
                                               "; the token has " + to_string(principal->role),
                                           "Authorization")};
}

}  // namespace kassa::http
