#pragma once
// Reminders and enforcement (DOMAIN.md §6, our policy, configurable through
// ReminderPolicy): when a reminder and a formal notice fall due, and whether
// a contrainte may be served.
//
// Thread-safety: pure functions.

#include <optional>

#include "domain/date.h"
#include "domain/fund_config.h"
#include "domain/result.h"

namespace kassa::domain {

// Reminder: the quarter is still unpaid on due + 15 days.
Date reminder_date(const ReminderPolicy& policy, Date due);
// Registered formal notice: still unpaid one full quarter after the due date
// (the last day of the quarter following the due date's quarter).
Date formal_notice_date(const ReminderPolicy& policy, Date due);

enum class ContrainteHistory { kFirstEver, kNotFirst };

struct ContrainteFacts {
  Date on;                                 // the day the bailiff would serve it
  std::optional<Date> formal_notice_sent;  // the latest registered formal notice
  bool payment_plan_respected = false;
  bool contest_pending = false;
  ContrainteHistory history = ContrainteHistory::kFirstEver;
  bool personal_contact_recorded = false;
};

// OK, or a rule violation naming the rule: "FormalNoticeMissing",
// "FormalNoticeTooRecent", "PaymentPlanRespected", "ContestPending",
// "PersonalContactMissing".
Status may_serve_contrainte(const ReminderPolicy& policy, const ContrainteFacts& facts);

}  // namespace kassa::domain
