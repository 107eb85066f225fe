#pragma once
// A history written the way the service writes it: every event is decided
// by the domain (decide()) on the writer's state, sealed, encoded, appended
// durably to an embedded journal in a temporary folder, and only then
// evolved. Read-model tests build their histories here, never by hand, so
// they see exactly what production sees.
//
//   DecidedLedger ledger;
//   auto p = ledger.register_person(niss_seed, start, Category::kMain);
//   ledger.person(p, domain::AssessQuarter{q}, on);     // rejections are returned
//   ledger.company(number, domain::AssessCompanyContribution{2025}, on);
//
// The clock follows the business dates (recorded_at = the command's date,
// noon UTC), as the demo generator's does.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "domain/company_commands.h"
#include "domain/fund_config.h"
#include "domain/party_id.h"
#include "domain/person_decide.h"
#include "domain/rulebook.h"
#include "log/event_log.h"
#include "log/personal_data.h"
#include "log/random.h"
#include "support/dates.h"
#include "support/temp_dir.h"
#include "write/aggregate_writer.h"
#include "write/aggregates.h"
#include "write/event_factory.h"

namespace kassa::testing {

class DecidedLedger {
 public:
  using PersonWriter = write::AggregateWriter<write::PersonAggregate>;
  using CompanyWriter = write::AggregateWriter<write::CompanyAggregate>;

  explicit DecidedLedger(std::uint64_t seed = 42, std::int32_t person_partitions = 4,
                         std::int32_t company_partitions = 2)
      : dir_(folder_.path()),
        random_(seed),
        factory_(keys_, random_, [this] { return now_us_ += 1000; }),
        log_(open_log(dir_, person_partitions, company_partitions)),
        persons_(*log_, factory_, empty<PersonWriter>(), rulebook_, fund_),
        companies_(*log_, factory_, empty<CompanyWriter>(), rulebook_, fund_) {}
  ~DecidedLedger() { log_.reset(); }  // the journal closed before its folder goes
  DecidedLedger(const DecidedLedger&) = delete;
  DecidedLedger& operator=(const DecidedLedger&) = delete;

  log::EventLog& log() { return *log_; }
  log::InMemoryKeyStore& keys() { return keys_; }
  const domain::Rulebook& rulebook() const { return rulebook_; }
  const domain::FundConfig& fund() const { return fund_; }
  const std::string& dir() const { return dir_; }
  // The clock the next event is recorded at, at least (microseconds).
  std::int64_t clock_us() const { return now_us_; }

  // A new PartyId (a UUIDv7), as kassad draws one at registration.
  std::string new_party() {
    const auto ms = 1'735'689'600'000 + static_cast<std::int64_t>(++parties_);
    return domain::PartyId::of_uuid(log::Uuid::v7(ms, random_).bytes()).str();
  }

  // A valid NISS (born 1970-1999) from a small number.
  static std::string niss_of(int n) {
    const long value = (70 + n % 30) * 10'000'000L + (1 + (n / 30) % 12) * 100'000L +
                       (1 + (n / 360) % 28) * 1'000L + (1 + n % 997);
    std::string out = std::to_string(value);
    const long check = 97 - value % 97;
    out += static_cast<char>('0' + check / 10);
    out += static_cast<char>('0' + check % 10);
    return out;
  }

  Result<write::Outcome> person(const std::string& key, const domain::PersonCommand& c,
                                domain::Date on) {
    at(on);
    return persons_.execute(key, c, on, meta());
  }

  Result<write::Outcome> company(const std::string& key, const domain::CompanyCommand& c,
                                 domain::Date on) {
    at(on);
    return companies_.execute(key, c, on, meta());
  }

  // Registers a new person with member number n (their structured
  // communications derive from it); throws if the domain refuses.
  std::string register_person(int n, domain::Date start,
                              domain::Category category = domain::Category::kMain,
                              schemas::StarterStatus starter = schemas::StarterStatus::NotStarter) {
    return register_named(n, start, "Anna", "Peeters", category, starter);
  }
  std::string register_named(int n, domain::Date start, const std::string& first,
                             const std::string& last,
                             domain::Category category = domain::Category::kMain,
                             schemas::StarterStatus starter = schemas::StarterStatus::NotStarter) {
    const std::string key = new_party();
    domain::RegisterPerson r{*domain::Niss::parse(niss_of(n)),
                             first,
                             last,
                             std::nullopt,
                             std::nullopt,
                             std::nullopt,
                             start,
                             category,
                             starter,
                             false,
                             static_cast<std::uint32_t>(n),
                             "",
                             std::nullopt};
    auto done = person(key, r, start);
    if (!done.ok()) throw std::runtime_error("registration refused: " + done.error().rule);
    return key;
  }

  // The writer's state of a person (after everything appended).
  domain::PersonState person_state(const std::string& key) const {
    domain::PersonState out;
    persons_.visit_cached(key, [&](const domain::PersonState& s) { out = s; });
    return out;
  }
  domain::CompanyState company_state(const std::string& key) const {
    domain::CompanyState out;
    companies_.visit_cached(key, [&](const domain::CompanyState& s) { out = s; });
    return out;
  }

 private:
  template <typename W>
  static typename W::Loader empty() {
    return [](const std::string&) -> Result<std::optional<typename W::Loaded>> {
      return std::optional<typename W::Loaded>{};
    };
  }

  static std::unique_ptr<log::EventLog> open_log(const std::string& dir, std::int32_t persons,
                                                 std::int32_t companies) {
    log::LogConfig c;
    c.journal_path = dir + "/journal";
    c.person_partitions = persons;
    c.company_partitions = companies;
    auto opened = log::open_event_log(c);
    if (!opened.ok()) throw std::runtime_error("journal: " + opened.error().message);
    return std::move(opened).value();
  }

  void at(domain::Date on) {
    const std::int64_t noon = (std::int64_t{on.to_days()} * 86'400 + 43'200) * 1'000'000;
    if (noon > now_us_) now_us_ = noon;
  }

  write::CommandMeta meta() {
    return write::CommandMeta{
        "test:decided-ledger", log::Uuid::v7(now_us_ / 1000, random_), {}, {}};
  }

  TempDir folder_;  // first: removed after everything in it is closed
  std::string dir_;
  domain::Rulebook rulebook_ = domain::Rulebook::belgian_default();
  domain::FundConfig fund_ = domain::FundConfig::kassa_default();
  log::InMemoryKeyStore keys_;
  log::SeededRandom random_;
  std::int64_t now_us_ = 0;
  write::EventFactory factory_;
  std::unique_ptr<log::EventLog> log_;
  PersonWriter persons_;
  CompanyWriter companies_;
  int parties_ = 0;
};

}  // namespace kassa::testing
