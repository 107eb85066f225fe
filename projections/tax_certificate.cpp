#include "projections/tax_certificate.h"

#include "domain/date.h"

namespace kassa::projections {

namespace s = kassa::schemas;

namespace {
std::string tax_key(std::string_view party) {
  std::string k;
  k.push_back(kind_tag(s::AggregateKind::Person));
  k.append(party);
  return k;
}
std::string id_bytes(const s::Uuid* id) {
  if (id == nullptr) return std::string(16, '\0');
  return std::string(reinterpret_cast<const char*>(id->bytes()->data()), 16);
}
std::uint16_t year_of(std::int32_t days) {
  return static_cast<std::uint16_t>(domain::Date::from_days(days).year());
}
}  // namespace

Status TaxCertificateProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                                       ApplyContext& context) {
  if (event.aggregate_kind() != s::AggregateKind::Person) return {};
  const s::EventBody type = event.type();
  if (type != s::EventBody::PaymentReceived && type != s::EventBody::PaymentAllocated &&
      type != s::EventBody::RefundIssued) {
    return {};
  }
  auto edited = cache_.edit(context.base(), tax_key(event.aggregate_key()));
  if (!edited.ok()) return edited.error();
  TaxRecord& t = **edited;
  const s::Envelope& env = event.envelope();
  if (type == s::EventBody::PaymentReceived) {
    t.pending_payments[id_bytes(env.event_id())] = env.body_as_PaymentReceived()->value_days();
  } else if (type == s::EventBody::PaymentAllocated) {
    const auto* b = env.body_as_PaymentAllocated();
    std::int32_t days = env.effective_days();
    auto it = t.pending_payments.find(id_bytes(b->payment_event_id()));
    if (it != t.pending_payments.end()) {
      days = it->second;
      t.pending_payments.erase(it);
    }
    TaxYear& y = t.years[year_of(days)];
    if (b->lines() != nullptr) {
      for (const s::AllocationLine* line : *b->lines()) {
        switch (line->kind()) {
          case s::DebtKind::Contribution: y.contributions_cents += line->amount_cents(); break;
          case s::DebtKind::Fees: y.fees_cents += line->amount_cents(); break;
          case s::DebtKind::Regularisation:
          case s::DebtKind::RegularisationFees:
            y.regularisation_cents += line->amount_cents();
            break;
          case s::DebtKind::Surcharge: y.surcharges_cents += line->amount_cents(); break;
          case s::DebtKind::Costs: y.costs_cents += line->amount_cents(); break;
          case s::DebtKind::CompanyContribution: break;
        }
      }
    }
  } else {
    const auto* b = env.body_as_RefundIssued();
    if (b->reason() == s::RefundReason::Regularisation) {
      t.years[year_of(b->paid_days())].refunded_cents += b->amount_cents();
    }
  }
  return {};
}

std::string TaxCertificateProjection::Codec::encode(const TaxRecord& t) {
  Writer w;
  w.u8(1).u32(static_cast<std::uint32_t>(t.years.size()));
  for (const auto& [year, y] : t.years) {
    w.u16(year).i64(y.contributions_cents).i64(y.fees_cents).i64(y.regularisation_cents);
    w.i64(y.surcharges_cents).i64(y.costs_cents).i64(y.refunded_cents);
  }
  w.u32(static_cast<std::uint32_t>(t.pending_payments.size()));
  for (const auto& [id, days] : t.pending_payments) w.str(id).i32(days);
  return w.take();
}

Result<TaxRecord> TaxCertificateProjection::Codec::decode(std::string_view bytes) {
  Reader r(bytes);
  TaxRecord t;
  if (r.u8() != 1) return Error::corrupt("TaxRecord", "unknown tax record format");
  std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    const std::uint16_t year = r.u16();
    TaxYear y;
    y.contributions_cents = r.i64();
    y.fees_cents = r.i64();
    y.regularisation_cents = r.i64();
    y.surcharges_cents = r.i64();
    y.costs_cents = r.i64();
    y.refunded_cents = r.i64();
    t.years.emplace(year, y);
  }
  n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    std::string id = r.str();
    t.pending_payments.emplace(std::move(id), r.i32());
  }
  if (r.failed()) return Error::corrupt("TaxRecord", "a tax record does not decode");
  return t;
}

Result<std::optional<TaxRecord>> read_tax(const KvView& view, std::string_view party_id) {
  auto got = view.get(Cf::kTax, tax_key(party_id));
  if (!got.ok()) return got.error();
  if (!got->has_value()) return std::optional<TaxRecord>();
  auto t = TaxCertificateProjection::Codec::decode(**got);
  if (!t.ok()) return t.error();
  return std::optional<TaxRecord>(std::move(t).value());
}

}  // namespace kassa::projections
