#include "projections/debt.h"

#include <algorithm>

#include "domain/date.h"

namespace kassa::projections {

namespace s = kassa::schemas;

std::string_view to_string(Stage stage) {
  switch (stage) {
    case Stage::kNone: return "none";
    case Stage::kNotice: return "notice";
    case Stage::kReminder: return "reminder";
    case Stage::kFormalNotice: return "formal-notice";
    case Stage::kContrainteServed: return "contrainte-served";
  }
  return "none";
}

std::string_view to_string(PlanState state) {
  switch (state) {
    case PlanState::kNone: return "none";
    case PlanState::kRequested: return "requested";
    case PlanState::kGranted: return "granted";
    case PlanState::kRefused: return "refused";
    case PlanState::kBreached: return "breached";
  }
  return "none";
}

std::string_view to_string(DispenseState state) {
  switch (state) {
    case DispenseState::kNone: return "none";
    case DispenseState::kRequested: return "requested";
    case DispenseState::kGranted: return "granted";
    case DispenseState::kRefused: return "refused";
  }
  return "none";
}

std::int64_t QuarterDebt::unpaid_principal() const {
  if (dispensed()) return 0;
  return std::max<std::int64_t>(0, principal() - principal_paid_cents);
}
std::int64_t QuarterDebt::unpaid_surcharges() const {
  if (dispensed()) return 0;
  return std::max<std::int64_t>(0, surcharges_cents - surcharges_paid_cents);
}
std::int64_t QuarterDebt::unpaid_costs() const {
  if (dispensed()) return 0;
  return std::max<std::int64_t>(0, costs_cents - costs_paid_cents);
}

std::int64_t DebtStatus::outstanding() const {
  std::int64_t total = 0;
  for (const auto& [q, d] : quarters) total += d.outstanding();
  return std::max<std::int64_t>(0, total - contest_cancelled_cents);
}

Stage DebtStatus::stage() const {
  if (outstanding() == 0) return Stage::kNone;
  Stage top = Stage::kNone;
  for (const auto& [q, d] : quarters) {
    if (d.outstanding() > 0 && d.stage > top) top = d.stage;
  }
  return top;
}

bool contrainte_eligible(const WorkItem& item, std::int32_t today_days) {
  if (item.stage != Stage::kFormalNotice || item.last_formal_notice_days == 0) return false;
  const auto notice = domain::Date::from_days(item.last_formal_notice_days);
  if (!(notice.plus_months(1).to_days() < today_days)) return false;
  if (item.plan == PlanState::kGranted) return false;
  if (item.contests_pending > 0) return false;
  if (item.contraintes_served == 0 && !item.personal_contact) return false;
  return true;
}

std::string DebtProjection::Codec::encode(const DebtStatus& d) {
  Writer w;
  w.u8(1);  // format
  w.u32(static_cast<std::uint32_t>(d.quarters.size()));
  for (const auto& [q, x] : d.quarters) {
    w.u16(q).i64(x.contribution_cents).i64(x.fees_cents).i64(x.regularisation_cents);
    w.i64(x.principal_paid_cents).i64(x.surcharges_cents).i64(x.surcharges_paid_cents);
    w.i64(x.costs_cents).i64(x.costs_paid_cents).i32(x.due_days);
    w.u8(static_cast<std::uint8_t>(x.stage)).i32(x.stage_days);
    w.u8(static_cast<std::uint8_t>(x.dispense));
  }
  w.i64(d.credit_cents).i64(d.contest_cancelled_cents).u8(static_cast<std::uint8_t>(d.plan));
  w.str(d.plan_ref).i32(d.plan_days).i64(d.plan_total_cents).u32(d.contests_pending);
  w.u8(d.personal_contact ? 1 : 0).u32(d.contraintes_served).i32(d.last_formal_notice_days);
  w.u8(static_cast<std::uint8_t>(d.listed_stage));
  return w.take();
}

Result<DebtStatus> DebtProjection::Codec::decode(std::string_view bytes) {
  Reader r(bytes);
  DebtStatus d;
  if (r.u8() != 1) return Error::corrupt("DebtStatus", "unknown debt status format");
  const std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    const std::uint16_t q = r.u16();
    QuarterDebt x;
    x.contribution_cents = r.i64();
    x.fees_cents = r.i64();
    x.regularisation_cents = r.i64();
    x.principal_paid_cents = r.i64();
    x.surcharges_cents = r.i64();
    x.surcharges_paid_cents = r.i64();
    x.costs_cents = r.i64();
    x.costs_paid_cents = r.i64();
    x.due_days = r.i32();
    x.stage = static_cast<Stage>(r.u8());
    x.stage_days = r.i32();
    x.dispense = static_cast<DispenseState>(r.u8());
    d.quarters.emplace(q, x);
  }
  d.credit_cents = r.i64();
  d.contest_cancelled_cents = r.i64();
  d.plan = static_cast<PlanState>(r.u8());
  d.plan_ref = r.str();
  d.plan_days = r.i32();
  d.plan_total_cents = r.i64();
  d.contests_pending = r.u32();
  d.personal_contact = r.u8() != 0;
  d.contraintes_served = r.u32();
  d.last_formal_notice_days = r.i32();
  d.listed_stage = static_cast<Stage>(r.u8());
  if (r.failed()) return Error::corrupt("DebtStatus", "a debt status does not decode");
  return d;
}

namespace {

std::string debt_key(s::AggregateKind kind, std::string_view key) {
  std::string k;
  k.reserve(key.size() + 2);
  k.push_back('a');
  k.push_back(kind_tag(kind));
  k.append(key);
  return k;
}

std::string work_key(Stage stage, std::string_view tagged_key) {
  std::string k;
  k.reserve(tagged_key.size() + 2);
  k.push_back('w');
  k.push_back(static_cast<char>(stage));
  k.append(tagged_key);
  return k;
}

std::uint16_t bucket(std::uint16_t quarter, std::uint16_t year) {
  return quarter != 0 ? quarter : static_cast<std::uint16_t>(year * 10);
}

bool is_yearly(std::uint16_t code) { return code % 10 == 0; }

void raise_stage(QuarterDebt& q, Stage stage, std::int32_t days) {
  if (stage >= q.stage) {
    q.stage = stage;
    q.stage_days = days;
  }
}

template <typename F>
void for_quarters(const flatbuffers::Vector<std::uint16_t>* quarters, F&& f) {
  if (quarters == nullptr) return;
  for (std::uint16_t q : *quarters) f(q);
}

// A quarter 0 allocation line: the oldest bucket (optionally only yearly
// ones) with something unpaid of that kind, or the oldest bucket at all.
template <typename Unpaid>
QuarterDebt& oldest(DebtStatus& d, bool yearly_only, Unpaid&& unpaid) {
  for (auto& [q, x] : d.quarters) {
    if (yearly_only && !is_yearly(q)) continue;
    if (unpaid(x) > 0) return x;
  }
  for (auto& [q, x] : d.quarters) {
    if (!yearly_only || is_yearly(q)) return x;
  }
  return d.quarters[0];
}

void allocate(DebtStatus& d, const s::AllocationLine& line) {
  const std::uint16_t q = line.quarter();
  const std::int64_t amount = line.amount_cents();
  switch (line.kind()) {
    case s::DebtKind::Contribution:
    case s::DebtKind::Fees:
      if (q == 0) {
        oldest(d, false, [](const QuarterDebt& x) {
          return x.principal() - x.principal_paid_cents;
        }).principal_paid_cents += amount;
      } else {
        d.quarters[q].principal_paid_cents += amount;
      }
      break;
    case s::DebtKind::Regularisation:
    case s::DebtKind::RegularisationFees: {
      const auto yb = static_cast<std::uint16_t>(q / 10 * 10);
      if (q == 0) {
        oldest(d, true, [](const QuarterDebt& x) {
          return x.principal() - x.principal_paid_cents;
        }).principal_paid_cents += amount;
      } else {
        d.quarters[yb].principal_paid_cents += amount;
      }
      break;
    }
    case s::DebtKind::Surcharge:
      if (q == 0) {
        oldest(d, true, [](const QuarterDebt& x) {
          return x.surcharges_cents - x.surcharges_paid_cents;
        }).surcharges_paid_cents += amount;
      } else {
        d.quarters[q].surcharges_paid_cents += amount;
      }
      break;
    case s::DebtKind::Costs:
      if (q == 0) {
        oldest(d, false, [](const QuarterDebt& x) {
          return x.costs_cents - x.costs_paid_cents;
        }).costs_paid_cents += amount;
      } else {
        d.quarters[q].costs_paid_cents += amount;
      }
      break;
    case s::DebtKind::CompanyContribution:
      break;  // the company account's
  }
}

bool touches_debt(s::EventBody type) {
  switch (type) {
    case s::EventBody::ContributionAssessed:
    case s::EventBody::ContributionCancelled:
    case s::EventBody::PaymentNoticeIssued:
    case s::EventBody::RegularisationComputed:
    case s::EventBody::PaymentAllocated:
    case s::EventBody::RefundIssued:
    case s::EventBody::CostsCharged:
    case s::EventBody::SurchargeApplied:
    case s::EventBody::SurchargeReduced:
    case s::EventBody::SurchargeWaived:
    case s::EventBody::ReminderSent:
    case s::EventBody::FormalNoticeSent:
    case s::EventBody::PersonalContactRecorded:
    case s::EventBody::ContrainteServed:
    case s::EventBody::PaymentPlanRequested:
    case s::EventBody::PaymentPlanGranted:
    case s::EventBody::PaymentPlanRefused:
    case s::EventBody::PaymentPlanBreached:
    case s::EventBody::DispenseRequested:
    case s::EventBody::DispenseGranted:
    case s::EventBody::DispenseRefused:
    case s::EventBody::ContestFiled:
    case s::EventBody::ContestDecided:
      return true;
    default:
      return false;
  }
}

}  // namespace

DebtProjection::DebtProjection() : cache_(Cf::kDebt) {}

Status DebtProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                             ApplyContext& context) {
  if (event.aggregate_kind() != s::AggregateKind::Person || !touches_debt(event.type())) return {};
  auto edited = cache_.edit(context.base(), debt_key(event.aggregate_kind(), event.aggregate_key()));
  if (!edited.ok()) return edited.error();
  DebtStatus& d = **edited;
  const s::Envelope& env = event.envelope();
  switch (event.type()) {
    case s::EventBody::ContributionAssessed: {
      const auto* b = env.body_as_ContributionAssessed();
      QuarterDebt& q = d.quarters[b->quarter()];
      q.contribution_cents += b->contribution_cents();
      q.fees_cents += b->fees_cents();
      q.due_days = b->due_days();
      break;
    }
    case s::EventBody::ContributionCancelled: {
      const auto* b = env.body_as_ContributionCancelled();
      QuarterDebt& q = d.quarters[b->quarter()];
      q.contribution_cents -= b->contribution_cents();
      q.fees_cents -= b->fees_cents();
      break;
    }
    case s::EventBody::PaymentNoticeIssued: {
      const auto* b = env.body_as_PaymentNoticeIssued();
      if (b->kind() == s::NoticeKind::Quarterly || b->kind() == s::NoticeKind::Regularisation) {
        raise_stage(d.quarters[bucket(b->quarter(), b->year())], Stage::kNotice, b->sent_days());
      }
      break;
    }
    case s::EventBody::RegularisationComputed: {
      const auto* b = env.body_as_RegularisationComputed();
      QuarterDebt& q = d.quarters[static_cast<std::uint16_t>(b->year() * 10)];
      if (b->difference_cents() >= 0) {
        q.regularisation_cents += b->difference_cents();
      } else {
        d.credit_cents += -b->difference_cents();
      }
      q.due_days = b->due_days();
      break;
    }
    case s::EventBody::PaymentAllocated: {
      const auto* b = env.body_as_PaymentAllocated();
      if (b->lines() != nullptr) {
        for (const s::AllocationLine* line : *b->lines()) allocate(d, *line);
      }
      d.credit_cents += b->credit_cents();
      break;
    }
    case s::EventBody::RefundIssued:
      d.credit_cents -= env.body_as_RefundIssued()->amount_cents();
      break;
    case s::EventBody::CostsCharged: {
      const auto* b = env.body_as_CostsCharged();
      d.quarters[b->quarter()].costs_cents += b->amount_cents();
      break;
    }
    case s::EventBody::SurchargeApplied: {
      const auto* b = env.body_as_SurchargeApplied();
      d.quarters[bucket(b->quarter(), b->year())].surcharges_cents += b->amount_cents();
      break;
    }
    case s::EventBody::SurchargeReduced: {
      const auto* b = env.body_as_SurchargeReduced();
      d.quarters[bucket(b->quarter(), b->year())].surcharges_cents -= b->amount_cents();
      break;
    }
    case s::EventBody::SurchargeWaived: {
      const auto* b = env.body_as_SurchargeWaived();
      d.quarters[bucket(b->quarter(), b->year())].surcharges_cents -= b->amount_cents();
      break;
    }
    case s::EventBody::ReminderSent: {
      const auto* b = env.body_as_ReminderSent();
      for_quarters(b->quarters(), [&](std::uint16_t q) {
        raise_stage(d.quarters[q], Stage::kReminder, b->sent_days());
      });
      break;
    }
    case s::EventBody::FormalNoticeSent: {
      const auto* b = env.body_as_FormalNoticeSent();
      for_quarters(b->quarters(), [&](std::uint16_t q) {
        raise_stage(d.quarters[q], Stage::kFormalNotice, b->sent_days());
      });
      d.last_formal_notice_days = b->sent_days();
      break;
    }
    case s::EventBody::PersonalContactRecorded:
      if (env.body_as_PersonalContactRecorded()->reached()) d.personal_contact = true;
      break;
    case s::EventBody::ContrainteServed: {
      const auto* b = env.body_as_ContrainteServed();
      for_quarters(b->quarters(), [&](std::uint16_t q) {
        raise_stage(d.quarters[q], Stage::kContrainteServed, b->served_days());
      });
      ++d.contraintes_served;
      break;
    }
    case s::EventBody::PaymentPlanRequested:
      if (d.plan != PlanState::kGranted) {
        d.plan = PlanState::kRequested;
        d.plan_days = env.body_as_PaymentPlanRequested()->requested_days();
      }
      break;
    case s::EventBody::PaymentPlanGranted: {
      const auto* b = env.body_as_PaymentPlanGranted();
      d.plan = PlanState::kGranted;
      d.plan_ref = b->plan_ref() != nullptr ? b->plan_ref()->str() : std::string();
      d.plan_days = b->granted_days();
      d.plan_total_cents = b->total_cents();
      break;
    }
    case s::EventBody::PaymentPlanRefused:
      d.plan = PlanState::kRefused;
      d.plan_days = env.body_as_PaymentPlanRefused()->decided_days();
      break;
    case s::EventBody::PaymentPlanBreached:
      d.plan = PlanState::kBreached;
      d.plan_days = env.body_as_PaymentPlanBreached()->breached_days();
      break;
    case s::EventBody::DispenseRequested:
      for_quarters(env.body_as_DispenseRequested()->quarters(), [&](std::uint16_t q) {
        if (d.quarters[q].dispense != DispenseState::kGranted) {
          d.quarters[q].dispense = DispenseState::kRequested;
        }
      });
      break;
    case s::EventBody::DispenseGranted:
      for_quarters(env.body_as_DispenseGranted()->quarters(),
                   [&](std::uint16_t q) { d.quarters[q].dispense = DispenseState::kGranted; });
      break;
    case s::EventBody::DispenseRefused:
      for_quarters(env.body_as_DispenseRefused()->quarters(),
                   [&](std::uint16_t q) { d.quarters[q].dispense = DispenseState::kRefused; });
      break;
    case s::EventBody::ContestFiled:
      ++d.contests_pending;
      break;
    case s::EventBody::ContestDecided:
      if (d.contests_pending > 0) --d.contests_pending;
      d.contest_cancelled_cents += env.body_as_ContestDecided()->cancelled_cents();
      break;
    default:
      break;
  }
  return {};
}

void DebtProjection::flush(ApplyContext& context) {
  cache_.flush(context.sink(), [&](const std::string& key, DebtStatus& d) {
    const std::string_view tagged = std::string_view(key).substr(1);
    const Stage now = d.stage();
    if (d.listed_stage != Stage::kNone && d.listed_stage != now) {
      context.sink().del(Cf::kDebt, work_key(d.listed_stage, tagged));
    }
    if (now != Stage::kNone) {
      Writer w;
      w.i64(d.outstanding()).i32(d.last_formal_notice_days).u8(static_cast<std::uint8_t>(d.plan));
      w.u32(d.contests_pending).u8(d.personal_contact ? 1 : 0).u32(d.contraintes_served);
      context.sink().put(Cf::kDebt, work_key(now, tagged), w.bytes());
    }
    d.listed_stage = now;
  });
}

void DebtProjection::reset() { cache_.reset(); }

Result<std::optional<DebtStatus>> read_debt(const KvView& view, s::AggregateKind kind,
                                            std::string_view key) {
  auto got = view.get(Cf::kDebt, debt_key(kind, key));
  if (!got.ok()) return got.error();
  if (!got->has_value()) return std::optional<DebtStatus>();
  auto d = DebtProjection::Codec::decode(**got);
  if (!d.ok()) return d.error();
  return std::optional<DebtStatus>(std::move(d).value());
}

Result<std::vector<WorkItem>> read_work_list(const KvView& view, Stage stage, std::size_t limit) {
  std::string prefix = "w";
  if (stage != Stage::kNone) prefix.push_back(static_cast<char>(stage));
  std::vector<WorkItem> out;
  Status failed;
  KASSA_TRY(view.scan(Cf::kDebt, prefix, [&](std::string_view k, std::string_view v) {
    if (out.size() >= limit) return false;
    WorkItem item;
    item.stage = static_cast<Stage>(static_cast<std::uint8_t>(k[1]));
    item.aggregate_key = std::string(k.substr(3));
    Reader r(v);
    item.outstanding_cents = r.i64();
    item.last_formal_notice_days = r.i32();
    item.plan = static_cast<PlanState>(r.u8());
    item.contests_pending = r.u32();
    item.personal_contact = r.u8() != 0;
    item.contraintes_served = r.u32();
    if (r.failed()) {
      failed = Error::corrupt("WorkItem", "a work-list entry does not decode");
      return false;
    }
    out.push_back(std::move(item));
    return true;
  }));
  KASSA_TRY(failed);
  return out;
}

}  // namespace kassa::projections
