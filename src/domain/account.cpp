#include "domain/account.h"

#include <flatbuffers/minireflect.h>

#include <string_view>
#include <unordered_map>

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
    case EntryKind::kQuarterlySurcharge:
      return "RG art. 44: 3 % of the unpaid principal per quarter";
    case EntryKind::kYearlySurcharge:
      return "RG art. 44bis: 7 % once on the year's unpaid provisional contributions";
    case EntryKind::kSurchargeReduction:
      return "surcharges reduced in proportion to a lower provisional base";
    case EntryKind::kSurchargeWaiver: return "RG art. 48: surcharges waived by INASTI";
    case EntryKind::kRegularisation: return "AR 38 art. 11: regularisation on the final income";
    case EntryKind::kRegularisationFees: return "fund management fees on the regularisation";
    case EntryKind::kRegularisationRefund:
      return "AR 38 art. 11: regularisation, too much charged provisionally";
    case EntryKind::kCosts: return "collection costs";
    case EntryKind::kCancellation: return "contribution not due (death, cessation, correction)";
    case EntryKind::kDispense: return "AR 38 art. 17: dispense granted by INASTI";
    case EntryKind::kContestCancellation: return "amounts cancelled on a contest";
    case EntryKind::kPayment: return "payment received (value date)";
    case EntryKind::kAllocation:
      return "allocation: the notice named first, then the oldest debt; principal, surcharges, "
             "costs";
    case EntryKind::kRefund: return "refund of a credit";
    case EntryKind::kBenefitPaid: return "benefit paid by the fund";
    case EntryKind::kCompanyContribution: return "yearly company contribution (DOMAIN 7)";
    case EntryKind::kCompanySurcharge: return "1 % of the company contribution per month of delay";
  }
  return "";
}

namespace {

thread_local bool g_overflowed = false;

bool ends_with_cents(const char* name) {
  if (name == nullptr) return false;
  const std::string_view n(name);
  return n.size() > 6 && n.substr(n.size() - 6) == "_cents";
}

// Whether a table, struct or union holds a *_cents field anywhere below
// it (through tables, structs, vectors and union members). Computed once
// per type and thread; the schemas' types form no cycle.
bool holds_cents(const flatbuffers::TypeTable* type) {
  thread_local std::unordered_map<const flatbuffers::TypeTable*, bool> known;
  if (const auto it = known.find(type); it != known.end()) return it->second;
  bool holds = false;
  for (std::size_t i = 0; i < type->num_elems && !holds; ++i) {
    const flatbuffers::TypeCode code = type->type_codes[i];
    const auto et = static_cast<flatbuffers::ElementaryType>(code.base_type);
    if (et == flatbuffers::ET_LONG && type->st != flatbuffers::ST_UNION) {
      holds = ends_with_cents(type->names != nullptr ? type->names[i] : nullptr);
    } else if (et == flatbuffers::ET_SEQUENCE && code.sequence_ref >= 0) {
      holds = holds_cents(type->type_refs[code.sequence_ref]());
    }
  }
  known.emplace(type, holds);
  return holds;
}

// The first *_cents field beyond ±kMaxEventCents, in an event's FlatBuffer:
// the same fields flatbuffers::IterateObject would visit, but only the
// branches that can hold one (the walk used to visit every field with a
// virtual call each, 3.5 % of a rebuild's samples).
struct CentsCheck {
  std::string bad;

  void value(const char* name, flatbuffers::ElementaryType et, const std::uint8_t* val,
             const flatbuffers::TypeTable* ref, const std::uint8_t* prev_val,
             flatbuffers::soffset_t vector_index) {
    if (et == flatbuffers::ET_LONG) {
      const auto v = flatbuffers::ReadScalar<std::int64_t>(val);
      if (bad.empty() && (v > kMaxEventCents || v < -kMaxEventCents)) bad = name;
      return;
    }
    switch (ref->st) {
      case flatbuffers::ST_TABLE:
        object(val + flatbuffers::ReadScalar<flatbuffers::uoffset_t>(val), ref);
        return;
      case flatbuffers::ST_STRUCT: object(val, ref); return;
      case flatbuffers::ST_UNION: {
        if (prev_val == nullptr) return;
        val += flatbuffers::ReadScalar<flatbuffers::uoffset_t>(val);
        std::uint8_t member = *prev_val;  // the union's type field
        if (vector_index >= 0) {
          member = reinterpret_cast<const flatbuffers::Vector<std::uint8_t>*>(prev_val)->Get(
              static_cast<flatbuffers::uoffset_t>(vector_index));
        }
        const auto at = flatbuffers::LookupEnum(member, ref->values, ref->num_elems);
        if (at < 0 || at >= static_cast<std::int64_t>(ref->num_elems)) return;
        const flatbuffers::TypeCode code = ref->type_codes[at];
        if (code.base_type == flatbuffers::ET_SEQUENCE && code.sequence_ref >= 0) {
          const flatbuffers::TypeTable* table = ref->type_refs[code.sequence_ref]();
          if (holds_cents(table)) object(val, table);
        }
        return;
      }
      case flatbuffers::ST_ENUM: return;
    }
  }

  void object(const std::uint8_t* obj, const flatbuffers::TypeTable* type) {
    const std::uint8_t* prev_val = nullptr;
    std::size_t array_index = 0;
    for (std::size_t i = 0; i < type->num_elems && bad.empty(); ++i) {
      const flatbuffers::TypeCode code = type->type_codes[i];
      const auto et = static_cast<flatbuffers::ElementaryType>(code.base_type);
      const flatbuffers::TypeTable* ref =
          code.sequence_ref >= 0 ? type->type_refs[code.sequence_ref]() : nullptr;
      const char* name = type->names != nullptr ? type->names[i] : nullptr;
      const std::uint8_t* val =
          type->st == flatbuffers::ST_TABLE
              ? reinterpret_cast<const flatbuffers::Table*>(obj)->GetAddressOf(
                    flatbuffers::FieldIndexToOffset(static_cast<flatbuffers::voffset_t>(i)))
              : obj + type->values[i];
      // A struct's fixed-size arrays are numbered whether wanted or not.
      const std::size_t array =
          code.is_repeating != 0 && type->st != flatbuffers::ST_TABLE ? array_index++ : 0;
      const bool wanted = (et == flatbuffers::ET_LONG && ends_with_cents(name)) ||
                          (et == flatbuffers::ET_SEQUENCE && ref != nullptr && holds_cents(ref));
      // A table's vector field: the vector itself, which is also what a
      // vector of unions reads its member types from (as IterateObject).
      if (val != nullptr && code.is_repeating != 0 && type->st == flatbuffers::ST_TABLE) {
        val += flatbuffers::ReadScalar<flatbuffers::uoffset_t>(val);
      }
      if (val != nullptr && wanted) {
        if (code.is_repeating != 0) {
          const std::uint8_t* element = val;
          std::size_t size = 0;
          if (type->st == flatbuffers::ST_TABLE) {
            const auto* vec = reinterpret_cast<const flatbuffers::Vector<std::uint8_t>*>(val);
            element = vec->Data();
            size = vec->size();
          } else {
            size = static_cast<std::size_t>(type->array_sizes[array]);
          }
          for (std::size_t j = 0; j < size && bad.empty(); ++j) {
            value(name, et, element, ref, prev_val, static_cast<flatbuffers::soffset_t>(j));
            element += flatbuffers::InlineSize(et, ref);
          }
        } else {
          value(name, et, val, ref, prev_val, -1);
        }
      }
      prev_val = val;
    }
  }
};

}  // namespace

Status amounts_in_range(const schemas::Envelope& envelope) {
  CentsCheck check;
  check.object(reinterpret_cast<const std::uint8_t*>(&envelope), schemas::EnvelopeTypeTable());
  if (!check.bad.empty()) {
    return Error::corrupt("AmountOutOfRange", check.bad + ": beyond " +
                                                  Money::from_cents(kMaxEventCents).format() +
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
