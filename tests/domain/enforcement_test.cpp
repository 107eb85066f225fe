#include <catch2/catch.hpp>

#include "domain/enforcement.h"
#include "test_support.h"

using namespace kassa::domain;
using namespace kassa::domain::test;

namespace {
ContrainteFacts ready() {
  ContrainteFacts facts{
      d("2025-08-11"), d("2025-07-10"), false, false, ContrainteHistory::kFirstEver, true};
  return facts;
}
}  // namespace

TEST_CASE("Reminder and formal notice dates follow the policy", "[enforcement]") {
  const ReminderPolicy policy;
  CHECK(reminder_date(policy, d("2025-03-31")) == d("2025-04-15"));
  CHECK(reminder_date(policy, d("2025-12-31")) == d("2026-01-15"));
  CHECK(formal_notice_date(policy, d("2025-03-31")) == d("2025-06-30"));
  CHECK(formal_notice_date(policy, d("2025-12-31")) == d("2026-03-31"));
  ReminderPolicy later;
  later.reminder_days_after_due = 30;
  CHECK(reminder_date(later, d("2025-03-31")) == d("2025-04-30"));
}

TEST_CASE("A contrainte only after every safeguard", "[enforcement]") {
  const ReminderPolicy policy;
  CHECK(may_serve_contrainte(policy, ready()).ok());

  auto facts = ready();
  facts.formal_notice_sent.reset();
  CHECK(may_serve_contrainte(policy, facts).error().rule == "FormalNoticeMissing");
  facts = ready();
  facts.on = d("2025-08-10");  // exactly one month: not more than one month old
  CHECK(may_serve_contrainte(policy, facts).error().rule == "FormalNoticeTooRecent");
  facts = ready();
  facts.payment_plan_respected = true;
  CHECK(may_serve_contrainte(policy, facts).error().rule == "PaymentPlanRespected");
  facts = ready();
  facts.contest_pending = true;
  CHECK(may_serve_contrainte(policy, facts).error().rule == "ContestPending");
  facts = ready();
  facts.personal_contact_recorded = false;
  CHECK(may_serve_contrainte(policy, facts).error().rule == "PersonalContactMissing");
  CHECK(may_serve_contrainte(policy, facts).error().code == kassa::Errc::kRuleViolation);
  facts.history = ContrainteHistory::kNotFirst;  // only the first needs the contact
  CHECK(may_serve_contrainte(policy, facts).ok());
}
