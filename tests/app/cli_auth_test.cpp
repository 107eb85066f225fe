// `kassa auth ...`: tokens made, stored as hashes kassad accepts, removed.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "http/auth.h"
#include "support/run_kassa.h"
#include "support/temp_dir.h"

namespace kh = kassa::http;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("kassa auth add-token prints a token once and stores only its hash", "[cli][auth]") {
  // Before: no command; a token's hash was made by hand with sha256sum and
  // the file's JSON edited without a check.
  kassa::testing::TempDir folder;
  const std::string dir = folder.path();
  const std::string file = dir + "/data/auth.json";

  auto admin =
      run_kassa("auth add-token --role admin --principal ops-1 --data-dir " + dir + "/data");
  REQUIRE(admin.exit_code == 0);
  auto staff = run_kassa("auth add-token --role staff --principal s-0042 --auth-file " + file);
  REQUIRE(staff.exit_code == 0);
  const std::string admin_token = admin.out.substr(0, admin.out.find('\n'));
  const std::string staff_token = staff.out.substr(0, staff.out.find('\n'));
  CHECK(admin_token.size() == 64);
  CHECK(admin_token != staff_token);

  // The file is private and holds hashes, never a token; kassad's own
  // parser accepts it and authorises each token with its role.
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);
  const std::string text = read(file);
  CHECK(text.find(admin_token) == std::string::npos);
  CHECK(text.find(staff_token) == std::string::npos);
  auto table = kh::TokenTable::parse(text);
  REQUIRE(table.ok());
  auto as_staff = kh::authorize(*table, "Bearer " + staff_token, {kh::Role::kStaff});
  REQUIRE(std::holds_alternative<kh::Principal>(as_staff));
  CHECK(std::get<kh::Principal>(as_staff).name == "s-0042");
  auto as_admin = kh::authorize(*table, "Bearer " + admin_token, {kh::Role::kAdmin});
  REQUIRE(std::holds_alternative<kh::Principal>(as_admin));
  CHECK(std::get<kh::Principal>(as_admin).name == "ops-1");

  auto listed = run_kassa("auth list --auth-file " + file);
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("ops-1 admin " + kh::token_sha256(admin_token).substr(0, 12)) !=
        std::string::npos);
  CHECK(listed.out.find("s-0042 staff") != std::string::npos);

  // Removed: the token no longer authorises; nothing else changed.
  CHECK(run_kassa("auth remove-token --principal ops-1 --auth-file " + file).exit_code == 0);
  auto after = kh::TokenTable::parse(read(file));
  REQUIRE(after.ok());
  CHECK(std::holds_alternative<kh::AuthFailure>(
      kh::authorize(*after, "Bearer " + admin_token, {kh::Role::kAdmin})));
  CHECK(std::holds_alternative<kh::Principal>(
      kh::authorize(*after, "Bearer " + staff_token, {kh::Role::kStaff})));

  // Refused, naming the rule, and the file left as it was.
  const std::string before = read(file);
  auto role =
      run_kassa("auth add-token --role boss --principal x --auth-file " + file, Capture::kStderr);
  CHECK(role.exit_code == 1);
  CHECK(role.out.find("KnownRole") != std::string::npos);
  auto name = run_kassa("auth add-token --role staff --principal 'a b' --auth-file " + file,
                        Capture::kStderr);
  CHECK(name.exit_code == 1);
  CHECK(name.out.find("PrincipalName") != std::string::npos);
  auto none =
      run_kassa("auth remove-token --principal nobody --auth-file " + file, Capture::kStderr);
  CHECK(none.exit_code == 1);
  CHECK(none.out.find("TokenFound") != std::string::npos);
  CHECK(read(file) == before);
  std::ofstream(dir + "/broken.json") << "{\"tokens\": [";
  auto broken =
      run_kassa("auth add-token --role staff --principal a --auth-file " + dir + "/broken.json",
                Capture::kStderr);
  CHECK(broken.exit_code == 1);
  CHECK(broken.out.find("AuthFileShape") != std::string::npos);
}
