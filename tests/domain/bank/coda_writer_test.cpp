#include <catch2/catch.hpp>

#include "domain/bank/coda.h"
#include "domain/bank/coda_writer.h"

using namespace kassa::domain::bank;

TEST_CASE("write_coda: what it writes parse_coda reads back line for line", "[coda][writer]") {
  CodaDraft draft;
  draft.creation_date = *Date::make(2025, 2, 14);
  draft.account_iban = "BE68539007547034";
  draft.paper_sequence = 42;
  draft.opening_cents = 1'000'000;
  draft.opening_date = *Date::make(2025, 2, 13);
  draft.movements.push_back(
      {45'307, *Date::make(2025, 2, 13), "000001001019", "", "BE71096123456769", "PEETERS JAN"});
  draft.movements.push_back({-12'000, *Date::make(2025, 2, 14), "", "REFUND 7", "", "X"});
  draft.movements.push_back({99, *Date::make(2025, 2, 14), "", "GIFT", "", ""});
  auto bytes = write_coda(draft);
  REQUIRE(bytes.ok());
  auto parsed = parse_coda(*bytes);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 1);
  const BankStatement& s = parsed->front();
  CHECK(s.account_iban == "BE68539007547034");
  CHECK(s.opening.cents == 1'000'000);
  CHECK(s.closing.cents == 1'000'000 + 45'307 - 12'000 + 99);
  for (const auto& w : s.warnings) UNSCOPED_INFO(w);
  CHECK(s.warnings.empty());
  REQUIRE(s.lines.size() == 3);
  CHECK(s.lines[0].amount_cents == 45'307);
  CHECK(s.lines[0].structured_communication == "000001001019");
  CHECK(s.lines[0].counterparty_iban == "BE71096123456769");
  CHECK(s.lines[0].counterparty_name == "PEETERS JAN");
  CHECK(s.lines[0].value_date.to_string() == "2025-02-13");
  CHECK(s.lines[0].global_line_id == "BE68539007547034/2025/042-0001");
  CHECK(s.lines[1].amount_cents == -12'000);
  CHECK(s.lines[2].structured_communication.empty());
  CHECK(s.lines[2].free_communication.rfind("GIFT", 0) == 0);
}

TEST_CASE("write_coda refuses what CODA cannot hold", "[coda][writer]") {
  CodaDraft draft;
  draft.creation_date = *Date::make(2025, 2, 14);
  draft.opening_date = *Date::make(2025, 2, 13);
  draft.account_iban = "NL91ABNA0417164300";
  CHECK(write_coda(draft).error().rule == "CodaDraftAccount");
  draft.account_iban = "BE68539007547034";
  draft.movements.push_back({0, *Date::make(2025, 2, 13), "", "", "", ""});
  CHECK(write_coda(draft).error().rule == "CodaDraftAmount");
  draft.movements[0].amount_cents = 1;
  draft.movements[0].value_date = *Date::make(1999, 1, 1);
  CHECK(write_coda(draft).error().rule == "CodaDraftDate");
}
