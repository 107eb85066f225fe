#pragma once
// Debt status per person: per quarter the unpaid principal (contribution,
// fees, regularisation), surcharges and costs, the collection stage reached
// (notice, reminder, formal notice, contrainte served), the dispense state;
// per person the payment plan, pending contests, personal contact, credit.
// Plus the work list of debtors by stage for collection staff.
//
// Column family "debt":
//   'a' [kind tag][aggregate key]                  -> DebtStatus
//   'w' [stage u8][kind tag][aggregate key]        -> WorkItem
// A person is on the work list under the highest stage of the quarters that
// still have something outstanding; the entry moves when the stage changes
// and disappears when nothing is outstanding. "Contrainte eligible" depends on
// the date it is asked for (a formal notice older than one month), so it is
// decided when the work list is read (contrainte_eligible()).
//
// Buckets: a quarter's debt sits under its code year*10+q; yearly debts (the
// 7 % surcharge, a regularisation) under year*10.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "projections/projection.h"

namespace kassa::projections {

enum class Stage : std::uint8_t {
  kNone = 0,
  kNotice = 1,
  kReminder = 2,
  kFormalNotice = 3,
  kContrainteServed = 4,
};
std::string_view to_string(Stage stage);

enum class PlanState : std::uint8_t { kNone = 0, kRequested, kGranted, kRefused, kBreached };
std::string_view to_string(PlanState state);

enum class DispenseState : std::uint8_t { kNone = 0, kRequested, kGranted, kRefused };
std::string_view to_string(DispenseState state);

struct QuarterDebt {
  std::int64_t contribution_cents = 0;  // assessed minus cancelled
  std::int64_t fees_cents = 0;
  std::int64_t regularisation_cents = 0;  // supplement (with its fees)
  std::int64_t principal_paid_cents = 0;
  std::int64_t surcharges_cents = 0;  // applied minus reduced minus waived
  std::int64_t surcharges_paid_cents = 0;
  std::int64_t costs_cents = 0;
  std::int64_t costs_paid_cents = 0;
  std::int32_t due_days = 0;
  Stage stage = Stage::kNone;
  std::int32_t stage_days = 0;
  DispenseState dispense = DispenseState::kNone;

  std::int64_t principal() const { return contribution_cents + fees_cents + regularisation_cents; }
  bool dispensed() const { return dispense == DispenseState::kGranted; }
  std::int64_t unpaid_principal() const;
  std::int64_t unpaid_surcharges() const;
  std::int64_t unpaid_costs() const;
  std::int64_t outstanding() const {
    return unpaid_principal() + unpaid_surcharges() + unpaid_costs();
  }
};

struct DebtStatus {
  std::map<std::uint16_t, QuarterDebt> quarters;
  std::int64_t credit_cents = 0;
  std::int64_t contest_cancelled_cents = 0;
  PlanState plan = PlanState::kNone;
  std::string plan_ref;
  std::int32_t plan_days = 0;
  std::int64_t plan_total_cents = 0;
  std::uint32_t contests_pending = 0;
  bool personal_contact = false;  // a personal contact that reached the person
  std::uint32_t contraintes_served = 0;
  std::int32_t last_formal_notice_days = 0;
  Stage listed_stage = Stage::kNone;  // where the work list has it (kNone: absent)

  std::int64_t outstanding() const;  // sum over quarters, less contest cancellations
  Stage stage() const;               // highest stage of a quarter with something outstanding
};

struct WorkItem {
  std::string aggregate_key;  // filled on read
  Stage stage = Stage::kNone;
  std::int64_t outstanding_cents = 0;
  std::int32_t last_formal_notice_days = 0;
  PlanState plan = PlanState::kNone;
  std::uint32_t contests_pending = 0;
  bool personal_contact = false;
  std::uint32_t contraintes_served = 0;
};

// DOMAIN.md §6 step 4, as of `today`: a formal notice more than one month old,
// no payment plan being respected, no contest pending, and a personal contact
// before the first-ever contrainte.
bool contrainte_eligible(const WorkItem& item, std::int32_t today_days);

class DebtProjection final : public Projection {
 public:
  DebtProjection();
  std::string_view name() const override { return "debt"; }
  Cf cf() const override { return Cf::kDebt; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override;
  void reset() override;
  void set_write_back(bool on, std::size_t max_entries) override {
    cache_.set_write_back(on, max_entries);
  }

  struct Codec {
    static std::string encode(const DebtStatus& d);
    static Result<DebtStatus> decode(std::string_view bytes);
  };

 private:
  KeyedCache<DebtStatus, Codec> cache_;
};

Result<std::optional<DebtStatus>> read_debt(const KvView& view, schemas::AggregateKind kind,
                                            std::string_view key);
// The work list under one stage (kNone: every stage), in key order.
Result<std::vector<WorkItem>> read_work_list(const KvView& view, Stage stage,
                                             std::size_t limit);

}  // namespace kassa::projections
