#pragma once
// AppealInfo: what every refusal and every claim of an undue amount tells
// the person (DOMAIN §1; common.fbs Appeal): the reason, where to appeal and
// until when. Commands carry it (decide() refuses one without every part:
// rules ReasonRequired, AppealBodyRequired, AppealDeadlineRequired) and the
// person's state keeps it with the decision (person_state.h).
//
// Thread-safety: a plain value.

#include <optional>
#include <string>

#include "domain/date.h"

namespace kassa::domain {

struct AppealInfo {
  std::string reason_code;  // stable code, e.g. "QuarterPrincipalUnpaid"
  std::string reason;       // the motivation as sent (never personal data)
  std::string appeal_body;  // e.g. "Tribunal du travail / Arbeidsrechtbank"
  std::optional<Date> appeal_deadline;
};

}  // namespace kassa::domain
