#pragma once
// The yearly tax certificate per person: what was paid in a calendar year
// (by the payment's value date) of contributions, management fees and
// regularisation supplements (deductible), and separately of surcharges and
// costs; refunds of regularisations reduce the year they were paid in.
//
// Column family "tax":
//   [kind tag][PartyId] -> TaxRecord (years, plus the value dates of
//                          payments not yet allocated)

#include <cstdint>
#include <map>
#include <string>

#include "projections/projection.h"

namespace kassa::projections {

struct TaxYear {
  std::int64_t contributions_cents = 0;
  std::int64_t fees_cents = 0;
  std::int64_t regularisation_cents = 0;
  std::int64_t surcharges_cents = 0;
  std::int64_t costs_cents = 0;
  std::int64_t refunded_cents = 0;
  std::int64_t deductible_cents() const {
    return contributions_cents + fees_cents + regularisation_cents - refunded_cents;
  }
};

struct TaxRecord {
  std::map<std::uint16_t, TaxYear> years;
  std::map<std::string, std::int32_t> pending_payments;  // event id bytes -> value date
};

class TaxCertificateProjection final : public Projection {
 public:
  TaxCertificateProjection() : cache_(Cf::kTax) {}
  std::string_view name() const override { return "tax_certificate"; }
  Cf cf() const override { return Cf::kTax; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override { cache_.flush(context.sink()); }
  void reset() override { cache_.reset(); }
  void set_write_back(bool on, std::size_t max_entries) override {
    cache_.set_write_back(on, max_entries);
  }

  struct Codec {
    static std::string encode(const TaxRecord& t);
    static Result<TaxRecord> decode(std::string_view bytes);
  };

 private:
  KeyedCache<TaxRecord, Codec> cache_;
};

Result<std::optional<TaxRecord>> read_tax(const KvView& view, std::string_view party_id);

}  // namespace kassa::projections
