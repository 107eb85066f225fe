// ChangePersonalData: what staff may change of a person's identity, the
// events it becomes (one per kind of change, each with only its fields),
// and every rule that refuses it.
#include "scenario.h"

namespace kassa::domain::test {
namespace {

schemas::AddressT address(std::string postal_code = "1000", std::string country = "BE") {
  schemas::AddressT a;
  a.street = "Rue Neuve";
  a.number = "12";
  a.box = "b3";
  a.postal_code = std::move(postal_code);
  a.city = "Bruxelles";
  a.country = std::move(country);
  return a;
}

TEST_CASE("personal data: each kind of change is one event with only its fields",
          "[decide][personal]") {
  auto s = with_unpaid_q1();
  CHECK(s.state.has_account);  // registered with an IBAN
  ChangePersonalData all;
  all.last_name = "Peeters-Janssens";
  all.address = address();
  all.iban = Iban::parse("BE71 0961 2345 6769").value();
  all.email = "an.peeters@example.be";
  all.phone = "+32 2 123 45 67";
  const auto events = s.run("2025-03-10", all);
  REQUIRE(events.size() == 4);
  std::vector<std::string> reasons;
  for (const auto& e : events) {
    CHECK(e.effective == d("2025-03-10"));
    CHECK_FALSE(e.quarter.has_value());
    REQUIRE(e.personal.has_value());
    CHECK(e.personal->niss.empty());  // never the NISS again
    reasons.push_back(body<schemas::PersonalDataChangedT>(e).reason_code);
  }
  CHECK(reasons == std::vector<std::string>{"NameChanged", "AddressChanged", "BankAccountChanged",
                                            "ContactDetailsChanged"});
  // Only the fields given: the first name stays as registered.
  CHECK(events[0].personal->first_name.empty());
  CHECK(events[0].personal->last_name == "Peeters-Janssens");
  REQUIRE(events[1].personal->address != nullptr);
  CHECK(events[1].personal->address->postal_code == "1000");
  CHECK(events[1].personal->address->city == "Bruxelles");
  CHECK(events[1].personal->iban.empty());
  CHECK(events[2].personal->iban == "BE71096123456769");
  CHECK(events[3].personal->email == "an.peeters@example.be");
  CHECK(events[3].personal->phone == "+32 2 123 45 67");
  CHECK(s.state.personal_data_changes == 4);

  // One field, one event.
  ChangePersonalData phone;
  phone.phone = "0470 12 34 56";
  CHECK(types(s.run("2025-03-11", phone)) ==
        std::vector<schemas::EventBody>{schemas::EventBody::PersonalDataChanged});
  // An address abroad keeps its own postal code.
  ChangePersonalData abroad;
  abroad.address = address("75001", "FR");
  CHECK(s.run("2025-03-12", abroad).size() == 1);
}

TEST_CASE("personal data: a bank account given later makes refunds payable", "[decide][personal]") {
  PersonScenario s;
  auto no_iban = person("2025-01-01");
  no_iban.iban.reset();
  s.run("2025-01-01", no_iban);
  CHECK_FALSE(s.state.has_account);
  ChangePersonalData c;
  c.iban = Iban::parse("BE68539007547034").value();
  s.run("2025-02-01", c);
  CHECK(s.state.has_account);
}

TEST_CASE("personal data: a registration's names and address follow the same rules",
          "[decide][personal][reject]") {
  PersonScenario fresh;
  auto long_name = person("2025-01-01");
  long_name.first_name = std::string(101, 'a');
  CHECK(fresh.rejection("2025-01-01", long_name) == "NameFormat");
  auto hidden = person("2025-01-01");
  hidden.last_name = "Peeters\xE2\x80\xAE";
  CHECK(fresh.rejection("2025-01-01", hidden) == "NameFormat");
  auto bad_address = person("2025-01-01");
  bad_address.address = address("100");
  CHECK(fresh.rejection("2025-01-01", bad_address) == "AddressFormat");
  auto good = person("2025-01-01");
  good.address = address();
  CHECK(fresh.when(good).ok());
}

TEST_CASE("personal data: rejections name the field and the rule", "[decide][personal][reject]") {
  PersonScenario fresh;
  ChangePersonalData phone;
  phone.phone = "+32 2 123 45 67";
  CHECK(fresh.rejection("2025-01-01", phone) == "PersonNotRegistered");

  auto s = with_unpaid_q1();
  CHECK(s.rejection("2025-02-01", ChangePersonalData{}) == "NothingToChange");
  CHECK(s.when(ChangePersonalData{}).error().field == "body");
  const auto rejected = [&](ChangePersonalData c) {
    auto r = s.when(c);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::kInvalidArgument);
    return r.error().rule + " " + r.error().field;
  };
  ChangePersonalData c;
  c.first_name = "  ";
  CHECK(rejected(c) == "NameFormat first_name");
  c = {};
  c.last_name = std::string(101, 'a');
  CHECK(rejected(c) == "NameFormat last_name");
  c.last_name = std::string(50, '\0') + "x";
  CHECK(rejected(c) == "NameFormat last_name");
  // Not UTF-8, invisible or reordering characters, spaces of any width,
  // nothing a search could find.
  for (const std::string& bad :
       {std::string("Pe\xC3\x28ters"), std::string("\xE2\x80\xAEsreteeP"),
        std::string("An\xE2\x80\x8B"), std::string("\xC2\xA0\xE2\x80\x83"),
        std::string("\xC2\x85x"), std::string("---"), std::string("An\tNa")}) {
    INFO(bad);
    c.last_name = bad;
    CHECK(rejected(c) == "NameFormat last_name");
  }
  c.last_name = "D\xE2\x80\x99Hondt";  // a typographic apostrophe is a name
  CHECK(s.when(c).ok());
  // 100 characters of two bytes each are a name, not 200 characters.
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "é";
  c.last_name = accented;
  CHECK(s.when(c).ok());

  c = {};
  c.address = address();
  c.address->street = "";
  CHECK(rejected(c) == "AddressFormat address.street");
  c.address = address("100");
  CHECK(rejected(c) == "AddressFormat address.postal_code");
  c.address = address("0999");
  CHECK(rejected(c) == "AddressFormat address.postal_code");
  c.address = address("1000", "be");
  CHECK(rejected(c) == "AddressFormat address.country");
  c.address = address("1000", "BEL");
  CHECK(rejected(c) == "AddressFormat address.country");
  c.address = address();
  c.address->city = "Brux\nelles";
  CHECK(rejected(c) == "AddressFormat address.city");
  c.address = address();
  c.address->number = std::string(11, '1');
  CHECK(rejected(c) == "AddressFormat address.number");

  for (const char* bad :
       {"an.example.be", "@example.be", "an@example", "an@@example.be", "an @example.be",
        "an@example.be.", "an@.example.be", ".an@example.be", "an.@example.be", "a..n@example.be",
        "an@example..be", "an\x01@example.be"}) {
    INFO(bad);
    c = {};
    c.email = bad;
    CHECK(rejected(c) == "EmailFormat email");
  }
  for (const char* bad : {"1234567", "+32 2 123 45 67 89 01 23", "02/123.45.67 ext", "32+21234567",
                          "0 2 1 2 3 4 5 6 7 . . . . . . . . . . . . . . . . ."}) {
    INFO(bad);
    c = {};
    c.phone = bad;
    CHECK(rejected(c) == "PhoneFormat phone");
  }
  for (const char* good : {"02/123.45.67", "(02) 123 45 67", "+32 470 12 34 56"}) {
    INFO(good);
    c = {};
    c.phone = good;
    CHECK(s.when(c).ok());
  }

  s.run("2025-03-01", EraseRegistrationData{kParty, "GDPR art. 17"});
  auto erased = s.when(phone);
  REQUIRE_FALSE(erased.ok());
  CHECK(erased.error().rule == "PersonalDataErased");
  CHECK(erased.error().code == Errc::kConflict);
}

}  // namespace
}  // namespace kassa::domain::test
