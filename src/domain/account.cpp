#include "domain/account.h"

#include <flatbuffers/minireflect.h>

#include <string_view>

#include "domain/schema_convert.h"

namespace kassa::domain {

std::string_view to_string(EntryKind kind) {
  switch (kind) {
    case EntryKind::kContribution: return "contribution";
    case EntryKind::kFees: return "fees";
    case EntryKind::kQuarterlySurcharge: return "quarterly-surcharge";
    case EntryKind::kYearlySurcharge: return "yearly-surcharge";
    case EntryKind::kSurchargeReduction: return "surcharge-reduction";
    case EntryKind::kSurchargeWaiver: return "surcharge-waiver";
    case EntryKind::kRegularisation: return "regularisation";
    case EntryKind::kRegularisationFees: return "regularisation-fees";
    case EntryKind::kRegularisationRefund: return "regularisation-refund";
    case EntryKind::kCosts: return "costs";
    case EntryKind::kCancellation: return "cancellation";
    case EntryKind::kDispense: return "dispense";
    case EntryKind::kContestCancellation: return "contest-cancellation";
    case EntryKind::kPayment: return "payment";
    case EntryKind::kAllocation: return "allocation";
    case EntryKind::kRefund: return "refund";
    case EntryKind::kBenefitPaid: return "benefit-paid";
    case EntryKind::kCompanyContribution: return "company-contribution";
    case EntryKind::kCompanySurcharge: return "company-surcharge";
  }
  return "unknown";
}

std::string_view rule_of(EntryKind kind) {
  switch (kind) {
    case EntryKind::kContribution: return "AR 38 art. 11-13: quarterly contribution";
    case EntryKind::kFees: return "fund management fees on the contribution";
    case EntryKind::kQuarterlySurcharge: return "RG art. 44: 3 % of the unpaid principal per quarter";
    case EntryKind::kYearlySurcharge: return "RG art. 44bis: 7 % once on the year's unpaid provisional contributions";
    case EntryKind::kSurchargeReduction: return "surcharges reduced in proportion to a lower provisional base";
    case EntryKind::kSurchargeWaiver: return "RG art. 48: surcharges waived by INASTI";
    case EntryKind::kRegularisation: return "AR 38 art. 11: regularisation on the final income";
    case EntryKind::kRegularisationFees: return "fund management fees on the regularisation";
    case EntryKind::kRegularisationRefund: return "AR 38 art. 11: regularisation, too much charged provisionally";
    case EntryKind::kCosts: return "collection costs";
    case EntryKind::kCancellation: return "contribution not due (death, cessation, correction)";
    case EntryKind::kDispense: return "AR 38 art. 17: dispense granted by INASTI";
    case EntryKind::kContestCancellation: return "amounts cancelled on a contest";
    case EntryKind::kPayment: return "payment received (value date)";
    case EntryKind::kAllocation: return "allocation: the notice named first, then the oldest debt; principal, surcharges, costs";
    case EntryKind::kRefund: return "refund of a credit";
    case EntryKind::kBenefitPaid: return "benefit paid by the fund";
    case EntryKind::kCompanyContribution: return "yearly company contribution (DOMAIN 7)";
    case EntryKind::kCompanySurcharge: return "1 % of the company contribution per month of delay";
  }
  return "";
}

namespace {

thread_local bool g_overflowed = false;

// Visits every field of an event; remembers the first *_cents beyond range.
struct CentsVisitor final : flatbuffers::IterationVisitor {
  const char* name = nullptr;
  std::string bad;
  void Field(std::size_t, std::size_t, flatbuffers::ElementaryType, bool,
             const flatbuffers::TypeTable*, const char* field_name, const std::uint8_t*) override {
    name = field_name;
  }
  void Long(int64_t value) override {
    if (!bad.empty() || name == nullptr) return;
    const std::string_view n(name);
    if (n.size() > 6 && n.substr(n.size() - 6) == "_cents" &&
        (value > kMaxEventCents || value < -kMaxEventCents)) {
      bad = n;
    }
  }
};

}  // namespace

Status amounts_in_range(const schemas::Envelope& envelope) {
  CentsVisitor visitor;
  flatbuffers::IterateObject(reinterpret_cast<const std::uint8_t*>(&envelope),
                             schemas::EnvelopeTypeTable(), &visitor);
  if (!visitor.bad.empty()) {
    return Error::corrupt("AmountOutOfRange",
                          visitor.bad + ": beyond " + Money::from_cents(kMaxEventCents).format() +
                              ", more than any amount an event may carry");
  }
  return {};
}

void FoldArithmetic::clear() { g_overflowed = false; }
bool FoldArithmetic::overflowed() { return g_overflowed; }

Money FoldArithmetic::add(Money a, Money b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a.cents(), b.cents(), &r)) {
    g_overflowed = true;
    return a;
  }
  return Money::from_cents(r);
}

Money FoldArithmetic::sub(Money a, Money b) {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(a.cents(), b.cents(), &r)) {
    g_overflowed = true;
    return a;
  }
  return Money::from_cents(r);
}

void book(Entries& entries, EntryKind kind, DebtRef debt, Date date, Money amount,
          std::string reference) {
  if (amount.is_zero()) return;
  AccountEntry e;
  e.kind = kind;
  e.debt = debt;
  e.date = date;
  if (amount.is_positive()) {
    e.debit = amount;
  } else {
    e.credit = Money::from_cents(-amount.cents());
  }
  e.reference = std::move(reference);
  entries.push_back(std::move(e));
}

DebtRef DebtRef::of_quarter(Quarter q) {
  DebtRef r;
  r.kind = Kind::kQuarter;
  r.quarter = quarter_code(q);
  r.year = static_cast<std::uint16_t>(q.year());
  return r;
}

DebtRef DebtRef::regularisation(int year) {
  DebtRef r;
  r.kind = Kind::kRegularisation;
  r.year = static_cast<std::uint16_t>(year);
  return r;
}

DebtRef DebtRef::company_year(int year) {
  DebtRef r;
  r.kind = Kind::kCompanyYear;
  r.year = static_cast<std::uint16_t>(year);
  return r;
}

std::string DebtRef::format() const {
  switch (kind) {
    case Kind::kNone: return {};
    case Kind::kQuarter: {
      auto q = quarter_from_code(quarter);
      return q ? q->format() : std::to_string(quarter);
    }
    case Kind::kRegularisation: return std::to_string(year) + " regularisation";
    case Kind::kCompanyYear: return std::to_string(year);
  }
  return {};
}

}  // namespace kassa::domain
