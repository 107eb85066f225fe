#include "http/command_support.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "http/errors.h"
#include "http/json_writer.h"
#include "projections/event_index.h"
#include "projections/parties.h"

namespace kassa::http::commands {

namespace {

Result<Reply> import_file(const CommandDeps& deps, const RequestContext& ctx) {
  const std::string& bytes = ctx.raw->body;
  if (bytes.empty()) {
    return Error::invalid("body", "BankFileRequired",
                          "the body is the bank file (CODA or camt.053), sent as is");
  }
  KASSA_TRY(wait_for_projections(deps));  // registrations before the file are matchable
  // On the run board while it books (GET /v1/runs), and after.
  auto run = on_run_board(deps, ctx, "payment-import", today(deps));
  auto imported = deps.importer->import(bytes, meta_for(deps, ctx), &run.entry().progress);
  run.finish(imported ? Status{} : Status(imported.error()));
  KASSA_ASSIGN_OR_RETURN(auto report, std::move(imported));
  std::size_t matched = 0, suspense = 0, already = 0;
  for (const auto& l : report.lines) {
    ++(l.kind == s::AggregateKind::Fund ? suspense : matched);
    if (l.already_recorded || l.events == 0) ++already;
  }
  // Operations see each import at info, with counts (never payers or amounts).
  spdlog::info(
      "bank import format={} statements={} credit_lines={} debit_lines={} matched={} "
      "suspense={} already_recorded={} events_written={} warnings={} principal={}",
      report.format, report.statements, report.credit_lines, report.debit_lines, matched, suspense,
      already, report.events_written, report.warnings.size(), ctx.principal.name);
  // Written straight into JSON text: a file of 100,000 lines answers
  // ~19 MB, which as a tree of objects took several times that.
  JsonWriter out(report.lines.size() * 200 + 4096);
  out.begin_object();
  out.field("format", report.format);
  out.field("statements", static_cast<std::uint64_t>(report.statements));
  out.field("credit_lines", static_cast<std::uint64_t>(report.credit_lines));
  out.field("debit_lines", static_cast<std::uint64_t>(report.debit_lines));
  out.field("matched", static_cast<std::uint64_t>(matched));
  out.field("suspense", static_cast<std::uint64_t>(suspense));
  out.field("already_recorded", static_cast<std::uint64_t>(already));
  out.field("events_written", static_cast<std::uint64_t>(report.events_written));
  out.key("warnings").begin_array();
  for (const auto& w : report.warnings) out.string(w);
  out.end_array();
  out.key("lines").begin_array();
  for (const auto& l : report.lines) {
    out.begin_object();
    out.field("bank_ref", l.bank_ref);
    out.field("amount", d::Money::from_cents(l.amount_cents).format());
    out.field("value_date", l.value_date);
    out.field("events", static_cast<std::uint64_t>(l.events));
    if (l.kind == s::AggregateKind::Fund) {
      out.field("booked_to", "suspense");
      if (!l.suspense_reason.empty()) out.field("suspense_reason", l.suspense_reason);
    } else {
      out.field("booked_to", l.kind == s::AggregateKind::Person ? "person" : "company");
      out.field(l.kind == s::AggregateKind::Person ? "party_id" : "company_number", l.key);
      out.field("matched_by", l.matched_by);
    }
    if (l.last_offset >= 0) out.field("min_offset", l.last_offset);
    if (l.rejected) {
      out.key("refused").begin_object();
      out.field("error", l.rejected->rule).field("message", l.rejected->message);
      out.end_object();
    }
    if (l.already_recorded) out.field("already_recorded", true);
    out.end_object();
  }
  out.end_array();
  out.end_object();
  Reply reply;
  reply.raw_body = out.take();
  return reply;
}

// The suspense list shows payers' names and accounts: a read of personal
// data, with its purpose, in the access log like every other.
Result<Reply> list_suspense(const CommandDeps& deps, const RequestContext& ctx) {
  auto purpose = ctx.header("X-Kassa-Purpose");
  if (!purpose || purpose->empty() || purpose->size() > 200) {
    return Error::invalid("X-Kassa-Purpose", "PurposeRequired",
                          "reading payers' data needs the reason in the X-Kassa-Purpose header");
  }
  projections::AccessRecord record{
      now(deps),       ctx.principal.name, to_string(ctx.principal.role),
      write::kFundKey, "GET /v1/suspense", *purpose};
  if (!deps.access_log->record(record)) {
    return Error::unavailable("AccessLogUnavailable",
                              "the access could not be logged, so it is refused; retry");
  }
  KASSA_TRY(wait_for_projections(deps));
  // Paged in recording order: ?cursor= (the last event_id of the previous
  // page), ?limit= (100, at most 1000). The open items' count and total are
  // of the whole list; only the page's items are opened and written out.
  KASSA_ASSIGN_OR_RETURN(auto limit, limit_param(ctx, 100, 1000));
  const std::string cursor = ctx.query("cursor").value_or("");
  // Pass 1: which items are open, with their amounts (nothing decrypted).
  std::vector<std::pair<std::string, std::int64_t>> recorded;  // event_id, cents
  std::set<std::string> matched_ids;
  auto store = deps.stores->get();
  KASSA_TRY(projections::for_each_indexed_event(
      *store, s::AggregateKind::Fund, write::kFundKey,
      [&](const projections::IndexedEvent& e) -> Status {
        const auto& env = e.event.envelope();
        if (env.body_type() == s::EventBody::SuspenseItemMatched) {
          const auto id =
              log::Uuid::from_schema(env.body_as_SuspenseItemMatched()->suspense_event_id());
          matched_ids.insert(id.to_string());
        } else if (env.body_type() == s::EventBody::SuspenseItemRecorded) {
          recorded.emplace_back(e.event.event_id().to_string(),
                                env.body_as_SuspenseItemRecorded()->amount_cents());
        }
        return {};
      }));
  d::Money total;
  std::size_t count = 0;
  bool after_cursor = cursor.empty();
  bool cursor_seen = cursor.empty();
  std::set<std::string> page;
  std::string last_on_page;
  bool more = false;
  for (const auto& [id, cents] : recorded) {
    if (matched_ids.count(id) != 0) continue;  // booked on its member
    auto sum = total.plus(d::Money::from_cents(cents));
    if (!sum) return sum.error();  // MoneyOverflow: said, never wrapped
    total = *sum;
    ++count;
    if (!after_cursor) {
      if (id == cursor) after_cursor = cursor_seen = true;
      continue;
    }
    if (page.size() < limit) {
      page.insert(id);
      last_on_page = id;
    } else {
      more = true;
    }
  }
  if (!cursor_seen) {
    return Error::invalid("cursor", "CursorUnknown",
                          "cursor: the event_id of an open item of the previous page");
  }
  // Pass 2: the page's items, their payers' data opened for staff.
  json items = json::array();
  KASSA_TRY(projections::for_each_indexed_event(
      *store, s::AggregateKind::Fund, write::kFundKey,
      [&](const projections::IndexedEvent& e) -> Status {
        const auto& env = e.event.envelope();
        if (env.body_type() != s::EventBody::SuspenseItemRecorded) return {};
        if (page.count(e.event.event_id().to_string()) == 0) return {};
        const auto* body = env.body_as_SuspenseItemRecorded();
        json item = {
            {"event_id", e.event.event_id().to_string()},
            {"bank_ref", body->bank_ref() ? body->bank_ref()->str() : ""},
            {"amount", d::Money::from_cents(body->amount_cents()).format()},
            {"value_date", d::Date::from_days(body->value_days()).format()},
            {"structured_communication",
             body->structured_communication() ? body->structured_communication()->str() : ""},
            {"reason", s::EnumNameSuspenseReason(body->reason())},
            {"refusal", body->refusal() ? body->refusal()->str() : ""}};
        // The counterparty is personal data, sealed: shown to staff, never logged.
        if (body->counterparty() != nullptr) {
          auto opened = log::open(*deps.keys, log::suspense_subject(e.event.event_id()),
                                  e.event.event_id(), *body->counterparty());
          if (opened) {
            item["counterparty_name"] = opened->counterparty_name;
            item["counterparty_iban"] = opened->iban;
            item["free_communication"] = opened->free_communication;
          }
        }
        items.push_back(std::move(item));
        return {};
      }));
  return Reply(200, {{"items", items},
                     {"count", count},
                     {"total", total.format()},
                     {"next_cursor", more ? json(last_on_page) : json(nullptr)}});
}

// Staff identified the payer of a suspense item: the fund records the match,
// then the payment is booked on the member (its cause: the match). A retry
// completes what a failure left half done: the match is not written twice,
// the payment's bank reference is booked once.
Result<Reply> match_suspense(const CommandDeps& deps, const RequestContext& ctx) {
  const json& b = ctx.body;
  KASSA_TRY(require_object(b));
  KASSA_ASSIGN_OR_RETURN(auto bank_ref, req_str(b, "bank_ref"));
  KASSA_ASSIGN_OR_RETURN(auto party, opt_str(b, "party_id"));
  KASSA_ASSIGN_OR_RETURN(auto company, opt_str(b, "company_number"));
  if (party.has_value() == company.has_value()) {
    return Error::invalid("party_id", "MatchTargetRequired",
                          "name exactly one of party_id and company_number");
  }
  write::MatchSuspenseItem match{bank_ref, s::AggregateKind::Person, ""};
  if (party.has_value()) {
    KASSA_ASSIGN_OR_RETURN(auto id, d::PartyId::parse(*party, "party_id"));
    KASSA_TRY(require_person(deps, id, "party_id"));
    match.key = id.str();
  } else {
    KASSA_ASSIGN_OR_RETURN(auto number, d::CompanyNumber::parse(*company, "company_number"));
    KASSA_TRY(wait_for_projections(deps));
    KASSA_ASSIGN_OR_RETURN(
        auto found,
        projections::read_party(*deps.stores->get(), s::AggregateKind::Company, number.digits()));
    if (!found.has_value()) {
      return Error::not_found("CompanyNotRegistered", "no company with this number",
                              "company_number");
    }
    match.kind = s::AggregateKind::Company;
    match.key = number.digits();
  }
  // The item as recorded (amount, value date, communication).
  KASSA_ASSIGN_OR_RETURN(auto fund, load_fund(*deps.stores->get()));
  std::optional<write::SuspenseItem> item;
  if (fund.has_value()) {
    if (const auto* found = write::find_suspense_item((fund)->state, bank_ref)) item = *found;
  }
  if (!item) {
    return Error::not_found("SuspenseItemUnknown", "no suspense item for this bank line",
                            "bank_ref");
  }
  KASSA_ASSIGN_OR_RETURN(auto date, business_date(deps, b));
  write::CommandMeta meta = meta_for(deps, ctx);
  KASSA_ASSIGN_OR_RETURN(
      auto matched, deps.fund->execute(write::kFundKey, write::FundCommand{match}, date, meta));
  if (!matched.events.empty()) meta.causation_id = matched.events.front().event_id;

  const d::Money amount = d::Money::from_cents(item->amount_cents);
  const d::Date value_date = d::Date::from_days(item->value_days);
  std::optional<d::StructuredCommunication> communication;
  if (auto parsed = d::StructuredCommunication::parse(item->structured_communication)) {
    communication = *parsed;
  }
  auto pay = [&]() -> Result<write::Outcome> {
    if (match.kind == s::AggregateKind::Person) {
      // Staff identified the payer: this member, whatever the communication says.
      d::RecordPayment p{amount,        value_date,   communication, item->bank_ref,
                         item->channel, std::nullopt, true};
      return deps.persons->execute(match.key, d::PersonCommand{p}, date, meta);
    }
    d::RecordCompanyPayment p{amount, value_date, communication, item->bank_ref, item->channel};
    return deps.companies->execute(match.key, d::CompanyCommand{p}, date, meta);
  };
  KASSA_ASSIGN_OR_RETURN(auto paid, pay());
  Reply reply =
      outcome_reply(match.kind == s::AggregateKind::Person ? "party_id" : "company_number", paid);
  reply.body["bank_ref"] = item->bank_ref;
  reply.body["amount"] = amount.format();
  reply.body["match_events"] = matched.events.size();
  if (!matched.events.empty() && paid.events.empty()) reply.status = 201;
  return reply;
}

}  // namespace

void add_suspense_routes(Router& router, const CommandDeps& deps) {
  router.add(Method::kPost, "/v1/payments/import", {Role::kBatch, Role::kStaff},
             idempotent(deps.idempotency,
                        [deps](const RequestContext& ctx) { return import_file(deps, ctx); }));
  router.add(Method::kPost, "/v1/suspense/match", {Role::kStaff},
             idempotent(deps.idempotency,
                        [deps](const RequestContext& ctx) { return match_suspense(deps, ctx); }));
  router.add(Method::kGet, "/v1/suspense", {Role::kStaff},
             [deps](const RequestContext& ctx) { return list_suspense(deps, ctx); });
}

}  // namespace kassa::http::commands
