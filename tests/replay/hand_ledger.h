#pragma once
// The replay tests' hand-made fund (fund_story.h): registrations, assessments,
// payments, allocations, surcharges and notices chained by EventWriter. Not
// yet decided by the domain, unlike the projection tests' Ledger.

#include <memory>
#include <string>
#include <vector>

#include "domain/rulebook.h"
#include "event_writer.h"
#include "log/personal_data.h"
#include "projections/projector.h"

namespace kassa::projections::testing {

// A fund's events written by hand (replay's histories; see event_writer.h).
class HandLedger {
 public:
  explicit HandLedger(std::uint64_t seed = 42)
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

}  // namespace kassa::projections::testing

namespace kassa::replay::testing {
using kassa::projections::testing::HandLedger;
}  // namespace kassa::replay::testing
