#pragma once
// A small ledger for projection tests: the embedded journal in a temporary
// folder, an in-memory key store, and builders that append chained events
// with real amounts (tests build events with log::encode_event, as the
// write side does).

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/rulebook.h"
#include "log/event_codec.h"
#include "log/event_log.h"
#include "log/personal_data.h"
#include "log/random.h"
#include "projections/projector.h"
#include "projections/store.h"

namespace kassa::projections::testing {

namespace s = kassa::schemas;

template <typename T>
T must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().rule + ": " + r.error().message);
  return std::move(r).value();
}
inline void must(Status st) {
  if (!st.ok()) throw std::runtime_error(st.error().rule + ": " + st.error().message);
}

inline std::int32_t days(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return static_cast<std::int32_t>(
      sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count());
}

// A valid NISS (born 1980-1999) built from a small number.
inline std::string make_niss(int n) {
  char nine[16];
  std::snprintf(nine, sizeof nine, "8%02d%02d%02d%03d", n % 10, 1 + (n / 10) % 12,
                1 + (n / 120) % 28, 1 + n % 997);
  std::string base(nine + 1);  // YYMMDDNNN
  const long value = std::stol(base);
  char out[16];
  std::snprintf(out, sizeof out, "%s%02ld", base.c_str(), 97 - value % 97);
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "kassa-proj-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

template <typename T>
s::EventBodyUnion body(T value) {
  s::EventBodyUnion u;
  u.Set(std::move(value));
  return u;
}

// Chains events per aggregate (sequence, prev_hash) and appends them.
class EventWriter {
 public:
  EventWriter(log::EventLog& log, std::uint64_t seed, std::int64_t start_us)
      : log_(log), random_(seed), clock_us_(start_us) {}

  log::SeededRandom& random() { return random_; }
  std::int64_t clock_us() const { return clock_us_; }
  void set_clock_us(std::int64_t us) { clock_us_ = us; }

  // Encodes (without appending) the next event of an aggregate.
  log::EncodedEvent encode(s::AggregateKind kind, const std::string& key, std::int32_t effective,
                           std::uint16_t quarter,
                           const std::function<s::EventBodyUnion(const log::Uuid&)>& make) {
    clock_us_ += 1'000'000;
    auto& tip = tips_[std::string(1, static_cast<char>(kind)) + key];
    log::EventHeader h;
    h.event_id = log::Uuid::v7(clock_us_ / 1000, random_);
    h.aggregate_kind = kind;
    h.aggregate_key = key;
    h.sequence = tip.first + 1;
    h.recorded_at_us = clock_us_;
    h.effective_days = effective;
    h.effective_quarter = quarter;
    h.decided_days = effective;  // hand-made: decided on the date it is about
    h.actor = "staff:u0042";
    h.prev_hash = tip.second;
    auto encoded = must(log::encode_event(h, make(h.event_id)));
    tip = {h.sequence, encoded.hash};
    last_id_ = h.event_id;
    return encoded;
  }

  static log::Topic topic_of(s::AggregateKind kind) {
    return kind == s::AggregateKind::Person ? log::Topic::kPersonEvents
                                            : log::Topic::kCompanyEvents;
  }

  // Appends one event; returns its offset.
  std::int64_t append(s::AggregateKind kind, const std::string& key, std::int32_t effective,
                      std::uint16_t quarter,
                      const std::function<s::EventBodyUnion(const log::Uuid&)>& make) {
    auto e = encode(kind, key, effective, quarter, make);
    std::vector<log::Record> recs{log::Record{
        std::string(reinterpret_cast<const char*>(e.frame.data()), e.frame.size()),
        std::string(e.type_name()), e.schema_version}};
    return must(log_.append(topic_of(kind), key, recs)).front();
  }

  const log::Uuid& last_id() const { return last_id_; }

 private:
  log::EventLog& log_;
  log::SeededRandom random_;
  std::int64_t clock_us_;
  std::map<std::string, std::pair<std::uint64_t, log::Hash>> tips_;
  log::Uuid last_id_;
};

// A person's life in a few calls, with the figures of DOMAIN.md §10 ex. 1.
class Ledger {
 public:
  explicit Ledger(std::uint64_t seed = 42)
      : config_(make_config(dir_.path())),
        log_(must(log::open_event_log(config_))),
        writer_(*log_, seed, std::int64_t{1735689600} * 1'000'000) {}

  log::EventLog& log() { return *log_; }
  log::InMemoryKeyStore& keys() { return keys_; }
  EventWriter& writer() { return writer_; }
  const domain::Rulebook& rulebook() const { return rulebook_; }
  const std::string& dir() const { return dir_.path(); }
  ProjectionDeps deps() {
    ProjectionDeps d;
    d.rulebook = &rulebook_;
    d.keys = &keys_;
    d.niss_secret.fill(7);
    return d;
  }

  std::string new_party() {
    return "P" + log::Uuid::v7(1735689600000 + static_cast<std::int64_t>(++parties_),
                               writer_.random()).hex();
  }

  std::int64_t register_person(const std::string& p, const std::string& niss,
                               s::Category category = s::Category::Main) {
    must(keys_.create_key(p));
    return writer_.append(s::AggregateKind::Person, p, days(2025, 1, 2), 20251,
                          [&](const log::Uuid& id) {
                            s::PersonRegisteredT e;
                            s::PersonalDataT pd;
                            pd.niss = niss;
                            pd.first_name = "Anna";
                            pd.last_name = "Peeters";
                            e.personal = std::make_unique<s::SealedT>(
                                must(log::seal(keys_, p, id, pd, writer_.random())));
                            e.category = category;
                            e.start_days = days(2025, 1, 2);
                            e.start_quarter = 20251;
                            return body(std::move(e));
                          });
  }

  std::int64_t assess(const std::string& p, std::uint16_t q, std::int64_t contribution,
                      std::int64_t fees, s::Category category = s::Category::Main) {
    const int y = q / 10;
    const unsigned n = q % 10;
    const std::int32_t due = days(y, n * 3, n == 1 || n == 4 ? 31 : 30);
    return writer_.append(s::AggregateKind::Person, p, due, q, [&](const log::Uuid&) {
      s::ContributionAssessedT e;
      e.quarter = q;
      e.category = category;
      e.kind = s::AssessmentKind::Provisional;
      e.rulebook_year = static_cast<std::uint16_t>(y);
      e.base_cents = 4'000'000;
      e.contribution_cents = contribution;
      e.fees_rate_bp = 395;
      e.fees_cents = fees;
      e.due_days = due;
      return body(std::move(e));
    });
  }

  // Returns the payment's event id.
  log::Uuid pay(const std::string& p, std::int64_t amount, std::int32_t value_days,
                const std::string& bank_ref) {
    writer_.append(s::AggregateKind::Person, p, value_days, 0, [&](const log::Uuid&) {
      s::PaymentReceivedT e;
      e.bank_ref = bank_ref;
      e.amount_cents = amount;
      e.value_days = value_days;
      e.channel = s::PaymentChannel::Coda;
      return body(std::move(e));
    });
    return writer_.last_id();
  }

  std::int64_t allocate(const std::string& p, const log::Uuid& payment, std::int32_t on_days,
                        std::vector<s::AllocationLine> lines, std::int64_t credit = 0) {
    return writer_.append(s::AggregateKind::Person, p, on_days, 0, [&](const log::Uuid&) {
      s::PaymentAllocatedT e;
      e.payment_event_id = std::make_unique<s::Uuid>(payment.to_schema());
      e.lines = std::move(lines);
      e.credit_cents = credit;
      e.policy = "communication-then-oldest.v1";
      return body(std::move(e));
    });
  }

  std::int64_t surcharge(const std::string& p, std::uint16_t q, std::int64_t base,
                         std::int64_t amount, std::int32_t applied) {
    return writer_.append(s::AggregateKind::Person, p, applied, q, [&](const log::Uuid&) {
      s::SurchargeAppliedT e;
      e.kind = s::SurchargeKind::Quarterly3;
      e.quarter = q;
      e.year = static_cast<std::uint16_t>(q / 10);
      e.applied_days = applied;
      e.base_cents = base;
      e.rate_bp = 300;
      e.amount_cents = amount;
      return body(std::move(e));
    });
  }

  std::int64_t notice_stage(const std::string& p, s::EventBody type, std::uint16_t q,
                            std::int32_t sent) {
    return writer_.append(s::AggregateKind::Person, p, sent, q, [&](const log::Uuid&) {
      if (type == s::EventBody::ReminderSent) {
        s::ReminderSentT e;
        e.quarters = {q};
        e.sent_days = sent;
        return body(std::move(e));
      }
      s::FormalNoticeSentT e;
      e.quarters = {q};
      e.sent_days = sent;
      e.registered_letter_ref = "RL-1";
      e.respond_by_days = sent + 31;
      return body(std::move(e));
    });
  }

 private:
  static log::LogConfig make_config(const std::string& dir) {
    log::LogConfig c;
    c.journal_path = dir + "/journal";
    c.person_partitions = 4;
    c.company_partitions = 2;
    return c;
  }

  TempDir dir_;
  log::LogConfig config_;
  std::unique_ptr<log::EventLog> log_;
  log::InMemoryKeyStore keys_;
  EventWriter writer_;
  domain::Rulebook rulebook_ = domain::Rulebook::belgian_default();
  int parties_ = 0;
};

// A store plus a projector over a ledger's log.
struct Projected {
  std::unique_ptr<Store> store;
  std::unique_ptr<Projector> projector;

  Projected(Ledger& ledger, const std::string& path, ProjectorOptions options = {}) {
    store = must(Store::open(path));
    projector = std::make_unique<Projector>(ledger.log(), *store, make_projections(ledger.deps()),
                                            options);
  }
  std::map<std::string, std::string> checksums() const {
    std::map<std::string, std::string> out;
    for (const NamedCf& n : kChecksummedCfs) out[std::string(n.name)] = must(store->checksum(n.cf));
    return out;
  }
};

}  // namespace kassa::projections::testing
