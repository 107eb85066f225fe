#include "projections/company_account.h"

#include <algorithm>

namespace kassa::projections {

namespace s = kassa::schemas;

std::int64_t CompanyYear::outstanding() const {
  return std::max<std::int64_t>(0, due_cents - paid_cents) +
         std::max<std::int64_t>(0, surcharges_cents - surcharges_paid_cents);
}

std::int64_t CompanyAccount::outstanding() const {
  std::int64_t total = 0;
  for (const auto& [y, d] : years) total += d.outstanding();
  return total;
}

namespace {

std::string company_key(std::string_view number) { return "c" + std::string(number); }

std::string director_key(std::string_view party, std::string_view number) {
  std::string k = "d";
  k.append(party);
  k.push_back('\0');
  k.append(number);
  return k;
}

std::string link_value(std::int32_t from, std::int32_t to) {
  Writer w;
  w.i32(from).i32(to);
  return w.take();
}

std::string str(const flatbuffers::String* s) { return s != nullptr ? s->str() : std::string(); }

}  // namespace

Status CompanyAccountProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                                       ApplyContext& context) {
  if (event.aggregate_kind() != s::AggregateKind::Company) return {};
  switch (event.type()) {
    case s::EventBody::CompanyRegistered:
    case s::EventBody::CompanyDirectorAdded:
    case s::EventBody::CompanyDirectorRemoved:
    case s::EventBody::BalanceSheetReported:
    case s::EventBody::CompanyContributionAssessed:
    case s::EventBody::SurchargeApplied:
    case s::EventBody::SurchargeReduced:
    case s::EventBody::SurchargeWaived:
    case s::EventBody::PaymentAllocated:
    case s::EventBody::RefundIssued:
      break;
    default:
      return {};
  }
  const std::string number(event.aggregate_key());
  auto edited = cache_.edit(context.base(), company_key(number));
  if (!edited.ok()) return edited.error();
  CompanyAccount& c = **edited;
  const s::Envelope& env = event.envelope();
  switch (event.type()) {
    case s::EventBody::CompanyRegistered: {
      const auto* b = env.body_as_CompanyRegistered();
      c.name = str(b->name());
      c.legal_form = str(b->legal_form());
      c.incorporation_days = b->incorporation_days();
      c.registered_days = b->registered_days();
      break;
    }
    case s::EventBody::CompanyDirectorAdded: {
      const auto* b = env.body_as_CompanyDirectorAdded();
      const std::string party = str(b->director_party());
      Director& d = c.directors[party];
      d.from_days = b->from_days();
      d.to_days = 0;
      d.role = str(b->role());
      context.sink().put(Cf::kCompany, director_key(party, number), link_value(d.from_days, 0));
      break;
    }
    case s::EventBody::CompanyDirectorRemoved: {
      const auto* b = env.body_as_CompanyDirectorRemoved();
      const std::string party = str(b->director_party());
      Director& d = c.directors[party];
      d.to_days = b->to_days();
      context.sink().put(Cf::kCompany, director_key(party, number),
                         link_value(d.from_days, d.to_days));
      break;
    }
    case s::EventBody::BalanceSheetReported: {
      const auto* b = env.body_as_BalanceSheetReported();
      c.balance_sheets[b->financial_year_end_days()] = b->balance_sheet_total_cents();
      break;
    }
    case s::EventBody::CompanyContributionAssessed: {
      const auto* b = env.body_as_CompanyContributionAssessed();
      CompanyYear& y = c.years[b->year()];
      y.band = static_cast<std::uint8_t>(b->band());
      y.due_cents += b->amount_cents();
      y.due_days = b->due_days();
      break;
    }
    case s::EventBody::SurchargeApplied: {
      const auto* b = env.body_as_SurchargeApplied();
      c.years[b->year()].surcharges_cents += b->amount_cents();
      break;
    }
    case s::EventBody::SurchargeReduced: {
      const auto* b = env.body_as_SurchargeReduced();
      c.years[b->year()].surcharges_cents -= b->amount_cents();
      break;
    }
    case s::EventBody::SurchargeWaived: {
      const auto* b = env.body_as_SurchargeWaived();
      c.years[b->year()].surcharges_cents -= b->amount_cents();
      break;
    }
    case s::EventBody::PaymentAllocated: {
      const auto* b = env.body_as_PaymentAllocated();
      if (b->lines() != nullptr) {
        for (const s::AllocationLine* line : *b->lines()) {
          const bool principal = line->kind() != s::DebtKind::Surcharge;
          // The line names no year: the oldest year with that part unpaid.
          CompanyYear* target = nullptr;
          for (auto& [year, y] : c.years) {
            const std::int64_t unpaid = principal ? y.due_cents - y.paid_cents
                                                  : y.surcharges_cents - y.surcharges_paid_cents;
            if (unpaid > 0) {
              target = &y;
              break;
            }
          }
          if (target == nullptr) target = &c.years[c.years.empty() ? 0 : c.years.rbegin()->first];
          (principal ? target->paid_cents : target->surcharges_paid_cents) += line->amount_cents();
        }
      }
      c.credit_cents += b->credit_cents();
      break;
    }
    case s::EventBody::RefundIssued:
      c.credit_cents -= env.body_as_RefundIssued()->amount_cents();
      break;
    default:
      break;
  }
  return {};
}

std::string CompanyAccountProjection::Codec::encode(const CompanyAccount& c) {
  Writer w;
  w.u8(1).str(c.name).str(c.legal_form).i32(c.incorporation_days).i32(c.registered_days);
  w.u32(static_cast<std::uint32_t>(c.directors.size()));
  for (const auto& [party, d] : c.directors) w.str(party).i32(d.from_days).i32(d.to_days).str(d.role);
  w.u32(static_cast<std::uint32_t>(c.balance_sheets.size()));
  for (const auto& [days, total] : c.balance_sheets) w.i32(days).i64(total);
  w.u32(static_cast<std::uint32_t>(c.years.size()));
  for (const auto& [year, y] : c.years) {
    w.u16(year).u8(y.band).i64(y.due_cents).i64(y.paid_cents).i64(y.surcharges_cents);
    w.i64(y.surcharges_paid_cents).i32(y.due_days);
  }
  w.i64(c.credit_cents);
  return w.take();
}

Result<CompanyAccount> CompanyAccountProjection::Codec::decode(std::string_view bytes) {
  Reader r(bytes);
  CompanyAccount c;
  if (r.u8() != 1) return Error::corrupt("CompanyAccount", "unknown company account format");
  c.name = r.str();
  c.legal_form = r.str();
  c.incorporation_days = r.i32();
  c.registered_days = r.i32();
  std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    std::string party = r.str();
    Director d;
    d.from_days = r.i32();
    d.to_days = r.i32();
    d.role = r.str();
    c.directors.emplace(std::move(party), std::move(d));
  }
  n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    const std::int32_t days = r.i32();
    c.balance_sheets.emplace(days, r.i64());
  }
  n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    const std::uint16_t year = r.u16();
    CompanyYear y;
    y.band = r.u8();
    y.due_cents = r.i64();
    y.paid_cents = r.i64();
    y.surcharges_cents = r.i64();
    y.surcharges_paid_cents = r.i64();
    y.due_days = r.i32();
    c.years.emplace(year, y);
  }
  c.credit_cents = r.i64();
  if (r.failed()) return Error::corrupt("CompanyAccount", "a company account does not decode");
  return c;
}

Result<std::optional<CompanyAccount>> read_company(const KvView& view, std::string_view number) {
  auto got = view.get(Cf::kCompany, company_key(number));
  if (!got.ok()) return got.error();
  if (!got->has_value()) return std::optional<CompanyAccount>();
  auto c = CompanyAccountProjection::Codec::decode(**got);
  if (!c.ok()) return c.error();
  return std::optional<CompanyAccount>(std::move(c).value());
}

Result<std::vector<DirectorOf>> read_directorships(const KvView& view, std::string_view party_id) {
  std::string prefix = "d";
  prefix.append(party_id);
  prefix.push_back('\0');
  std::vector<DirectorOf> out;
  KASSA_TRY(view.scan(Cf::kCompany, prefix, [&](std::string_view k, std::string_view v) {
    Reader r(v);
    DirectorOf d;
    d.company_number = std::string(k.substr(prefix.size()));
    d.from_days = r.i32();
    d.to_days = r.i32();
    out.push_back(std::move(d));
    return true;
  }));
  return out;
}

}  // namespace kassa::projections
