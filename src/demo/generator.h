#pragma once
// The demo generator's walk (internal to src/demo): the quarter-by-quarter
// timeline and its agenda of dated steps (this class), how a step becomes a
// domain command and the summary (population_steps.cpp); the entry point is
// generate_population() (population.h, population.cpp).
//
// Thread-safety: one thread; the writers and the log are used from it.

#include <algorithm>
#include <array>
#include <chrono>
#include <limits>
#include <optional>
#include <random>
#include <type_traits>
#include <unordered_map>

#include "demo/population_model.h"
#include "demo/state_spill.h"
#include "domain/bank/coda_writer.h"
#include "domain/person_decide.h"
#include "domain/rulebook.h"
#include "domain/schema_convert.h"
#include "log/uuid.h"
#include "write/aggregate_writer.h"
#include "write/aggregates.h"
#include "write/bank_import.h"

namespace kassa::demo::detail {

namespace s = kassa::schemas;
using domain::Category;
using domain::Date;
using domain::Money;
using domain::Quarter;
using PersonWriter = write::AggregateWriter<write::PersonAggregate>;
using CompanyWriter = write::AggregateWriter<write::CompanyAggregate>;
using FundWriter = write::AggregateWriter<write::FundAggregate>;

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
// Aggregates per group commit. Larger than the writer's default: the
// generator is the log's only writer, and fewer, larger appends (one fsync,
// or one wait for the acks, each) are what makes 10^5-10^6 persons practical.
constexpr std::size_t kChunk = 10'000;
// Persons whose registration or income commands are built and run at once:
// bounds the commands in memory (a few hundred bytes each) at any population.
constexpr std::size_t kPersonsPerBlock = 5 * kChunk;
// Bank lines, per mille: paid without the notice's communication (matched by
// the registered account), and paid from an account nobody registered
// without a communication (suspense).
constexpr std::uint64_t kNoCommunicationPerMille = 50;
constexpr std::uint64_t kUnknownPayerPerMille = 1;
// CODA 2: at most 9999 movements per statement, paper sequences 1..999.
constexpr std::size_t kMovementsPerStatement = 9999;
constexpr int kPapersPerYear = 999;

inline domain::AppealInfo appeal(const std::string& code, const std::string& reason, Date decided) {
  return {code, reason, "Tribunal du travail / Arbeidsrechtbank", decided.plus_months(3)};
}

// One quarter-by-quarter walk. Members are registered, then every command
// is decided by the domain on the writers' cached states; the generator only
// chooses what happens and when.

class Generator {
 public:
  Generator(log::EventLog& log, log::KeyStore& keys, log::Random& random,
            const PopulationSpec& spec, const Progress& progress)
      : log_(log),
        keys_(keys),
        random_(random),
        spec_(spec),
        progress_(progress),
        rng_(spec.seed),
        rulebook_(domain::Rulebook::belgian_default()),
        fund_(domain::FundConfig::kassa_default()),
        factory_(keys, random, [this] { return now_us_ += 1000; }),
        persons_w_(log, factory_, spilled_persons(), rulebook_, fund_),
        companies_w_(log, factory_, no_events<CompanyWriter>(), rulebook_, fund_),
        fund_w_(log, factory_, no_events<FundWriter>(), rulebook_, fund_),
        importer_(persons_w_, companies_w_, fund_w_, lookup()) {
    importer_.set_chunk(kChunk);
  }

  Result<PopulationSummary> run() {
    KASSA_TRY(require_empty());
    set_clock(ymd(spec_.from_year, 1, 1));
    meta_ =
        write::CommandMeta{"batch:demo-generator", log::Uuid::v7(now_us_ / 1000, random_), {}, {}};
    Model model(spec_, rng_);
    persons_ = model.persons();
    companies_ = model.companies(persons_);
    if (spec_.spills()) {
      KASSA_ASSIGN_OR_RETURN(spill_, StateSpill::open(spec_.scratch_dir));
      persons_w_.set_cache_limit(spec_.cached_persons, [this](const std::string& key,
                                                              const PersonWriter::Loaded& dropped) {
        spill_->put(key, dropped.state, dropped.tip);
      });
    }

    const Quarter first = Quarter::of(spec_.from_year, 1).value();
    const Quarter last = Quarter::of(spec_.to_year, 4).value();
    for (Quarter q = first; q <= last; q = q.next()) {
      KASSA_TRY(quarter(q, q == first));
      if (progress_) progress_(q.format(), summary_.events());
    }
    KASSA_TRY(flush_until(last.last_day()));
    PopulationSummary summary = summarise();
    KASSA_TRY(spill_status());
    if (spill_) {
      summary.states_spilled = spill_->puts();
      summary.states_loaded = spill_->gets();
    }
    return summary;
  }

 private:
  template <typename W>
  static typename W::Loader no_events() {
    return [](const std::string&) -> Result<std::optional<typename W::Loaded>> {
      return std::optional<typename W::Loaded>{};
    };
  }

  // The persons' Loader: the state the scratch store kept when the cache
  // dropped it, else none (the log was empty when the generation began).
  PersonWriter::Loader spilled_persons();

  // Calls fn(const PersonState&) on the person's state, cached or spilled;
  // returns whether there was one. A failing scratch store answers false
  // here, and every write checks spill_status() first, so nothing decided
  // on that answer is ever appended.
  template <typename F>
  bool visit_person(const std::string& key, F&& fn) {
    if (persons_w_.visit_cached(key, fn)) return true;
    if (!spill_) return false;
    auto entry = spill_->get(key);
    if (!entry || !entry->has_value()) return false;
    fn(static_cast<const domain::PersonState&>((*entry)->state));
    return true;
  }

  Status spill_status() const { return spill_ ? spill_->status() : Status{}; }

  Status require_empty() {
    for (log::Topic t : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
      for (std::int32_t p = 0; p < log_.partition_count(t); ++p) {
        KASSA_ASSIGN_OR_RETURN(auto hwm, log_.high_water_mark(t, p));
        if (hwm != 0) {
          return Error::conflict(
              "LogNotEmpty", "the demo generator writes a whole history and needs an empty log");
        }
      }
    }
    return {};
  }

  void set_clock(Date d) {
    // 09:00 UTC on the business date; each event batch a millisecond later.
    now_us_ = std::max<std::int64_t>(
        now_us_, std::int64_t{d.to_days()} * kMicrosPerDay + 9 * 3'600'000'000LL);
  }

  // ---- the quarter's timeline ---------------------------------------------------

  Status quarter(Quarter q, bool first) {
    const Date day1 = q.first_day();
    const int year = q.year();
    if (first) KASSA_TRY(register_existing(day1));
    if (q.number() == 1) {
      if (!first) KASSA_TRY(person_run(day1, domain::ApplyYearEndSurcharge{year - 1}));
      schedule_births(year);
      schedule_moves(year);
      KASSA_TRY(flush_until(day1.plus_days(9)));
      if (rulebook_.company_year(year).ok()) {
        KASSA_TRY(company_run(day1.plus_days(9), domain::AssessCompanyContribution{year}));
        schedule_company_payments(year);
      }
    }
    KASSA_TRY(flush_until(day1.plus_days(4)));
    KASSA_TRY(person_run(day1.plus_days(4), domain::AssessQuarter{q}));
    schedule_new_notices();
    KASSA_TRY(flush_until(day1.plus_days(15)));
    KASSA_TRY(person_run(day1.plus_days(15), domain::RunReminders{day1.plus_days(15)}));
    if (q.number() == 2) {
      KASSA_TRY(flush_until(ymd(year, 5, 20)));
      KASSA_TRY(notify_incomes(ymd(year, 5, 20), year - 2));
      schedule_new_notices();
      KASSA_TRY(flush_until(ymd(year, 6, 15)));
      KASSA_TRY(report_balance_sheets(ymd(year, 6, 15), year - 1));
    }
    const Date end = q.last_day();
    KASSA_TRY(flush_until(end));
    KASSA_TRY(person_run(end, domain::ApplyQuarterEndSurcharges{q}));
    KASSA_TRY(person_run(end, domain::RunReminders{end}));
    for (int y = spec_.from_year; y < year || (y == year && q.number() == 4); ++y) {
      if (rulebook_.company_year(y).ok()) {
        KASSA_TRY(company_run(end, domain::ApplyCompanyLateSurcharge{y, end}));
      }
    }
    schedule_interventions(end);
    return {};
  }

  // The members who started before the first quarter, with their reference
  // incomes (population_steps.cpp).
  Status register_existing(Date day1);

  // A member from before the generated years is taken over: the ledger this
  // one replaces assessed the quarters before the first generated one.
  domain::RegisterPerson register_command(const Person& p) const {
    const Date first_day = ymd(spec_.from_year, 1, 1);
    const bool existing = p.start < first_day;
    std::optional<domain::Iban> iban;
    if (!p.iban.empty()) iban = domain::Iban::parse(p.iban).value();
    return domain::RegisterPerson{
        domain::Niss::parse(p.niss).value(),
        p.first_name,
        p.last_name,
        std::nullopt,
        std::move(iban),
        p.birth,
        p.start,
        p.category,
        p.starter,
        false,
        p.member,
        "",
        existing ? std::optional{Quarter::containing(first_day)} : std::nullopt};
  }

  // A new address in one of a few Belgian municipalities, drawn from the
  // person and the day (no draw from the generator's random stream); one
  // move in three also gives a mobile number.
  static domain::ChangePersonalData move_command(std::size_t who, Date on) {
    static constexpr std::array<std::pair<const char*, const char*>, 8> kPlaces{
        {{"1000", "Bruxelles"},
         {"2000", "Antwerpen"},
         {"4000", "Liège"},
         {"5000", "Namur"},
         {"7000", "Mons"},
         {"8000", "Brugge"},
         {"9000", "Gent"},
         {"3000", "Leuven"}}};
    static constexpr std::array<const char*, 6> kStreets{"Rue de la Station", "Kerkstraat",
                                                         "Rue du Moulin",     "Stationsstraat",
                                                         "Place du Marché",   "Dorpsstraat"};
    const auto seed =
        static_cast<std::uint64_t>(who) * 7919 + static_cast<std::uint64_t>(on.to_days());
    domain::ChangePersonalData c;
    schemas::AddressT address;
    address.street = kStreets[seed % kStreets.size()];
    address.number = std::to_string(1 + seed % 180);
    address.postal_code = kPlaces[(seed / 7) % kPlaces.size()].first;
    address.city = kPlaces[(seed / 7) % kPlaces.size()].second;
    address.country = "BE";
    c.address = std::move(address);
    if (seed % 3 == 0) c.phone = "+32 47" + std::to_string(1'000'000 + seed % 9'000'000);
    return c;
  }

  domain::RegisterCompany register_command(const Company& c) const {
    std::vector<domain::PartyId> directors;
    directors.reserve(c.directors.size());
    for (const auto& key : c.directors) directors.push_back(domain::PartyId::parse(key).value());
    return domain::RegisterCompany{domain::CompanyNumber::parse(c.key).value(),
                                   c.name,
                                   c.legal_form,
                                   c.incorporation,
                                   c.member,
                                   std::move(directors)};
  }

  Money income(std::size_t i, int year) const {
    // A pure function of (seed, person, year): notified twice, the same figure.
    const std::uint64_t h = mix(spec_.seed ^ mix(i * 7919 + static_cast<std::uint64_t>(year)));
    return Money::from_cents(persons_[i].income_cents * static_cast<std::int64_t>(800 + h % 400) /
                             1000);
  }

  Status notify_incomes(Date on, int year) {
    if (year < spec_.from_year) return {};
    // Block by block, like the registrations: the same items in the same
    // order, never all of them in memory at once.
    for (std::size_t from = 0; from < persons_.size(); from += kPersonsPerBlock) {
      const std::size_t to = std::min(persons_.size(), from + kPersonsPerBlock);
      std::vector<PersonWriter::Item> items;
      for (std::size_t i = from; i < to; ++i) {
        const Person& p = persons_[i];
        if (!p.registered || p.start.year() > year || (p.end && p.end->year() < year)) continue;
        items.push_back({p.key,
                         domain::NotifyIncome{year, income(i, year), s::IncomeSource::TaxAuthority},
                         on});
      }
      KASSA_TRY(person_items(on, items));
    }
    return {};
  }

  Status report_balance_sheets(Date on, int financial_year) {
    std::vector<CompanyWriter::Item> items;
    for (const Company& c : companies_) {
      if (!c.registered || c.incorporation.year() > financial_year) continue;
      const std::uint64_t h = mix(spec_.seed ^ mix(std::uint64_t{c.member} * 31 +
                                                   static_cast<std::uint64_t>(financial_year)));
      items.push_back({c.key,
                       domain::ReportBalanceSheet{
                           ymd(financial_year, 12, 31),
                           Money::from_cents(c.balance_cents *
                                             static_cast<std::int64_t>(850 + h % 300) / 1000)},
                       on});
    }
    return company_items(on, items);
  }

  void schedule_births(int year) {
    for (std::size_t i = 0; i < persons_.size(); ++i) {
      const Person& p = persons_[i];
      if ((p.category != Category::kMain && p.category != Category::kHelpingSpouse) ||
          !rng_.per_mille(8)) {
        continue;
      }
      const Date birth = ymd(year, 1, 1).plus_days(static_cast<std::int32_t>(rng_.below(330)));
      if (birth < p.start || (p.end && *p.end < birth)) continue;
      Action a{Act::kBirth, i};
      a.date = birth;
      agenda_.emplace(birth.plus_days(12).to_days(), a);
    }
    // A few die; the registry reports it one to four months later, when
    // the quarter of death (and perhaps the next) is already assessed.
    for (std::size_t i = 0; i < persons_.size(); ++i) {
      const Person& p = persons_[i];
      if (!rng_.per_mille(3)) continue;
      const Date death = ymd(year, 1, 1).plus_days(static_cast<std::int32_t>(rng_.below(330)));
      if (death < p.start || (p.end && *p.end < death)) continue;
      Action a{Act::kDeath, i};
      a.date = death;
      agenda_.emplace(death.plus_days(static_cast<std::int32_t>(rng_.between(30, 120))).to_days(),
                      a);
    }
  }

  // Some move every year (the fund hears of it weeks later) and a few have
  // their name corrected by the register: changes of personal data.
  void schedule_moves(int year) {
    for (std::size_t i = 0; i < persons_.size(); ++i) {
      const Person& p = persons_[i];
      const bool move = rng_.per_mille(40);
      const bool rename = rng_.per_mille(2);
      if (!move && !rename) continue;
      const Date on = ymd(year, 1, 1).plus_days(static_cast<std::int32_t>(rng_.below(330)));
      if (on < p.start || (p.end && *p.end < on)) continue;
      if (move) agenda_.emplace(on.to_days(), Action{Act::kMove, i});
      if (rename) agenda_.emplace(on.to_days(), Action{Act::kRename, i});
    }
  }

  // Every notice the last run issued gets its payment behaviour.
  void schedule_new_notices() {
    for (std::size_t i = 0; i < persons_.size(); ++i) {
      Person& p = persons_[i];
      if (!p.registered) continue;
      std::vector<domain::Notice> fresh;
      visit_person(p.key, [&](const domain::PersonState& st) {
        for (std::size_t n = p.notices_seen; n < st.notices.size(); ++n)
          fresh.push_back(st.notices[n]);
        p.notices_seen = st.notices.size();
      });
      for (const auto& n : fresh) schedule_payment(i, n);
    }
  }

  void schedule_payment(std::size_t i, const domain::Notice& n) {
    const Person& p = persons_[i];
    auto communication = domain::StructuredCommunication::parse(n.communication);
    std::optional<domain::StructuredCommunication> comm;
    if (communication.ok()) comm = *communication;
    const std::int32_t window = std::max(6, n.due.to_days() - n.sent.to_days() - 1);
    auto on_time = [&] {
      return n.sent.plus_days(static_cast<std::int32_t>(rng_.between(5, window)));
    };
    auto late = [&] { return n.due.plus_days(static_cast<std::int32_t>(rng_.between(16, 200))); };
    Payer payer = p.payer;
    if (payer == Payer::kOnTime && rng_.per_mille(15)) payer = Payer::kLate;
    if (payer == Payer::kLate && rng_.per_mille(250)) payer = Payer::kOnTime;
    switch (payer) {
      case Payer::kOnTime: pay(on_time(), i, n.amount, comm); break;
      case Payer::kLate: pay(late(), i, n.amount, comm); break;
      case Payer::kPartial: {
        const Money part = Money::from_cents(n.amount.cents() * rng_.between(40, 90) / 100);
        pay(on_time(), i, part, comm);
        if (rng_.per_mille(500))
          pay(late(), i, Money::from_cents(n.amount.cents() - part.cents()), comm);
        break;
      }
      case Payer::kNever: break;
    }
  }

  void pay(Date value_date, std::size_t who, Money amount,
           std::optional<domain::StructuredCommunication> comm, Act act = Act::kPay) {
    if (!amount.is_positive()) return;
    Action a{act, who};
    a.amount = amount;
    a.communication = std::move(comm);
    agenda_.emplace(value_date.to_days(), std::move(a));
  }

  void schedule_company_payments(int year) {
    for (std::size_t i = 0; i < companies_.size(); ++i) {
      const Company& c = companies_[i];
      if (!c.registered) continue;
      std::optional<domain::Notice> notice;
      companies_w_.visit_cached(c.key, [&](const domain::CompanyState& st) {
        auto it = st.debts.find(year);
        if (it != st.debts.end()) notice = it->second.notice;
      });
      if (!notice) continue;
      auto comm = domain::StructuredCommunication::parse(notice->communication);
      std::optional<domain::StructuredCommunication> communication;
      if (comm.ok()) communication = *comm;
      const std::uint64_t roll = rng_.below(100);
      if (roll < 85) {
        pay(notice->sent.plus_days(static_cast<std::int32_t>(rng_.between(20, 320))), i,
            notice->amount, communication, Act::kCompanyPay);
      } else if (roll < 95) {
        pay(notice->due.plus_days(static_cast<std::int32_t>(rng_.between(20, 150))), i,
            notice->amount, communication, Act::kCompanyPay);
      }
    }
  }

  // After the quarter-end run: who asks for a plan, a dispense or a waiver.
  void schedule_interventions(Date end) {
    for (std::size_t i = 0; i < persons_.size(); ++i) {
      Person& p = persons_[i];
      if (!p.registered) continue;
      std::optional<Quarter> noticed, waivable;
      visit_person(p.key, [&](const domain::PersonState& st) {
        for (const auto& [q, line] : st.quarter_lines) {
          if (line.cancelled || line.dispensed) continue;
          if (line.formal_notice_sent == end && line.open_principal().is_positive() && !noticed)
            noticed = q;
          const auto* facts = st.facts(q);
          if (line.principal_settled() && line.open_surcharges().is_positive() &&
              (facts == nullptr || facts->waiver == domain::RequestStatus::kNone)) {
            waivable = q;
          }
        }
      });
      if (noticed && !p.plan_asked && rng_.per_mille(150)) {
        p.plan_asked = true;
        Action a{Act::kRequestPlan, i};
        a.quarter = *noticed;
        agenda_.emplace(end.plus_days(10).to_days(), a);
        Action g{Act::kGrantPlan, i};
        g.flag = rng_.per_mille(200) ? 1 : 0;  // 1: this plan will be breached
        agenda_.emplace(end.plus_days(25).to_days(), g);
      } else if (noticed && !p.dispense_asked && domain::is_main_occupation(p.category) &&
                 rng_.per_mille(250)) {
        p.dispense_asked = true;
        Action a{Act::kRequestDispense, i};
        a.quarter = *noticed;
        agenda_.emplace(end.plus_days(20).to_days(), a);
        a.act = Act::kDecideDispense;
        a.flag = rng_.per_mille(700) ? 1 : 0;
        agenda_.emplace(end.plus_days(70).to_days(), a);
      }
      // A credit (an overpayment, a regularisation that charged too much)
      // is paid back on request, once per person.
      bool owed = false;
      visit_person(p.key, [&](const domain::PersonState& st) {
        owed = st.owed_to_member() >= Money::from_cents(2'500);
      });
      if (owed && !p.refund_asked && !p.iban.empty() && rng_.per_mille(600)) {
        p.refund_asked = true;
        agenda_.emplace(end.plus_days(20).to_days(), Action{Act::kRefund, i});
      }
      if (waivable && !p.waiver_asked && rng_.per_mille(150)) {
        p.waiver_asked = true;
        Action a{Act::kRequestWaiver, i};
        a.quarter = *waivable;
        agenda_.emplace(end.plus_days(5).to_days(), a);
        a.act = Act::kDecideWaiver;
        a.flag = rng_.per_mille(800) ? 1 : 0;
        agenda_.emplace(end.plus_days(60).to_days(), a);
      }
    }
  }

  // ---- executing ------------------------------------------------------------------

  template <typename Command>
  Status person_run(Date on, Command command) {
    KASSA_TRY(spill_status());  // nothing written after a failed read of a state
    set_clock(on);
    std::vector<std::string> keys;
    keys.reserve(persons_.size());
    for (const Person& p : persons_) {
      if (p.registered) keys.push_back(p.key);
    }
    std::string assessed;  // the quarter of an assessment run
    if constexpr (std::is_same_v<Command, domain::AssessQuarter>)
      assessed = command.quarter.format();
    const auto started = std::chrono::steady_clock::now();
    auto outcome =
        persons_w_.run(keys, domain::PersonCommand{std::move(command)}, on, meta_, kChunk);
    if (!outcome) return outcome.error();
    summary_.person_events += outcome->events_written;
    if constexpr (std::is_same_v<Command, domain::AssessQuarter>) {
      // What the benchmark reports: the quarterly run, decided and durable.
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      summary_.assessment_events += outcome->events_written;
      summary_.persons_assessed_late += outcome->aggregates_assessed_late;
      summary_.quarters_assessed_late += outcome->quarters_assessed_late;
      summary_.assessment_seconds += seconds;
      summary_.assessment_runs.push_back({assessed, keys.size(), outcome->events_written, seconds});
    }
    return {};
  }

  template <typename Command>
  Status company_run(Date on, Command command) {
    KASSA_TRY(spill_status());  // nothing written after a failed read of a state
    set_clock(on);
    std::vector<std::string> keys;
    for (const Company& c : companies_) {
      if (c.registered) keys.push_back(c.key);
    }
    auto outcome =
        companies_w_.run(keys, domain::CompanyCommand{std::move(command)}, on, meta_, kChunk);
    if (!outcome) return outcome.error();
    summary_.company_events += outcome->events_written;
    return {};
  }

  Status person_items(Date on, const std::vector<PersonWriter::Item>& items) {
    KASSA_TRY(spill_status());  // nothing written after a failed read of a state
    if (items.empty()) return {};
    // The registrations' data keys in one durable write rather than one
    // fsync each (the pipeline finds them there: KeyExists is fine).
    std::vector<std::string> subjects;
    for (const auto& item : items) {
      if (std::holds_alternative<domain::RegisterPerson>(item.command))
        subjects.push_back(item.key);
    }
    if (!subjects.empty()) KASSA_TRY(keys_.create_keys(subjects));
    set_clock(on);
    KASSA_ASSIGN_OR_RETURN(auto outcome, persons_w_.run_each(items, meta_, kChunk));
    summary_.person_events += outcome.events_written;
    summary_.rejected += outcome.rejected;
    for (const auto& item : items) {
      if (const auto* r = std::get_if<domain::RegisterPerson>(&item.command)) {
        // Member numbers are 1..N in the order of persons_.
        Person& p = persons_[r->member_number - 1];
        p.registered = visit_person(p.key, [](const domain::PersonState&) {});
        if (p.registered && !p.iban.empty()) {
          // One account given by two persons (a household's) names nobody.
          auto [it, added] = accounts_.emplace(p.iban, p.key);
          if (!added && it->second != p.key) it->second.clear();
        }
      }
    }
    return {};
  }

  Status company_items(Date on, const std::vector<CompanyWriter::Item>& items) {
    KASSA_TRY(spill_status());  // nothing written after a failed read of a state
    if (items.empty()) return {};
    set_clock(on);
    KASSA_ASSIGN_OR_RETURN(auto outcome, companies_w_.run_each(items, meta_, kChunk));
    summary_.company_events += outcome.events_written;
    summary_.rejected += outcome.rejected;
    for (const auto& item : items) {
      if (const auto* r = std::get_if<domain::RegisterCompany>(&item.command)) {
        // Member numbers follow the persons': the company's index.
        Company& c = companies_[r->member_number - persons_.size() - 1];
        c.registered = companies_w_.visit_cached(c.key, [](const domain::CompanyState&) {});
      }
    }
    return {};
  }

  // Runs every agenda action dated on or before `until`, in windows of a
  // week: one group commit per window rather than per day. A command that
  // reads the state (a plan's grant, a bridging-right decision) is built at
  // its window's start; what it depends on is scheduled at least two weeks
  // earlier, so it is recorded by then.
  Status flush_until(Date until) {
    constexpr std::int32_t kWindowDays = 7;
    while (!agenda_.empty() && agenda_.begin()->first <= until.to_days()) {
      const std::int32_t last = std::min(agenda_.begin()->first + kWindowDays - 1, until.to_days());
      // Taken out first: building a command may schedule later steps.
      std::vector<std::pair<std::int32_t, Action>> window;
      auto end = agenda_.upper_bound(last);
      for (auto it = agenda_.begin(); it != end; ++it)
        window.emplace_back(it->first, std::move(it->second));
      agenda_.erase(agenda_.begin(), end);
      std::vector<PersonWriter::Item> persons;
      std::vector<CompanyWriter::Item> companies;
      for (const auto& [day, a] : window) to_commands(Date::from_days(day), a, persons, companies);
      const Date first = Date::from_days(window.front().first);
      KASSA_TRY(person_items(first, persons));
      KASSA_TRY(company_items(first, companies));
      KASSA_TRY(import_bank_lines(first, Date::from_days(last)));
    }
    return {};
  }

  // Who a member number or an account belongs to, as kassad's projections
  // would answer: registered members only. Every line's id is new (see
  // import_bank_lines), so by_bank_line knows none; the aggregates would
  // refuse a bank reference twice anyway.
  write::MemberLookup lookup() {
    write::MemberLookup l;
    l.by_number = [this](std::uint32_t n) -> Result<std::optional<write::Member>> {
      if (n >= 1 && n <= persons_.size() && persons_[n - 1].registered) {
        return std::optional<write::Member>{
            write::Member{s::AggregateKind::Person, persons_[n - 1].key}};
      }
      const std::size_t c = n - persons_.size() - 1;
      if (n > persons_.size() && c < companies_.size() && companies_[c].registered) {
        return std::optional<write::Member>{
            write::Member{s::AggregateKind::Company, companies_[c].key}};
      }
      return std::optional<write::Member>{};
    };
    l.by_iban = [this](std::string_view iban) -> Result<std::optional<std::string>> {
      auto it = accounts_.find(std::string(iban));
      if (it == accounts_.end() || it->second.empty()) return std::optional<std::string>{};
      return std::optional<std::string>{it->second};
    };
    l.by_bank_line = [](std::string_view) -> Result<std::optional<write::Member>> {
      return std::optional<write::Member>{};
    };
    return l;
  }

  Status import_bank_lines(Date first, Date statement_day);

  void to_commands(Date on, const Action& a, std::vector<PersonWriter::Item>& persons,
                   std::vector<CompanyWriter::Item>& companies);
  domain::bank::CodaMovement bank_payment(Date on, const Action& a);
  domain::bank::CodaMovement company_payment(Date on, const Action& a);
  void plan_instalments(Date on, std::size_t who, Money total, bool breach,
                        std::vector<domain::Instalment>& out);
  PopulationSummary summarise();

  log::EventLog& log_;
  log::KeyStore& keys_;
  log::Random& random_;
  PopulationSpec spec_;
  const Progress& progress_;
  Rng rng_;
  domain::Rulebook rulebook_;
  domain::FundConfig fund_;
  std::int64_t now_us_ = 0;
  write::EventFactory factory_;
  std::unique_ptr<StateSpill> spill_;  // set when the persons outnumber cached_persons
  PersonWriter persons_w_;
  CompanyWriter companies_w_;
  FundWriter fund_w_;
  write::BankImporter importer_;
  write::CommandMeta meta_;
  std::vector<Person> persons_;
  std::vector<Company> companies_;
  std::multimap<std::int32_t, Action> agenda_;  // by day; equal days in insertion order
  // The bank: this window's lines, the lines drawn so far (bank_payment's
  // hash), the statements written per year (paper sequences).
  std::vector<domain::bank::CodaMovement> bank_lines_;
  std::uint64_t bank_draws_ = 0;
  std::map<int, int> statements_in_year_;
  std::unordered_map<std::string, std::string> accounts_;  // IBAN -> PartyId ("" when shared)
  PopulationSummary summary_;
};

}  // namespace kassa::demo::detail
