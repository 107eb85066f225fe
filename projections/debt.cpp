#include "projections/debt.h"

#include <limits>

#include "domain/aggregate.h"
#include "domain/schema_convert.h"

namespace kassa::projections {

namespace s = kassa::schemas;
namespace d = kassa::domain;

namespace {

constexpr std::uint8_t kDebtFormat = 2;
constexpr std::uint8_t kWorkFormat = 2;

std::string person_key(char prefix, std::string_view party) {
  std::string k;
  k.reserve(party.size() + 2);
  k.push_back(prefix);
  k.push_back(kind_tag(s::AggregateKind::Person));
  k.append(party);
  return k;
}

std::string work_key(d::CollectionStage stage, std::int64_t outstanding_cents,
                     std::string_view party) {
  std::string k;
  k.reserve(party.size() + 11);
  k.push_back('w');
  k.push_back(static_cast<char>(255 - static_cast<int>(stage)));
  put_be64(
      k, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() - outstanding_cents));
  k.push_back(kind_tag(s::AggregateKind::Person));
  k.append(party);
  return k;
}

std::string count_key(d::CollectionStage stage) {
  return std::string{'n', static_cast<char>(static_cast<int>(stage))};
}

void put_outlook(Writer& w, const d::ContrainteOutlook& o) {
  w.opt_date(o.earliest_formal_notice).opt_date(o.latest_formal_notice);
  w.flag(o.payment_plan_respected).flag(o.contest_pending);
  w.u8(static_cast<std::uint8_t>(o.history)).flag(o.personal_contact_recorded);
}

d::ContrainteOutlook get_outlook(Reader& r) {
  d::ContrainteOutlook o;
  o.earliest_formal_notice = r.opt_date();
  o.latest_formal_notice = r.opt_date();
  o.payment_plan_respected = r.flag();
  o.contest_pending = r.flag();
  o.history = r.enum_u8(d::ContrainteHistory::kNotFirst);
  o.personal_contact_recorded = r.flag();
  return o;
}

}  // namespace

std::string DebtBook::CountCodec::encode(const WorkCount& c) {
  Writer w;
  w.i64(c.persons).i64(c.outstanding_cents);
  return w.take();
}

Result<WorkCount> DebtBook::CountCodec::decode(std::string_view bytes) {
  Reader r(bytes);
  WorkCount c;
  c.persons = r.i64();
  c.outstanding_cents = r.i64();
  if (r.failed()) return Error::corrupt("WorkCount", "a work-list count does not decode");
  return c;
}

std::string encode_debt_view(const d::DebtView& v) {
  Writer w;
  w.u8(kDebtFormat).u32(static_cast<std::uint32_t>(v.lines.size()));
  for (const d::DebtLineView& l : v.lines) {
    w.u8(static_cast<std::uint8_t>(l.debt.kind)).u16(l.debt.quarter).u16(l.debt.year);
    w.u16(d::quarter_code(l.key)).u8(static_cast<std::uint8_t>(l.category));
    w.u8(static_cast<std::uint8_t>(l.assessment)).date(l.due).str(l.communication);
    w.opt_date(l.notice_sent);
    w.money(l.contribution).money(l.fees).money(l.principal).money(l.principal_paid);
    w.money(l.surcharges).money(l.surcharges_paid).money(l.costs).money(l.costs_paid);
    w.money(l.open_principal).money(l.open_surcharges).money(l.open_costs).money(l.open_total);
    w.u8(static_cast<std::uint8_t>(l.stage)).opt_date(l.stage_date);
    w.flag(l.cancelled).flag(l.dispensed);
    w.u8(static_cast<std::uint8_t>(l.dispense)).u8(static_cast<std::uint8_t>(l.waiver));
  }
  w.money(v.outstanding).money(v.credit).money(v.balance).u8(static_cast<std::uint8_t>(v.stage));
  w.u8(static_cast<std::uint8_t>(v.plan)).str(v.plan_ref).opt_date(v.plan_date).money(v.plan_total);
  w.u32(v.contests_pending).money(v.contest_cancelled).flag(v.personal_contact);
  w.u32(v.contraintes_served).opt_date(v.last_formal_notice);
  return w.take();
}

Result<d::DebtView> decode_debt_view(std::string_view bytes) {
  Reader r(bytes);
  if (r.u8() != kDebtFormat) {
    return Error::corrupt("DebtView", "a debt view of another format (rebuild the projections)");
  }
  d::DebtView v;
  const std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    d::DebtLineView l;
    l.debt.kind = r.enum_u8(d::DebtRef::Kind::kCompanyYear);
    l.debt.quarter = r.u16();
    l.debt.year = r.u16();
    auto key = d::quarter_from_code(r.u16());
    if (key) l.key = *key;
    l.category = r.enum_u8(d::Category::kPensioner);
    l.assessment = r.enum_u8(s::AssessmentKind::MAX);
    l.due = r.date();
    l.communication = r.str();
    l.notice_sent = r.opt_date();
    l.contribution = r.money();
    l.fees = r.money();
    l.principal = r.money();
    l.principal_paid = r.money();
    l.surcharges = r.money();
    l.surcharges_paid = r.money();
    l.costs = r.money();
    l.costs_paid = r.money();
    l.open_principal = r.money();
    l.open_surcharges = r.money();
    l.open_costs = r.money();
    l.open_total = r.money();
    l.stage = r.enum_u8(d::CollectionStage::kContrainteServed);
    l.stage_date = r.opt_date();
    l.cancelled = r.flag();
    l.dispensed = r.flag();
    l.dispense = r.enum_u8(d::RequestStatus::kRefused);
    l.waiver = r.enum_u8(d::RequestStatus::kRefused);
    if (!key) return Error::corrupt("DebtView", "a debt line names no quarter");
    v.lines.push_back(std::move(l));
  }
  v.outstanding = r.money();
  v.credit = r.money();
  v.balance = r.money();
  v.stage = r.enum_u8(d::CollectionStage::kContrainteServed);
  v.plan = r.enum_u8(d::PlanStatus::kBreached);
  v.plan_ref = r.str();
  v.plan_date = r.opt_date();
  v.plan_total = r.money();
  v.contests_pending = r.u32();
  v.contest_cancelled = r.money();
  v.personal_contact = r.flag();
  v.contraintes_served = r.u32();
  v.last_formal_notice = r.opt_date();
  if (r.failed() || !r.at_end()) return Error::corrupt("DebtView", "a debt view does not decode");
  return v;
}

std::string encode_work_entry(const d::WorkListEntry& e) {
  Writer w;
  w.u8(kWorkFormat).u8(static_cast<std::uint8_t>(e.stage)).money(e.outstanding);
  put_outlook(w, e.outlook);
  w.u8(static_cast<std::uint8_t>(e.plan)).u32(e.contests_pending);
  return w.take();
}

Result<d::WorkListEntry> decode_work_entry(std::string_view bytes) {
  Reader r(bytes);
  if (r.u8() != kWorkFormat) {
    return Error::corrupt("WorkListEntry", "a work-list entry of another format");
  }
  d::WorkListEntry e;
  e.stage = r.enum_u8(d::CollectionStage::kContrainteServed);
  e.outstanding = r.money();
  e.outlook = get_outlook(r);
  e.plan = r.enum_u8(d::PlanStatus::kBreached);
  e.contests_pending = r.u32();
  if (r.failed() || !r.at_end()) {
    return Error::corrupt("WorkListEntry", "a work-list entry does not decode");
  }
  return e;
}

Status DebtBook::write(const KvView& base, KvSink& sink, std::string_view party,
                       const d::PersonState& state) {
  // Every stage's count is written with any person, even when it stays
  // 0: whether a count exists must not depend on what a person went
  // through between two writes (a rebuild writes each person once).
  for (int st = 1; st <= static_cast<int>(d::CollectionStage::kContrainteServed); ++st) {
    KASSA_TRY(counts_.edit(base, count_key(static_cast<d::CollectionStage>(st))));
  }
  sink.put(Cf::kDebt, person_key('a', party), encode_debt_view(d::debt_view(state)));
  const std::string listed_key = person_key('l', party);
  KASSA_ASSIGN_OR_RETURN(auto listed, base.get(Cf::kDebt, listed_key));
  const auto entry = d::work_list_entry(state);
  const std::string now =
      entry ? work_key(entry->stage, entry->outstanding.cents(), party) : std::string();
  if (listed.has_value() && *listed == now) {
    sink.put(Cf::kDebt, now, encode_work_entry(*entry));  // same place, facts may differ
    return {};
  }
  if (listed.has_value()) {
    const std::string& old = *listed;
    if (old.size() < 10)
      return Error::corrupt("WorkListKey", "a listed work-list key is too short");
    const auto old_stage = static_cast<d::CollectionStage>(255 - static_cast<std::uint8_t>(old[1]));
    const auto old_amount = static_cast<std::int64_t>(
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - get_be(old, 2, 8));
    KASSA_ASSIGN_OR_RETURN(auto count, counts_.edit(base, count_key(old_stage)));
    (count)->persons -= 1;
    if (__builtin_sub_overflow((count)->outstanding_cents, old_amount,
                               &(count)->outstanding_cents)) {
      return Error::violation("MoneyOverflow",
                              "the work list's total leaves the range of int64 cents");
    }
    sink.del(Cf::kDebt, old);
  }
  if (entry) {
    sink.put(Cf::kDebt, now, encode_work_entry(*entry));
    sink.put(Cf::kDebt, listed_key, now);
    KASSA_ASSIGN_OR_RETURN(auto count, counts_.edit(base, count_key(entry->stage)));
    (count)->persons += 1;
    if (__builtin_add_overflow((count)->outstanding_cents, entry->outstanding.cents(),
                               &(count)->outstanding_cents)) {
      return Error::violation("MoneyOverflow",
                              "the work list's total leaves the range of int64 cents");
    }
  } else {
    sink.del(Cf::kDebt, listed_key);
  }
  return {};
}

Result<std::optional<d::DebtView>> read_debt(const KvView& view, std::string_view party) {
  return read_decoded<d::DebtView>(view, Cf::kDebt, person_key('a', party), decode_debt_view);
}

Result<std::optional<std::string>> listed_work_key(const KvView& view, std::string_view party) {
  return view.get(Cf::kDebt, person_key('l', party));
}

namespace {

// Whether the query's per-entry selections keep an entry.
bool selects(const WorkListQuery& q, const d::WorkListEntry& e, const Status& contrainte) {
  if (q.contrainte_eligible_only && !contrainte.ok()) return false;
  if (q.plan && e.plan != *q.plan) return false;
  if (q.personal_contact && e.outlook.personal_contact_recorded != *q.personal_contact)
    return false;
  if (q.min_outstanding && e.outstanding < *q.min_outstanding) return false;
  return true;
}

}  // namespace

Result<WorkListPage> read_work_list(const KvView& view, const WorkListQuery& q) {
  const bool per_entry =
      q.contrainte_eligible_only || q.plan || q.personal_contact || q.min_outstanding;
  std::string prefix = "w";
  if (q.stage) prefix.push_back(static_cast<char>(255 - static_cast<int>(*q.stage)));
  std::string start;
  if (!q.cursor.empty()) {
    auto raw = key_of_cursor(q.cursor);
    if (!raw || q.cursor.size() < 22) {
      return Error::invalid("cursor", "CursorInvalid", "cursor: not a cursor of this list");
    }
    start = std::move(*raw);
    if (start.compare(0, prefix.size(), prefix) != 0) {
      return Error::invalid("cursor", "CursorInvalid", "cursor: not a cursor of this list");
    }
    start.push_back('\0');  // the first key after it
  }
  WorkListPage page;
  // Totals: the per-stage counts, unless a per-entry selection (eligibility
  // judged on the day, plan, contact, amount) takes a count over the entries.
  if (!per_entry) {
    for (int st = 1; st <= static_cast<int>(d::CollectionStage::kContrainteServed); ++st) {
      if (q.stage && static_cast<int>(*q.stage) != st) continue;
      KASSA_ASSIGN_OR_RETURN(auto got,
                             view.get(Cf::kDebt, count_key(static_cast<d::CollectionStage>(st))));
      if (!got.has_value()) continue;
      KASSA_ASSIGN_OR_RETURN(auto c, DebtBook::CountCodec::decode(*got));
      page.total += static_cast<std::uint64_t>(std::max<std::int64_t>(0, c.persons));
      page.total_outstanding =
          d::Money::from_cents(page.total_outstanding.cents() + c.outstanding_cents);
    }
  }
  Status failed;
  std::string last_key;
  // Counting the selected reads every entry from the first; otherwise the
  // page starts at the cursor.
  const std::string from = per_entry ? std::string() : start;
  KASSA_TRY(view.scan(Cf::kDebt, prefix, from, [&](std::string_view k, std::string_view v) {
    if (k.size() < 11) {
      failed = Error::corrupt("WorkListKey", "a work-list key is too short");
      return false;
    }
    const bool before_cursor = !start.empty() && k < std::string_view(start);
    const bool full = q.limit != 0 && page.items.size() >= q.limit;
    if (full && !per_entry) {
      page.next_cursor = to_hex(last_key);
      return false;
    }
    auto entry = decode_work_entry(v);
    if (!entry.ok()) {
      failed = entry.error();
      return false;
    }
    WorkListItem item;
    item.contrainte = d::may_serve_contrainte(entry->outlook, q.policy, q.on);
    if (per_entry) {
      if (!selects(q, *entry, item.contrainte)) return true;
      ++page.total;
      page.total_outstanding =
          d::Money::from_cents(page.total_outstanding.cents() + entry->outstanding.cents());
      if (before_cursor) return true;
      if (full) {
        if (page.next_cursor.empty()) page.next_cursor = to_hex(last_key);
        return true;
      }
    }
    item.party_id = std::string(k.substr(11));
    item.entry = std::move(entry).value();
    page.items.push_back(std::move(item));
    last_key = std::string(k);
    return true;
  }));
  KASSA_TRY(failed);
  return page;
}

}  // namespace kassa::projections
