// `kassa rules ...` end to end: the real binary, its stdout, stderr and exit code.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/run_kassa.h"

TEST_CASE("kassa rules contribution prints worked example 1 as JSON", "[cli]") {
  auto run = run_kassa("rules contribution --year 2025 --category main --income 40000.00");
  REQUIRE(run.exit_code == 0);
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["year"] == 2025);
  CHECK(json["category"] == "main");
  CHECK(json["base"] == "40000.00");
  CHECK(json["annual"] == "8200.00");
  CHECK(json["quarterly"] == "2050.00");
  CHECK(json["fee"] == "80.98");
  CHECK(json["quarterly_with_fee"] == "2130.98");
}

TEST_CASE("kassa rules contribution: reference income, quarters, primo-starter", "[cli]") {
  // 30,000.00 × 1.092330529 × 20.5 % = 6,717.83; a quarter 1,679.46
  auto reference =
      run_kassa("rules contribution --year 2025 --category main --reference-income 30000");
  REQUIRE(reference.exit_code == 0);
  CHECK(nlohmann::json::parse(reference.out)["quarterly"] == "1679.46");
  // 20,000.00 over 2 quarters: annual 4,100.00
  auto two =
      run_kassa("rules contribution --year 2025 --category main --income 20000 --quarters 2");
  CHECK(nlohmann::json::parse(two.out)["annual"] == "4100.00");
  auto primo = run_kassa(
      "rules contribution --year 2025 --category main --income 0 --primo-starter "
      "--first-quarter --fee-rate 3.95");
  REQUIRE(primo.exit_code == 0);
  CHECK(nlohmann::json::parse(primo.out)["quarterly"] == "334.12");  // 450.15 - 116.03
  auto starter = run_kassa("rules contribution --year 2024 --category secondary --starter");
  CHECK(nlohmann::json::parse(starter.out)["quarterly_with_fee"] == "99.38");
  auto spouse = run_kassa("rules contribution --year 2025 --category helping-spouse --income 0");
  CHECK(nlohmann::json::parse(spouse.out)["quarterly"] == "382.94");
}

TEST_CASE("kassa rules contribution: bad input names the field and the rule", "[cli]") {
  auto year =
      run_kassa("rules contribution --year 2021 --category main --income 1", Capture::kStderr);
  CHECK(year.exit_code == 1);
  CHECK(year.out ==
        "error: year: the rulebook has no contribution figures for 2021 (UnknownYear)\n");
  auto category =
      run_kassa("rules contribution --year 2025 --category boss --income 1", Capture::kStderr);
  CHECK(category.exit_code == 1);
  CHECK(category.out.find("error: category:") == 0);
  CHECK(category.out.find("(UnknownCategory)") != std::string::npos);
  auto amount =
      run_kassa("rules contribution --year 2025 --category main --income 12.345", Capture::kStderr);
  CHECK(amount.exit_code == 1);
  CHECK(amount.out.find("error: income:") == 0);
  CHECK(amount.out.find("(MoneyFormat)") != std::string::npos);
  // Usage errors exit 2.
  CHECK(run_kassa("rules contribution --category main --income 1").exit_code == 2);
  CHECK(run_kassa("rules contribution --year 2025 --category main").exit_code == 2);
  CHECK(run_kassa("rules contribution --year 2025 --category main --income 1 --reference-income 2")
            .exit_code == 2);
}

TEST_CASE("kassa rules validate exits 0 for valid and 1 for invalid", "[cli]") {
  auto [args, exit_code] = GENERATE(table<std::string, int>({
      {"niss 93051822361", 0},
      {"niss 00012556777", 0},
      {"niss 93051822362", 1},
      {"company 0566.988.259", 0},
      {"company BE0566988258", 1},
      {"structured '+++312/4013/98067+++'", 0},
      {"structured '+++240/2838/42818+++'", 0},
      {"structured '+++312/4013/98068+++'", 1},
      {"iban 'BE68 5390 0754 7034'", 0},
      {"iban NL91ABNA0417164300", 1},
  }));
  auto run = run_kassa("rules validate " + args);
  CHECK(run.exit_code == exit_code);
  if (exit_code == 0) {
    CHECK(run.out == "valid\n");
  } else {
    CHECK(run.out.rfind("invalid: ", 0) == 0);
  }
  CHECK(run_kassa("rules validate niss 93051822362").out ==
        "invalid: niss: check digits do not match (97 - first 9 digits mod 97, with a 2 in "
        "front for births from 2000) (NissCheckDigits)\n");
  CHECK(run_kassa("rules validate passport 1").exit_code == 2);
}
