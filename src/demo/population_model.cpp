#include "demo/population_model.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>

#include "domain/iban.h"
#include "domain/party_id.h"
#include "domain/result.h"

namespace kassa::demo {

namespace s = kassa::schemas;
using domain::Category;
using domain::Date;

namespace {

constexpr std::array<const char*, 24> kFirstNames{
    "Emma",  "Louis",   "Olivia", "Arthur", "Louise", "Jules",  "Mila",  "Noah",
    "Elena", "Lucas",   "Marie",  "Victor", "Lina",   "Adam",   "Nora",  "Liam",
    "Anna",  "Mohamed", "Sofia",  "Finn",   "Julie",  "Thomas", "Sarah", "Wout"};
constexpr std::array<const char*, 24> kLastNames{
    "Peeters",  "Janssens", "Maes",   "Jacobs",    "Mertens", "Willems", "Claes",    "Goossens",
    "Wouters",  "De Smet",  "Dubois", "Lambert",   "Martin",  "Dupont",  "Leclercq", "Hermans",
    "Michiels", "Lemmens",  "Desmet", "Vermeulen", "Renard",  "Simon",   "Laurent",  "El Amrani"};
constexpr std::array<const char*, 12> kCompanyWords{"Atelier", "Bouw",     "Consult",   "Digital",
                                                    "Horeca",  "Immo",     "Logistiek", "Medical",
                                                    "Studio",  "Techniek", "Transport", "Vastgoed"};
constexpr std::array<const char*, 3> kLegalForms{"SRL/BV", "SA/NV", "SC/CV"};

Category draw_category(Rng& rng) {
  const auto roll = rng.below(1000);
  if (roll < 600) return Category::kMain;
  if (roll < 900) return Category::kSecondary;
  if (roll < 940) return Category::kHelpingSpouse;
  if (roll < 970) return Category::kStudent;
  return Category::kPensioner;
}

// A year's typical net income in cents, by category.
std::int64_t draw_income(Rng& rng, Category c) {
  switch (c) {
    case Category::kMain: {
      const auto roll = rng.below(100);
      if (roll < 30) return rng.between(500'000, 1'700'000);
      if (roll < 80) return rng.between(1'700'000, 5'000'000);
      if (roll < 95) return rng.between(5'000'000, 9'000'000);
      return rng.between(9'000'000, 15'000'000);
    }
    case Category::kSecondary: return rng.between(0, 2'500'000);
    case Category::kHelpingSpouse: return rng.between(500'000, 2'000'000);
    case Category::kStudent: return rng.between(300'000, 2'000'000);
    case Category::kPensioner: return rng.between(200'000, 3'000'000);
  }
  return 0;
}

Payer draw_payer(Rng& rng) {
  const auto roll = rng.below(100);
  if (roll < 72) return Payer::kOnTime;
  if (roll < 86) return Payer::kLate;
  if (roll < 94) return Payer::kPartial;
  return Payer::kNever;
}

}  // namespace

Date ymd(int year, unsigned month, unsigned day) {
  auto d = Date::from_ymd(year, month, day);
  KASSA_ASSERT(d.ok(), "ymd: not a calendar date");
  return *d;
}

std::string belgian_iban(std::uint64_t account) {
  account %= 10'000'000'000ULL;
  const std::uint64_t national = account % 97 == 0 ? 97 : account % 97;
  char bban[64];  // roomy: GCC's -Wformat-truncation counts the widest ints
  std::snprintf(bban, sizeof bban, "%010llu%02llu", static_cast<unsigned long long>(account),
                static_cast<unsigned long long>(national));
  // ISO 7064 mod 97-10 over BBAN + "BE00" (B = 11, E = 14).
  std::uint64_t rest = 0;
  for (const char* c = bban; *c != 0; ++c)
    rest = (rest * 10 + static_cast<std::uint64_t>(*c - '0')) % 97;
  for (char c : std::string_view("111400"))
    rest = (rest * 10 + static_cast<std::uint64_t>(c - '0')) % 97;
  char iban[96];
  std::snprintf(iban, sizeof iban, "BE%02u%s", static_cast<unsigned>(98 - rest), bban);
  KASSA_ASSERT(domain::Iban::parse(iban).ok(), "belgian_iban: check digits");
  return iban;
}

// Unique NISS per person: slot = (i * P + offset) mod (days * 997), a
// bijection because P is a prime that does not divide the modulus; the slot
// gives a birth day between 1950 and 2004 and a serial 001..997.
std::string Model::niss_of(std::size_t i, Date* birth) {
  const Date first = ymd(1950, 1, 1);
  const auto days = static_cast<std::uint64_t>(ymd(2004, 12, 31).to_days() - first.to_days() + 1);
  const std::uint64_t modulus = days * 997;
  const std::uint64_t slot = (i * 1'000'003ULL + spec_.seed % modulus) % modulus;
  *birth = first.plus_days(static_cast<std::int32_t>(slot / 997));
  const unsigned serial = static_cast<unsigned>(slot % 997) + 1;
  char nine[64];  // roomy: GCC's -Wformat-truncation counts the widest ints
  std::snprintf(nine, sizeof nine, "%02d%02u%02u%03u", birth->year() % 100, birth->month(),
                birth->day(), serial);
  std::uint64_t base = std::stoull(nine);
  if (birth->year() >= 2000) base += 2'000'000'000ULL;
  char niss[96];
  std::snprintf(niss, sizeof niss, "%s%02u", nine, static_cast<unsigned>(97 - base % 97));
  return niss;
}

std::string Model::party_id(Date registered, std::uint64_t hi, std::uint64_t lo) {
  // A UUIDv7 (RFC 9562) as kassad draws one at registration: the Unix
  // milliseconds of the registration (09:00 UTC, the generator's clock),
  // version 7, variant 10, and the cast's random draws in the other bits.
  const auto ms = static_cast<std::uint64_t>(std::int64_t{registered.to_days()} * 86'400'000 +
                                             std::int64_t{9} * 3'600'000);
  std::array<std::uint8_t, 16> b{};
  for (std::size_t i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  for (std::size_t i = 0; i < 2; ++i) b[6 + i] = static_cast<std::uint8_t>(hi >> (8 * (7 - i)));
  for (std::size_t i = 0; i < 8; ++i) b[8 + i] = static_cast<std::uint8_t>(lo >> (8 * (7 - i)));
  b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0F));
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));
  return domain::PartyId::of_uuid(b).str();
}

std::vector<Person> Model::persons() {
  std::vector<Person> out(static_cast<std::size_t>(spec_.persons));
  const Date from = ymd(spec_.from_year, 1, 1);
  const Date to = ymd(spec_.to_year, 12, 31);
  const std::int32_t span = to.to_days() - from.to_days();
  for (std::size_t i = 0; i < out.size(); ++i) {
    Person& p = out[i];
    const std::uint64_t key_hi = rng_.below(~0ULL);  // drawn first, as the cast always was
    const std::uint64_t key_lo = rng_.below(~0ULL);
    p.member = static_cast<std::uint32_t>(i + 1);
    p.niss = niss_of(i, &p.birth);
    // Hashed, not drawn: the cast's other draws stay as they were.
    p.iban = belgian_iban(mix(spec_.seed ^ mix(0x1BA0'0000'0000ULL + i)));
    p.first_name = kFirstNames[rng_.below(kFirstNames.size())];
    p.last_name = kLastNames[rng_.below(kLastNames.size())];
    p.category = draw_category(rng_);
    p.income_cents = draw_income(rng_, p.category);
    p.payer = draw_payer(rng_);
    if (rng_.per_mille(750)) {
      // Affiliated before the generated years: the fund's existing members.
      p.start = ymd(static_cast<int>(rng_.between(2005, spec_.from_year - 1)),
                    static_cast<unsigned>(rng_.between(1, 12)), 1);
    } else {
      p.start = from.plus_days(
          static_cast<std::int32_t>(rng_.below(static_cast<std::uint64_t>(span - 30))));
      if (p.category == Category::kMain) {
        const auto roll = rng_.below(10);
        p.starter = roll < 5
                        ? s::StarterStatus::PrimoStarter
                        : (roll < 8 ? s::StarterStatus::Starter : s::StarterStatus::NotStarter);
      }
    }
    if (rng_.per_mille(80)) {
      const std::int32_t left = to.to_days() - std::max(p.start, from).to_days();
      if (left > 120) {
        p.end = std::max(p.start, from)
                    .plus_days(static_cast<std::int32_t>(rng_.between(90, left - 1)));
        const auto roll = rng_.below(100);
        p.end_reason = roll < 60   ? s::CessationReason::Stopped
                       : roll < 80 ? s::CessationReason::BecameEmployee
                       : roll < 95 ? s::CessationReason::Bankruptcy
                                   : s::CessationReason::TransferToOtherFund;
      }
    }
    // Members from before the generated years are registered on its first day.
    p.key = party_id(std::max(p.start, from), key_hi, key_lo);
  }
  return out;
}

std::vector<Company> Model::companies(const std::vector<Person>& persons) {
  std::vector<std::size_t> candidates;  // main-occupation members from the start
  for (std::size_t i = 0; i < persons.size(); ++i) {
    if (persons[i].category == Category::kMain && persons[i].start.year() < spec_.from_year) {
      candidates.push_back(i);
    }
  }
  std::vector<Company> out(static_cast<std::size_t>(spec_.companies));
  for (std::size_t i = 0; i < out.size(); ++i) {
    Company& c = out[i];
    // 8 digits starting with 0 or 1, as a company number does.
    const std::uint64_t base = 4'000'000 + (spec_.seed % 1000) * 10'000 + i;
    char number[48];
    std::snprintf(number, sizeof number, "%08llu%02u", static_cast<unsigned long long>(base),
                  static_cast<unsigned>(97 - base % 97));
    c.key = number;
    c.member = static_cast<std::uint32_t>(persons.size() + i + 1);
    c.name = std::string(kCompanyWords[rng_.below(kCompanyWords.size())]) + " " +
             kLastNames[rng_.below(kLastNames.size())] + " " + std::to_string(i + 1);
    c.legal_form = kLegalForms[rng_.below(kLegalForms.size())];
    if (rng_.per_mille(850)) {
      c.incorporation = ymd(static_cast<int>(rng_.between(2000, spec_.from_year - 1)),
                            static_cast<unsigned>(rng_.between(1, 12)), 1);
    } else {
      c.incorporation = ymd(static_cast<int>(rng_.between(spec_.from_year, spec_.to_year)),
                            static_cast<unsigned>(rng_.between(1, 11)), 1);
    }
    const int directors = candidates.empty() ? 0 : static_cast<int>(rng_.between(1, 2));
    for (int d = 0; d < directors; ++d) {
      const std::string& key = persons[candidates[rng_.below(candidates.size())]].key;
      if (std::find(c.directors.begin(), c.directors.end(), key) == c.directors.end()) {
        c.directors.push_back(key);
      }
    }
    // About a quarter above the balance-sheet threshold (~0.83 M EUR).
    c.balance_cents = rng_.per_mille(250) ? rng_.between(90'000'000, 500'000'000)
                                          : rng_.between(5'000'000, 75'000'000);
  }
  return out;
}

}  // namespace kassa::demo
