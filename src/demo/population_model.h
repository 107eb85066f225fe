#pragma once
// The demo population's cast: who the members are (category, start, end,
// income, how they pay), drawn from a seeded engine with our own integer
// arithmetic so that every platform draws the same people. Internal to
// src/demo.
//
// Thread-safety: plain values; Rng is one thread at a time.

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "demo/population.h"
#include "domain/category.h"
#include "domain/date.h"
#include "domain/money.h"
#include "domain/person_state.h"
#include "domain/quarter.h"
#include "domain/structured_communication.h"
#include "schemas/envelope_generated.h"

namespace kassa::demo {

// splitmix64: a pure function, for figures that must not depend on the
// order of draws (a person's income of a year, notified twice).
inline std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n), n > 0, by rejection (no modulo bias).
  std::uint64_t below(std::uint64_t n) {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t limit = kMax - kMax % n;
    std::uint64_t x = engine_();
    while (x >= limit) x = engine_();
    return x % n;
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool per_mille(int p) { return below(1000) < static_cast<std::uint64_t>(p); }

 private:
  std::mt19937_64 engine_;
};

// REQUIRES: a valid calendar date.
domain::Date ymd(int year, unsigned month, unsigned day);

// A valid Belgian IBAN ("BE" + 2 check digits + 12 digits) for an account
// number (bank code + account, its last 10 decimal digits are used): the
// national check digits (mod 97, 97 for 0), then the IBAN's (ISO 7064).
std::string belgian_iban(std::uint64_t account);

enum class Payer { kOnTime, kLate, kPartial, kNever };

struct Person {
  std::string key;  // PartyId
  std::uint32_t member = 0;
  std::string niss, first_name, last_name;
  domain::Date birth = domain::epoch();
  domain::Category category = domain::Category::kMain;
  schemas::StarterStatus starter = schemas::StarterStatus::NotStarter;
  domain::Date start = domain::epoch();
  std::optional<domain::Date> end;
  schemas::CessationReason end_reason = schemas::CessationReason::Stopped;
  Payer payer = Payer::kOnTime;
  std::int64_t income_cents = 0;  // a typical year's net income
  std::string iban;               // the account given at registration, which the payments come from
  // Generator bookkeeping.
  bool registered = false;
  std::size_t notices_seen = 0;
  bool plan_asked = false, dispense_asked = false, waiver_asked = false, refund_asked = false;
};

struct Company {
  std::string key;  // the company number's 10 digits
  std::uint32_t member = 0;
  std::string name, legal_form;
  domain::Date incorporation = domain::epoch();
  std::vector<std::string> directors;  // PartyIds
  std::int64_t balance_cents = 0;
  bool registered = false;
};

// What the agenda holds: a member's step on a given day. The command is
// built when the day comes, from the state then (a plan's instalments add up
// to what the request found owed).
enum class Act {
  kRegister,
  kRegisterCompany,
  kCease,
  kBirth,
  kPay,
  kCompanyPay,
  kRequestPlan,
  kGrantPlan,
  kBreachPlan,
  kRequestDispense,
  kDecideDispense,
  kRequestWaiver,
  kDecideWaiver,
  kClaimBridging,
  kDecideBridging,
  kPayBenefit,
  kRefund,
  kDeath,
  kMove,    // a new address (and sometimes a telephone)
  kRename,  // a name corrected by the register
};

struct Action {
  Action(Act a, std::size_t w) : act(a), who(w) {}
  Act act = Act::kPay;
  std::size_t who = 0;
  domain::Money amount;
  std::optional<domain::StructuredCommunication> communication;
  domain::Quarter quarter = domain::epoch_quarter();
  domain::Date date = domain::epoch();
  int flag = 0;
};

// Draws the cast: persons with member numbers 1..N, companies after them.
class Model {
 public:
  Model(const PopulationSpec& spec, Rng& rng) : spec_(spec), rng_(rng) {}
  std::vector<Person> persons();
  std::vector<Company> companies(const std::vector<Person>& persons);

 private:
  std::string niss_of(std::size_t i, domain::Date* birth);
  std::string party_id(domain::Date registered, std::uint64_t hi, std::uint64_t lo);
  const PopulationSpec& spec_;
  Rng& rng_;
};

}  // namespace kassa::demo
