#pragma once
// Account statement per person and per company: every debit and credit
// (contribution, fees, regularisation, surcharge, cost, payment, refund,
// waiver, dispense, cancellation) with its date, quarter, reference and the
// running balance (positive = owed to the fund, negative = a credit).
//
// Column family "statement":
//   [kind tag][aggregate key] 0x00                      -> StatementHeader
//   [kind tag][aggregate key] 0x01 [sequence be64][n u8] -> StatementLine
// Lines are written once (never read back while applying); the header keeps
// the running balance and totals.

#include <cstdint>
#include <string>
#include <vector>

#include "projections/projection.h"

namespace kassa::projections {

enum class LineKind : std::uint8_t {
  kContribution = 0,
  kFees,
  kRegularisation,
  kRegularisationFees,
  kSurcharge,
  kSurchargeReduction,
  kCost,
  kPayment,
  kRefund,
  kWaiver,
  kDispense,
  kCancellation,
  kContestCancellation,
  kCompanyContribution,
};
std::string_view to_string(LineKind kind);

struct StatementLine {
  std::uint64_t sequence = 0;      // the event's sequence in its aggregate
  std::int32_t date_days = 0;      // value date / decision date / due date
  std::uint16_t quarter = 0;       // year*10+q; 0 = none; year*10 = yearly debt
  LineKind kind = LineKind::kContribution;
  std::string reference;           // bank ref, structured communication, event id
  std::int64_t debit_cents = 0;
  std::int64_t credit_cents = 0;
  std::int64_t balance_cents = 0;  // after this line
};

struct StatementHeader {
  std::int64_t balance_cents = 0;
  std::int64_t total_debit_cents = 0;
  std::int64_t total_credit_cents = 0;
  std::uint64_t line_count = 0;
};

class StatementProjection final : public Projection {
 public:
  StatementProjection();
  std::string_view name() const override { return "statement"; }
  Cf cf() const override { return Cf::kStatement; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override;
  void reset() override;
  void set_write_back(bool on, std::size_t max_entries) override {
    headers_.set_write_back(on, max_entries);
  }

  struct HeaderCodec {
    static std::string encode(const StatementHeader& h);
    static Result<StatementHeader> decode(std::string_view bytes);
  };

 private:
  KeyedCache<StatementHeader, HeaderCodec> headers_;
};

std::string statement_prefix(schemas::AggregateKind kind, std::string_view key);

// Reads. from/to are inclusive date bounds (days); nullopt = open.
Result<std::optional<StatementHeader>> read_statement_header(const KvView& view,
                                                             schemas::AggregateKind kind,
                                                             std::string_view key);
Result<std::vector<StatementLine>> read_statement_lines(const KvView& view,
                                                        schemas::AggregateKind kind,
                                                        std::string_view key,
                                                        std::optional<std::int32_t> from_days,
                                                        std::optional<std::int32_t> to_days);

}  // namespace kassa::projections
