#include "projections/tax_certificate.h"

namespace kassa::projections {

namespace s = kassa::schemas;
namespace d = kassa::domain;

namespace {

constexpr std::uint8_t kTaxFormat = 2;

std::string tax_key(std::string_view party) {
  std::string k;
  k.push_back(kind_tag(s::AggregateKind::Person));
  k.append(party);
  return k;
}

}  // namespace

std::string encode_tax(const TaxRecord& t) {
  Writer w;
  w.u8(kTaxFormat).u32(static_cast<std::uint32_t>(t.size()));
  for (const auto& [year, y] : t) {
    w.i32(year).money(y.contributions).money(y.fees).money(y.regularisation);
    w.money(y.surcharges).money(y.costs).money(y.refunded);
  }
  return w.take();
}

Result<TaxRecord> decode_tax(std::string_view bytes) {
  Reader r(bytes);
  if (r.u8() != kTaxFormat) {
    return Error::corrupt("TaxRecord", "a tax record of another format (rebuild the projections)");
  }
  TaxRecord t;
  const std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    const int year = r.i32();
    d::PaidInYear y;
    y.contributions = r.money();
    y.fees = r.money();
    y.regularisation = r.money();
    y.surcharges = r.money();
    y.costs = r.money();
    y.refunded = r.money();
    t.emplace(year, y);
  }
  if (r.failed() || !r.at_end()) return Error::corrupt("TaxRecord", "a tax record does not decode");
  return t;
}

void write_tax(KvSink& sink, std::string_view party, const d::PersonState& state) {
  if (state.paid_by_year.empty()) return;
  sink.put(Cf::kTax, tax_key(party), encode_tax(state.paid_by_year));
}

Result<std::optional<TaxRecord>> read_tax(const KvView& view, std::string_view party_id) {
  return read_decoded<TaxRecord>(view, Cf::kTax, tax_key(party_id), decode_tax);
}

}  // namespace kassa::projections
