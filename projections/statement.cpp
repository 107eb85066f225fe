#include "projections/statement.h"

namespace kassa::projections {

namespace s = kassa::schemas;

std::string_view to_string(LineKind kind) {
  switch (kind) {
    case LineKind::kContribution: return "contribution";
    case LineKind::kFees: return "fees";
    case LineKind::kRegularisation: return "regularisation";
    case LineKind::kRegularisationFees: return "regularisation-fees";
    case LineKind::kSurcharge: return "surcharge";
    case LineKind::kSurchargeReduction: return "surcharge-reduction";
    case LineKind::kCost: return "cost";
    case LineKind::kPayment: return "payment";
    case LineKind::kRefund: return "refund";
    case LineKind::kWaiver: return "waiver";
    case LineKind::kDispense: return "dispense";
    case LineKind::kCancellation: return "cancellation";
    case LineKind::kContestCancellation: return "contest-cancellation";
    case LineKind::kCompanyContribution: return "company-contribution";
  }
  return "unknown";
}

std::string statement_prefix(s::AggregateKind kind, std::string_view key) {
  std::string p;
  p.reserve(key.size() + 2);
  p.push_back(kind_tag(kind));
  p.append(key);
  return p;
}

std::string StatementProjection::HeaderCodec::encode(const StatementHeader& h) {
  Writer w;
  w.i64(h.balance_cents).i64(h.total_debit_cents).i64(h.total_credit_cents).u64(h.line_count);
  return w.take();
}

Result<StatementHeader> StatementProjection::HeaderCodec::decode(std::string_view bytes) {
  Reader r(bytes);
  StatementHeader h;
  h.balance_cents = r.i64();
  h.total_debit_cents = r.i64();
  h.total_credit_cents = r.i64();
  h.line_count = r.u64();
  if (r.failed()) return Error::corrupt("StatementHeader", "a statement header does not decode");
  return h;
}

namespace {

std::string encode_line(const StatementLine& l) {
  Writer w;
  w.u64(l.sequence).i32(l.date_days).u16(l.quarter).u8(static_cast<std::uint8_t>(l.kind));
  w.str(l.reference).i64(l.debit_cents).i64(l.credit_cents).i64(l.balance_cents);
  return w.take();
}

Result<StatementLine> decode_line(std::string_view bytes) {
  Reader r(bytes);
  StatementLine l;
  l.sequence = r.u64();
  l.date_days = r.i32();
  l.quarter = r.u16();
  l.kind = static_cast<LineKind>(r.u8());
  l.reference = r.str();
  l.debit_cents = r.i64();
  l.credit_cents = r.i64();
  l.balance_cents = r.i64();
  if (r.failed()) return Error::corrupt("StatementLine", "a statement line does not decode");
  return l;
}

std::string str_or(const flatbuffers::String* s, std::string_view fallback) {
  return s != nullptr && s->size() > 0 ? s->str() : std::string(fallback);
}

std::uint16_t yearly_bucket(std::uint16_t quarter, std::uint16_t year) {
  return quarter != 0 ? quarter : static_cast<std::uint16_t>(year * 10);
}

// The lines one event books, before balances.
struct Draft {
  std::int32_t date_days;
  std::uint16_t quarter;
  LineKind kind;
  std::string reference;
  std::int64_t debit;
  std::int64_t credit;
};

void drafts_for(const log::DecodedEvent& ev, std::vector<Draft>& out) {
  const s::Envelope& env = ev.envelope();
  const std::string id = ev.event_id().hex();
  auto debit = [&](std::int32_t d, std::uint16_t q, LineKind k, std::string ref, std::int64_t c) {
    if (c > 0) out.push_back({d, q, k, std::move(ref), c, 0});
    if (c < 0) out.push_back({d, q, k, std::move(ref), 0, -c});
  };
  auto credit = [&](std::int32_t d, std::uint16_t q, LineKind k, std::string ref, std::int64_t c) {
    debit(d, q, k, std::move(ref), -c);
  };
  switch (ev.type()) {
    case s::EventBody::ContributionAssessed: {
      const auto* b = env.body_as_ContributionAssessed();
      debit(b->due_days(), b->quarter(), LineKind::kContribution, id, b->contribution_cents());
      debit(b->due_days(), b->quarter(), LineKind::kFees, id, b->fees_cents());
      break;
    }
    case s::EventBody::ContributionCancelled: {
      const auto* b = env.body_as_ContributionCancelled();
      credit(env.effective_days(), b->quarter(), LineKind::kCancellation, id,
             b->contribution_cents() + b->fees_cents());
      break;
    }
    case s::EventBody::RegularisationComputed: {
      const auto* b = env.body_as_RegularisationComputed();
      const auto q = static_cast<std::uint16_t>(b->year() * 10);
      debit(b->statement_days(), q, LineKind::kRegularisation, id,
            b->final_contribution_cents() - b->provisional_contribution_cents());
      debit(b->statement_days(), q, LineKind::kRegularisationFees, id,
            b->final_fees_cents() - b->provisional_fees_cents());
      break;
    }
    case s::EventBody::SurchargeApplied: {
      const auto* b = env.body_as_SurchargeApplied();
      debit(b->applied_days(), yearly_bucket(b->quarter(), b->year()), LineKind::kSurcharge, id,
            b->amount_cents());
      break;
    }
    case s::EventBody::SurchargeReduced: {
      const auto* b = env.body_as_SurchargeReduced();
      credit(env.effective_days(), yearly_bucket(b->quarter(), b->year()),
             LineKind::kSurchargeReduction, id, b->amount_cents());
      break;
    }
    case s::EventBody::SurchargeWaived: {
      const auto* b = env.body_as_SurchargeWaived();
      credit(env.effective_days(), yearly_bucket(b->quarter(), b->year()), LineKind::kWaiver, id,
             b->amount_cents());
      break;
    }
    case s::EventBody::CostsCharged: {
      const auto* b = env.body_as_CostsCharged();
      debit(b->charged_days(), b->quarter(), LineKind::kCost, id, b->amount_cents());
      break;
    }
    case s::EventBody::PaymentReceived: {
      const auto* b = env.body_as_PaymentReceived();
      credit(b->value_days(), 0, LineKind::kPayment, str_or(b->bank_ref(), id), b->amount_cents());
      break;
    }
    case s::EventBody::RefundIssued: {
      const auto* b = env.body_as_RefundIssued();
      debit(b->paid_days(), 0, LineKind::kRefund, str_or(b->refund_ref(), id), b->amount_cents());
      break;
    }
    case s::EventBody::DispenseGranted: {
      const auto* b = env.body_as_DispenseGranted();
      std::uint16_t q = 0;
      if (b->quarters() != nullptr && b->quarters()->size() > 0) q = b->quarters()->Get(0);
      credit(b->decided_days(), q, LineKind::kDispense, str_or(b->decision_ref(), id),
             b->amount_cents());
      break;
    }
    case s::EventBody::ContestDecided: {
      const auto* b = env.body_as_ContestDecided();
      credit(b->decided_days(), 0, LineKind::kContestCancellation, str_or(b->case_ref(), id),
             b->cancelled_cents());
      break;
    }
    case s::EventBody::CompanyContributionAssessed: {
      const auto* b = env.body_as_CompanyContributionAssessed();
      debit(b->due_days(), static_cast<std::uint16_t>(b->year() * 10),
            LineKind::kCompanyContribution, id, b->amount_cents());
      break;
    }
    default:
      break;  // no money moves
  }
}

}  // namespace

StatementProjection::StatementProjection() : headers_(Cf::kStatement) {}

Status StatementProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                                  ApplyContext& context) {
  thread_local std::vector<Draft> drafts;
  drafts.clear();
  drafts_for(event, drafts);
  if (drafts.empty()) return {};
  std::string key = statement_prefix(event.aggregate_kind(), event.aggregate_key());
  const std::size_t base_size = key.size();
  key.push_back('\0');
  auto header = headers_.edit(context.base(), key);
  if (!header.ok()) return header.error();
  StatementHeader& h = **header;
  std::uint8_t n = 0;
  for (Draft& d : drafts) {
    h.balance_cents += d.debit - d.credit;
    h.total_debit_cents += d.debit;
    h.total_credit_cents += d.credit;
    ++h.line_count;
    StatementLine line{event.sequence(), d.date_days,  d.quarter,     d.kind,
                       std::move(d.reference), d.debit, d.credit, h.balance_cents};
    key.resize(base_size);
    key.push_back('\1');
    put_be64(key, event.sequence());
    key.push_back(static_cast<char>(n++));
    context.sink().put(Cf::kStatement, key, encode_line(line));
  }
  return {};
}

void StatementProjection::flush(ApplyContext& context) { headers_.flush(context.sink()); }
void StatementProjection::reset() { headers_.reset(); }

Result<std::optional<StatementHeader>> read_statement_header(const KvView& view,
                                                             s::AggregateKind kind,
                                                             std::string_view key) {
  std::string k = statement_prefix(kind, key);
  k.push_back('\0');
  auto got = view.get(Cf::kStatement, k);
  if (!got.ok()) return got.error();
  if (!got->has_value()) return std::optional<StatementHeader>();
  auto h = StatementProjection::HeaderCodec::decode(**got);
  if (!h.ok()) return h.error();
  return std::optional<StatementHeader>(*h);
}

Result<std::vector<StatementLine>> read_statement_lines(const KvView& view, s::AggregateKind kind,
                                                        std::string_view key,
                                                        std::optional<std::int32_t> from_days,
                                                        std::optional<std::int32_t> to_days) {
  std::string prefix = statement_prefix(kind, key);
  prefix.push_back('\1');
  std::vector<StatementLine> out;
  Status failed;
  KASSA_TRY(view.scan(Cf::kStatement, prefix, [&](std::string_view, std::string_view v) {
    auto line = decode_line(v);
    if (!line.ok()) {
      failed = line.error();
      return false;
    }
    if (from_days && line->date_days < *from_days) return true;
    if (to_days && line->date_days > *to_days) return true;
    out.push_back(std::move(line).value());
    return true;
  }));
  KASSA_TRY(failed);
  return out;
}

}  // namespace kassa::projections
