#include "projections/statement.h"

#include <array>

namespace kassa::projections {

namespace s = kassa::schemas;
namespace d = kassa::domain;

std::string statement_prefix(s::AggregateKind kind, std::string_view key) {
  std::string p;
  p.reserve(key.size() + 2);
  p.push_back(kind_tag(kind));
  p.append(key);
  return p;
}

std::string StatementBook::HeaderCodec::encode(const StatementHeader& h) {
  Writer w;
  w.i64(h.balance_cents).i64(h.total_debit_cents).i64(h.total_credit_cents).u64(h.line_count);
  return w.take();
}

Result<StatementHeader> StatementBook::HeaderCodec::decode(std::string_view bytes) {
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

constexpr std::uint8_t kLineFormat = 2;

// Dates sort as unsigned big-endian numbers: biased by 2^31.
std::uint32_t biased(std::int32_t days) {
  return static_cast<std::uint32_t>(static_cast<std::int64_t>(days) + 2147483648LL);
}

void put_debt(Writer& w, const d::DebtRef& r) {
  w.u8(static_cast<std::uint8_t>(r.kind)).u16(r.quarter).u16(r.year);
}

d::DebtRef get_debt(Reader& r) {
  d::DebtRef ref;
  ref.kind = r.enum_u8(d::DebtRef::Kind::kCompanyYear);
  ref.quarter = r.u16();
  ref.year = r.u16();
  return ref;
}

std::string encode_line(const d::AccountEntry& e, const log::Uuid& id, const EventPosition& pos) {
  Writer w;
  w.u8(kLineFormat).u8(static_cast<std::uint8_t>(e.kind));
  put_debt(w, e.debt);
  w.money(e.debit).money(e.credit).money(e.amount).str(e.reference);
  w.u32(static_cast<std::uint32_t>(e.allocation.size()));
  for (const auto& part : e.allocation) {
    put_debt(w, part.debt);
    w.u8(static_cast<std::uint8_t>(part.component)).money(part.amount);
  }
  w.money(e.left_as_credit);
  w.bytes().append(reinterpret_cast<const char*>(id.bytes().data()), 16);
  w.u8(static_cast<std::uint8_t>(pos.topic)).i32(pos.partition).i64(pos.offset);
  return w.take();
}

Result<StatementLine> decode_line(std::string_view key, std::size_t prefix_size,
                                  std::string_view bytes) {
  const auto bad = [] {
    return Error::corrupt("StatementLine", "a statement line does not decode");
  };
  if (key.size() != prefix_size + 1 + 4 + 8 + 1) return bad();
  StatementLine l;
  l.date = d::Date::from_days(static_cast<std::int32_t>(
      static_cast<std::int64_t>(get_be(key, prefix_size + 1, 4)) - 2147483648LL));
  l.sequence = get_be(key, prefix_size + 5, 8);
  l.n = static_cast<std::uint8_t>(key[prefix_size + 13]);
  Reader r(bytes);
  if (r.u8() != kLineFormat) return bad();
  l.kind = r.enum_u8(d::EntryKind::kCompanySurcharge);
  l.debt = get_debt(r);
  l.debit = r.money();
  l.credit = r.money();
  l.amount = r.money();
  l.reference = r.str();
  const std::uint32_t parts = r.u32();
  for (std::uint32_t i = 0; i < parts && !r.failed(); ++i) {
    d::AllocationPart part;
    part.debt = get_debt(r);
    part.component = r.enum_u8(s::DebtKind::MAX);
    part.amount = r.money();
    l.allocation.push_back(part);
  }
  l.left_as_credit = r.money();
  std::array<std::uint8_t, 16> id{};
  for (auto& b : id) b = r.u8();
  l.event_id = log::Uuid(id);
  l.position.topic = static_cast<log::Topic>(r.u8());
  l.position.partition = r.i32();
  l.position.offset = r.i64();
  if (r.failed() || !r.at_end()) return bad();
  return l;
}

// A statement's sums leave int64 cents: an error, never a wrapped total.
Error overflow(std::string_view key) {
  return Error::violation("MoneyOverflow", "the statement of " + std::string(key) +
                                               " sums beyond the range of int64 cents");
}

}  // namespace

Status StatementBook::add(s::AggregateKind kind, std::string_view key,
                          const log::DecodedEvent& event, const EventPosition& position,
                          const d::Entries& entries, ApplyContext& context) {
  if (entries.empty()) return {};
  std::string k = statement_prefix(kind, key);
  const std::size_t base_size = k.size();
  k.push_back('\0');
  KASSA_ASSIGN_OR_RETURN(auto header, headers_.edit(context.base(), k));
  StatementHeader& h = *header;
  const log::Uuid id = event.event_id();
  std::uint8_t n = 0;
  for (const d::AccountEntry& e : entries) {
    // Checked: a header that wrapped would be a wrong balance, not an error.
    std::int64_t net = 0;
    if (__builtin_sub_overflow(e.debit.cents(), e.credit.cents(), &net) ||
        __builtin_add_overflow(h.balance_cents, net, &h.balance_cents) ||
        __builtin_add_overflow(h.total_debit_cents, e.debit.cents(), &h.total_debit_cents) ||
        __builtin_add_overflow(h.total_credit_cents, e.credit.cents(), &h.total_credit_cents)) {
      return overflow(key);
    }
    ++h.line_count;
    k.resize(base_size);
    k.push_back('\1');
    put_be32(k, biased(e.date.to_days()));
    put_be64(k, event.sequence());
    k.push_back(static_cast<char>(n++));
    context.sink().put(Cf::kStatement, k, encode_line(e, id, position));
  }
  return {};
}

Result<std::optional<StatementHeader>> read_statement_header(const KvView& view,
                                                             s::AggregateKind kind,
                                                             std::string_view key) {
  std::string k = statement_prefix(kind, key);
  k.push_back('\0');
  return read_decoded<StatementHeader>(view, Cf::kStatement, k, StatementBook::HeaderCodec::decode);
}

Result<StatementPage> read_statement(const KvView& view, s::AggregateKind kind,
                                     std::string_view key, const StatementQuery& q) {
  std::string prefix = statement_prefix(kind, key);
  prefix.push_back('\1');
  const std::size_t prefix_size = prefix.size() - 1;
  std::string after;  // the raw key the cursor names
  if (!q.cursor.empty()) {
    auto raw = key_of_cursor(q.cursor);
    if (q.cursor.size() != 26 || !raw) {
      return Error::invalid("cursor", "CursorInvalid", "cursor: not a cursor this statement gave");
    }
    after = prefix + *raw;
  }
  StatementPage page;
  std::int64_t opening = 0, debit = 0, credit = 0, running = 0;
  bool cursor_seen = q.cursor.empty();
  Status failed;
  KASSA_TRY(view.scan(Cf::kStatement, prefix, [&](std::string_view k, std::string_view v) {
    auto line = decode_line(k, prefix_size, v);
    if (!line.ok()) {
      failed = line.error();
      return false;
    }
    std::int64_t net = 0;
    bool wrapped = __builtin_sub_overflow(line->debit.cents(), line->credit.cents(), &net);
    if (q.from && line->date < *q.from) {
      if (wrapped || __builtin_add_overflow(opening, net, &opening)) {
        failed = overflow(key);
        return false;
      }
      return true;
    }
    if (q.to && line->date > *q.to) return false;  // keys are in date order
    if (page.period_lines == 0) running = opening;
    wrapped = wrapped || __builtin_add_overflow(running, net, &running) ||
              __builtin_add_overflow(debit, line->debit.cents(), &debit) ||
              __builtin_add_overflow(credit, line->credit.cents(), &credit);
    if (wrapped) {
      failed = overflow(key);
      return false;
    }
    ++page.period_lines;
    if (!cursor_seen) {
      if (k == after) cursor_seen = true;
      return true;
    }
    if (q.limit != 0 && page.lines.size() >= q.limit) {
      if (page.next_cursor.empty()) {
        const StatementLine& last = page.lines.back();
        std::string raw;
        put_be32(raw, biased(last.date.to_days()));
        put_be64(raw, last.sequence);
        raw.push_back(static_cast<char>(last.n));
        page.next_cursor = to_hex(raw);
      }
      return true;  // go on to the period's totals
    }
    line->balance = d::Money::from_cents(running);
    page.lines.push_back(std::move(line).value());
    return true;
  }));
  KASSA_TRY(failed);
  if (!cursor_seen) {
    return Error::invalid("cursor", "CursorInvalid", "cursor: not a cursor this statement gave");
  }
  page.opening_balance = d::Money::from_cents(opening);
  page.period_debit = d::Money::from_cents(debit);
  page.period_credit = d::Money::from_cents(credit);
  page.closing_balance = d::Money::from_cents(opening + debit - credit);
  return page;
}

}  // namespace kassa::projections
