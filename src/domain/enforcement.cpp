#include "domain/enforcement.h"

#include "domain/quarter.h"

namespace kassa::domain {

Date reminder_date(const ReminderPolicy& policy, Date due) {
  return due.plus_days(policy.reminder_days_after_due);
}

Date formal_notice_date(const ReminderPolicy& policy, Date due) {
  return Quarter::containing(due).plus(policy.formal_notice_quarters_after_due).last_day();
}

Status may_serve_contrainte(const ReminderPolicy& policy, const ContrainteFacts& facts) {
  if (!facts.formal_notice_sent) {
    return Error::violation("FormalNoticeMissing",
                            "a contrainte needs a registered formal notice first");
  }
  if (!(facts.on > facts.formal_notice_sent->plus_months(policy.contrainte_notice_age_months))) {
    return Error::violation("FormalNoticeTooRecent", "the formal notice of " +
                                                         facts.formal_notice_sent->format() +
                                                         " is not yet more than one month old");
  }
  if (facts.payment_plan_respected) {
    return Error::violation("PaymentPlanRespected",
                            "no contrainte while a payment plan is respected");
  }
  if (facts.contest_pending) {
    return Error::violation("ContestPending", "no contrainte while a contest is pending");
  }
  if (policy.first_contrainte_needs_personal_contact &&
      facts.history == ContrainteHistory::kFirstEver && !facts.personal_contact_recorded) {
    return Error::violation("PersonalContactMissing",
                            "a first-ever contrainte needs a recorded personal contact");
  }
  return {};
}

}  // namespace kassa::domain
