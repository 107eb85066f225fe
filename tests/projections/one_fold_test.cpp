// One model of the ledger, checked over generated populations: a seeded walk
// through five years of a fund (2022-2026) in which every person command the
// domain knows is tried at random moments — payments that fall short, match
// or overpay, lower and higher provisional bases, category changes back in
// time, cessations and deaths, contribution-free quarters and births,
// waivers, dispenses, plans, contests that cancel more than is open,
// contraintes, refunds, regularisations, benefits — and companies pay, late
// or not. Every event is decided by the domain and appended as the service
// does (support/decided_ledger.h). The projector then builds the read
// models batch by batch, and `kassa check` (replay/check.h) must find every
// view equal to the domain's fold and every invariant between views held;
// so must a rebuild in passes, and every as-of answer.

#include <catch2/catch.hpp>

#include <random>

#include "decided_ledger.h"
#include "domain/person_views.h"
#include "domain/schema_convert.h"
#include "domain/snapshot.h"
#include "ledger_fixture.h"
#include "projections/as_of.h"
#include "projections/debt.h"
#include "projections/rebuild.h"
#include "projections/state.h"
#include "projections/statement.h"
#include "replay/check.h"

namespace kassa::projections::testing {
namespace {

namespace d = kassa::domain;
using kassa::testing::DecidedLedger;

class Walk {
 public:
  Walk(DecidedLedger& ledger, std::uint64_t seed, int persons, int companies)
      : l_(ledger), rng_(seed), person_count_(persons), company_count_(companies) {}

  void run() {
    for (int year = 2022; year <= 2026; ++year) {
      for (int n = 1; n <= 4; ++n) quarter(*d::Quarter::of(year, n));
    }
  }

  const std::vector<std::string>& persons() const { return persons_; }
  const std::vector<std::string>& companies() const { return companies_; }
  std::size_t accepted() const { return accepted_; }
  std::size_t refused() const { return refused_; }

 private:
  std::uint64_t below(std::uint64_t n) { return rng_() % n; }
  bool chance(int per_mille) { return below(1000) < static_cast<std::uint64_t>(per_mille); }
  d::Money cents(std::int64_t c) { return d::Money::from_cents(c); }

  void person(const std::string& key, const d::PersonCommand& c, d::Date on) {
    auto done = l_.person(key, c, on);
    REQUIRE((done.ok() || done.error().code != Errc::kUnavailable));
    (done.ok() ? accepted_ : refused_)++;
  }
  void company(const std::string& key, const d::CompanyCommand& c, d::Date on) {
    auto done = l_.company(key, c, on);
    REQUIRE((done.ok() || done.error().code != Errc::kUnavailable));
    (done.ok() ? accepted_ : refused_)++;
  }

  d::PersonState state(const std::string& key) { return l_.person_state(key); }

  void register_some(d::Quarter q) {
    // A few persons start in this quarter; some registered late, after the
    // quarter's assessment run.
    const int want = q == *d::Quarter::of(2022, 1) ? person_count_ / 2 : person_count_ / 40 + 1;
    for (int i = 0; i < want && static_cast<int>(persons_.size()) < person_count_; ++i) {
      const int n = static_cast<int>(persons_.size()) + 1;
      const auto category = static_cast<d::Category>(below(100) < 60 ? 0 : below(5));
      const auto starter = category == d::Category::kMain && chance(300)
                               ? (chance(500) ? schemas::StarterStatus::PrimoStarter
                                              : schemas::StarterStatus::Starter)
                               : schemas::StarterStatus::NotStarter;
      const d::Date start = q.first_day().plus_days(static_cast<int>(below(80)));
      persons_.push_back(l_.register_person(n, start, category, starter));
      incomes_.push_back(static_cast<std::int64_t>(below(9'000'000)) - 500'000);
    }
  }

  void companies_year(int year) {
    if (year == 2023) {
      for (int i = 0; i < company_count_; ++i) {
        const std::string number = company_number(i);
        d::RegisterCompany r{
            *d::CompanyNumber::parse(number),
            "Walk " + std::to_string(i),
            "SRL",
            *d::Date::from_ymd(2019 + i % 4, 3, 1),
            static_cast<std::uint32_t>(900'000 + i),
            {*d::PartyId::parse(persons_[static_cast<std::size_t>(i) % persons_.size()])}};
        company(number, r, *d::Date::from_ymd(2023, 1, 5));
        companies_.push_back(number);
      }
    }
    for (const auto& number : companies_) {
      company(number,
              d::ReportBalanceSheet{*d::Date::from_ymd(year - 2, 12, 31),
                                    cents(static_cast<std::int64_t>(below(200'000'000)))},
              *d::Date::from_ymd(year, 1, 10));
      company(number, d::AssessCompanyContribution{year}, *d::Date::from_ymd(year, 2, 1));
      const auto st = l_.company_state(number);
      auto debt = st.debts.find(year);
      if (debt != st.debts.end() && chance(700)) {
        const std::int64_t amount = chance(500) ? debt->second.amount.cents()
                                                : static_cast<std::int64_t>(below(100'000)) + 1;
        std::optional<d::StructuredCommunication> comm;
        if (debt->second.notice)
          comm = *d::StructuredCommunication::parse(debt->second.notice->communication);
        company(
            number,
            d::RecordCompanyPayment{
                cents(amount), *d::Date::from_ymd(year, 1 + static_cast<unsigned>(below(12)), 15),
                comm, "CB-" + number + "-" + std::to_string(year)},
            *d::Date::from_ymd(year, 12, 20));
      }
      if (year >= 2024) {
        company(number, d::ApplyCompanyLateSurcharge{year - 1, *d::Date::from_ymd(year, 6, 30)},
                *d::Date::from_ymd(year, 7, 1));
      }
      if (chance(200) && year == 2025) {
        company(number,
                d::AddDirector{*d::PartyId::parse(persons_[below(persons_.size())]),
                               *d::Date::from_ymd(year, 5, 1), "manager"},
                *d::Date::from_ymd(year, 5, 1));
      }
    }
  }

  static std::string company_number(int i) {
    // 0 + 7 digits + check digits (97 - n mod 97).
    const long base = 4'100'000 + i * 97 + 13;
    const long check = 97 - base % 97;
    std::string out = "0" + std::to_string(base);
    out += static_cast<char>('0' + check / 10);
    out += static_cast<char>('0' + check % 10);
    return out;
  }

  void pay(const std::string& key, std::size_t index, d::Date on) {
    const auto st = state(key);
    const d::Money open = st.total_open();
    std::optional<d::StructuredCommunication> comm;
    std::int64_t amount = 0;
    const auto roll = below(100);
    for (const auto* line : st.lines()) {
      if (line->notice && line->open_total().is_positive()) {
        comm = *d::StructuredCommunication::parse(line->notice->communication);
        amount = line->open_total().cents();
        break;
      }
    }
    if (roll < 15) comm.reset();                           // no communication
    if (roll >= 15 && roll < 30) amount = amount / 2 + 1;  // short
    if (roll >= 30 && roll < 40)
      amount = open.cents() + static_cast<std::int64_t>(below(50'000));  // more
    if (amount <= 0) amount = static_cast<std::int64_t>(below(40'000)) + 1;
    person(key,
           d::RecordPayment{cents(amount), on.plus_days(-static_cast<int>(below(3))), comm,
                            "B-" + std::to_string(index) + "-" + std::to_string(++bank_refs_),
                            schemas::PaymentChannel::Coda, std::nullopt},
           on);
  }

  void events_of_a_person(const std::string& key, std::size_t index, d::Quarter q) {
    const d::Date mid = q.first_day().plus_days(40);
    const d::Date late = q.first_day().plus_days(70);
    const auto st = state(key);
    if (!st.registered) return;
    if (chance(750)) pay(key, index, q.first_day().plus_days(static_cast<int>(20 + below(60))));
    if (chance(30)) {
      const int year = q.year() + static_cast<int>(below(2));
      const bool lower = chance(500);
      person(key,
             d::ChangeProvisionalBase{
                 year,
                 cents(lower ? 1'800'000 : 6'000'000 + static_cast<std::int64_t>(below(4'000'000))),
                 lower ? schemas::ProvisionalBasis::JustifiedLower
                       : schemas::ProvisionalBasis::ChosenHigher,
                 lower ? "IncomeDrop" : ""},
             mid);
    }
    if (chance(20)) {
      const auto to = static_cast<d::Category>(below(5));
      const bool back = chance(400);
      person(key, d::ChangeCategory{to, back ? q : q.next(), "Walk", back}, mid);
    }
    if (chance(8)) person(key, d::CeaseActivity{late, schemas::CessationReason::Stopped}, late);
    if (chance(3)) person(key, d::RecordDeath{mid.plus_days(-static_cast<int>(below(200)))}, late);
    if (chance(15))
      person(key, d::GrantContributionFreeQuarter{q.next(), schemas::FreeQuarterReason::Sickness},
             mid);
    if (chance(10)) person(key, d::RecordBirth{mid, false}, late);
    if (chance(40)) {
      const d::Quarter prev = q.prev();
      person(key, d::RequestWaiver{{prev}, schemas::WaiverGround::GoodFaith}, mid);
      if (chance(700))
        person(key,
               d::GrantWaiver{
                   {prev}, "W-" + key.substr(1, 6), static_cast<std::uint32_t>(2000 + below(8001))},
               late);
    }
    if (chance(30)) {
      const d::Quarter prev = q.prev();
      person(key, d::RequestDispense{{prev}}, mid);
      if (chance(700)) person(key, d::GrantDispense{{prev}, "D-" + key.substr(1, 6)}, late);
    }
    if (chance(40)) {
      std::vector<d::Quarter> open;
      for (const auto* line : st.lines()) {
        if (line->open_total().is_positive() && line->kind == d::DebtLineKind::kQuarterly)
          open.push_back(line->quarter);
      }
      if (!open.empty()) {
        person(key, d::RequestPaymentPlan{open, 4}, mid);
        const auto now = state(key);
        const d::RequestRecord* request = now.pending_plan_request();
        if (request != nullptr && chance(700)) {
          const d::Money total = request->amount;
          const std::int64_t part = total.cents() / 4;
          std::vector<d::Instalment> inst;
          for (int i = 0; i < 4; ++i) {
            inst.push_back(
                {late.plus_months(i + 1), cents(i == 3 ? total.cents() - 3 * part : part)});
          }
          const std::string ref = "PL-" + key.substr(1, 6) + "-" + q.format();
          person(key, d::GrantPaymentPlan{ref, inst}, late);
          if (chance(300))
            person(key, d::BreachPaymentPlan{ref, late.plus_months(1), cents(part)},
                   late.plus_months(1));
        } else if (request != nullptr) {
          person(key,
                 d::RefusePaymentPlan{
                     {"NoIncome", "no income", "Tribunal du travail", late.plus_months(3)}},
                 late);
        }
      }
    }
    if (chance(25)) {
      const std::string ref = "C-" + key.substr(1, 8) + "-" + q.format();
      const d::Money open = st.total_open();
      person(key, d::FileContest{{q.prev(), q.prev().prev()}, open, "Tribunal du travail", ref},
             mid);
      const std::int64_t cancelled =
          chance(500) ? 0
                      : static_cast<std::int64_t>(
                            below(static_cast<std::uint64_t>(open.cents()) * 12 / 10 + 1000));
      person(key,
             d::DecideContest{ref,
                              cancelled > 0 ? schemas::ContestOutcome::PartlyUpheld
                                            : schemas::ContestOutcome::Rejected,
                              cents(cancelled)},
             late);
    }
    if (chance(60))
      person(key, d::RecordPersonalContact{mid, schemas::ContactChannel::Phone, chance(700), "N-1"},
             mid);
    if (chance(80)) person(key, d::ServeContrainte{late, "BAIL-" + key.substr(1, 6)}, late);
    if (chance(80) && st.owed_to_member().is_positive()) {
      const std::int64_t credit = st.owed_to_member().cents();
      person(key,
             d::IssueRefund{
                 cents(chance(800) ? credit : credit + 100), schemas::RefundReason::OnRequest,
                 "R-" + key.substr(1, 6) + "-" + q.format(), *d::Iban::parse("BE68539007547034")},
             late);
    }
    if (chance(15)) {
      const std::string ref = "BR-" + key.substr(1, 6) + "-" + q.format();
      person(key,
             d::ClaimBenefit{schemas::BenefitKind::BridgingRight,
                             schemas::BridgingGround::Bankruptcy, mid, ref},
             mid);
      person(key, d::GrantBenefit{ref, late, chance(500), std::nullopt}, late);
      person(key,
             d::PayBenefit{ref, late, late.plus_months(1), cents(139'817), "PAY-" + ref,
                           *d::Iban::parse("BE68539007547034")},
             late.plus_months(1));
      if (chance(200)) {
        person(key,
               d::ClaimOverpayment{schemas::BenefitKind::BridgingRight,
                                   late,
                                   late.plus_months(1),
                                   cents(10'000),
                                   {"Undue", "undue", "Tribunal du travail", late.plus_months(4)}},
               late.plus_months(1));
      }
    }
  }

  void quarter(d::Quarter q) {
    register_some(q);
    if (q.number() == 1) {
      // 1 January: the 7 % on last year's unpaid provisional contributions.
      for (const auto& key : persons_)
        person(key, d::ApplyYearEndSurcharge{q.year() - 1}, q.first_day());
      if (q.year() >= 2023) companies_year(q.year());
    }
    // The assessment run in the quarter's first month.
    const d::Date run = q.first_day().plus_days(4);
    for (const auto& key : persons_) person(key, d::AssessQuarter{q}, run);
    // The tax authority's incomes of two years back: regularisations.
    if (q.number() == 3 && q.year() >= 2024) {
      for (std::size_t i = 0; i < persons_.size(); ++i) {
        if (chance(800)) {
          person(persons_[i],
                 d::NotifyIncome{q.year() - 2, cents(incomes_[i]),
                                 schemas::IncomeSource::TaxAuthority},
                 q.first_day().plus_days(static_cast<int>(20 + below(40))));
        }
      }
    }
    for (std::size_t i = 0; i < persons_.size(); ++i) events_of_a_person(persons_[i], i, q);
    // Reminders and formal notices, then the quarter-end 3 %.
    for (const auto& key : persons_)
      person(key, d::RunReminders{q.first_day().plus_days(50)}, q.first_day().plus_days(50));
    for (const auto& key : persons_) person(key, d::ApplyQuarterEndSurcharges{q}, q.last_day());
  }

  DecidedLedger& l_;
  std::mt19937_64 rng_;
  int person_count_;
  int company_count_;
  std::vector<std::string> persons_;
  std::vector<std::int64_t> incomes_;
  std::vector<std::string> companies_;
  std::size_t accepted_ = 0;
  std::size_t refused_ = 0;
  int bank_refs_ = 0;
};

std::string violations_text(const replay::CheckReport& r) {
  std::string out;
  for (const auto& v : r.listed) out += v.aggregate + " " + v.rule + ": " + v.detail + "\n";
  return out;
}

}  // namespace

TEST_CASE("every read model is a view of the domain's fold, over generated populations",
          "[one-fold][check]") {
  const auto seed = GENERATE(as<std::uint64_t>{}, 1, 7, 2026);
  DecidedLedger ledger(seed);
  Walk walk(ledger, seed, 60, 6);
  walk.run();
  INFO("seed " << seed << ": " << walk.accepted() << " commands accepted, " << walk.refused()
               << " refused");
  REQUIRE(walk.accepted() > 3000);

  ProjectionDeps deps;
  deps.rulebook = &ledger.rulebook();
  TempDir dir;
  // Live, in small batches: batch boundaries fall between a command's events.
  auto store = must(Store::open(dir.path() + "/live"));
  ProjectorOptions options;
  options.max_batch = 7;
  Projector projector(ledger.log(), *store, make_projections(deps), options);
  must(projector.catch_up());

  replay::CheckOptions check;
  check.on = *d::Date::from_ymd(2027, 1, 15);
  auto report = must(replay::check_store(*store, ledger.rulebook(), ledger.fund(), check));
  INFO(violations_text(report));
  CHECK(report.persons == walk.persons().size());
  CHECK(report.companies == walk.companies().size());
  CHECK(report.violations == 0);

  // The projector's states are the write side's own.
  for (const auto& key : walk.persons()) {
    auto stored = must(read_person_state(*store, key));
    REQUIRE(stored.has_value());
    CHECK(d::serialize(*stored) == d::serialize(ledger.person_state(key)));
  }

  SECTION("a rebuild in three passes gives the same store, which checks too") {
    RebuildPlan plan;
    plan.passes = 3;
    plan.max_batch = 11;
    auto rebuilt = must(build_store(ledger.log(), dir.path() + "/rebuilt", deps, nullptr, plan));
    const auto rebuilt_sums = must(store_checksums(*rebuilt));
    const auto live_sums = must(store_checksums(*store));
    for (const auto& [name, sum] : live_sums) {
      INFO("projection " << name);
      CHECK(rebuilt_sums.at(name) == sum);
    }
    auto again = must(replay::check_store(*rebuilt, ledger.rulebook(), ledger.fund(), check));
    CHECK(again.violations == 0);
  }

  SECTION("as of any date: the statement shows no later line and its balance is the debt's") {
    for (std::size_t i = 0; i < walk.persons().size(); i += 7) {
      const std::string& key = walk.persons()[i];
      for (int year = 2022; year <= 2026; ++year) {
        for (unsigned month : {2u, 5u, 8u, 11u}) {
          const d::Date at = *d::Date::from_ymd(year, month, 10);
          AsOf as_of;
          as_of.decided_up_to_days = at.to_days();
          auto view =
              must(fold_aggregate(*store, deps, schemas::AggregateKind::Person, key, as_of));
          StatementQuery q;
          q.to = at;
          auto page = must(read_statement(*view, schemas::AggregateKind::Person, key, q));
          for (const auto& line : page.lines) CHECK(line.date <= at);
          auto debt = must(read_debt(*view, key));
          const d::Money balance = debt ? debt->balance : d::Money{};
          INFO(key << " as of " << at.format());
          CHECK(page.closing_balance == balance);
        }
      }
    }
  }
}

}  // namespace kassa::projections::testing
