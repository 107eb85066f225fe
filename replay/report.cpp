#include "replay/report.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>

#include "domain/career.h"
#include "domain/company_number.h"
#include "domain/date.h"
#include "domain/money.h"
#include "domain/niss.h"
#include "domain/party_id.h"
#include "domain/rulebook.h"
#include "domain/timestamp.h"
#include "log/event_codec.h"
#include "projections/as_of.h"
#include "projections/event_index.h"
#include "projections/projector.h"

namespace kassa::replay {

namespace pj = kassa::projections;
namespace s = kassa::schemas;

namespace {

std::string money(int64_t cents) { return domain::Money::from_cents(cents).format(); }

nlohmann::json debt_of(const domain::DebtRef& r) {
  return r.kind == domain::DebtRef::Kind::kNone ? nlohmann::json(nullptr)
                                                : nlohmann::json(r.format());
}

std::string where(const Lineage& l) {
  return std::string(log::topic_suffix(l.topic)) + "/" + std::to_string(l.partition) + "@" +
         std::to_string(l.offset);
}

nlohmann::json lineage_json(const Lineage& l) {
  return {{"event_id", l.event_id},
          {"event_type", l.event_type},
          {"sequence", l.sequence},
          {"topic", log::topic_suffix(l.topic)},
          {"partition", l.partition},
          {"offset", l.offset},
          {"recorded_at", format_us(l.recorded_at_us)}};
}

}  // namespace

Result<int32_t> parse_date_days(const std::string& text) {
  KASSA_ASSIGN_OR_RETURN(auto date, domain::Date::parse(text, "at"));
  return date.to_days();
}

std::string format_days(int32_t days) { return domain::Date::from_days(days).format(); }

std::string format_us(int64_t us) { return domain::Timestamp::from_micros(us).format(); }

Result<std::string> find_person(const pj::Store& store, const std::string& person,
                                const std::optional<pj::NissSecret>& secret) {
  if (auto party = domain::PartyId::parse(person, "person"); party.ok()) return party->str();
  auto niss = domain::Niss::parse(person, "person");
  if (!niss.ok()) {
    return Error::invalid(
        "person", "PersonFormat",
        "--person is a national number (NISS) or a PartyId (\"P\" + 32 lowercase hex)");
  }
  if (!secret) {
    return Error::invalid("niss-secret", "NissSecretRequired",
                          "finding a person by national number needs the fund's --niss-secret");
  }
  KASSA_ASSIGN_OR_RETURN(auto party, pj::find_party_by_niss(store, *secret, niss->digits()));
  if (!party.has_value()) {
    // Never echo the number itself.
    return Error::not_found("PersonUnknown", "no person with that national number in the store");
  }
  return *party;
}

namespace {

// The events of one aggregate the view admits, with their lineage, and the
// service's as-of answer folded from them.
struct Folded {
  uint64_t used = 0;
  uint64_t left_out = 0;
  std::map<uint64_t, Lineage> by_sequence;
  std::vector<Lineage> events;
  std::unique_ptr<pj::MemKv> view;
};

Result<Folded> fold_with_lineage(
    const pj::Store& store, s::AggregateKind kind, const std::string& key, const pj::AsOf& as_of,
    const std::function<void(const pj::IndexedEvent&, const Lineage&)>& on_kept) {
  Folded f;
  KASSA_TRY(pj::for_each_indexed_event(store, kind, key, [&](const pj::IndexedEvent& e) -> Status {
    const auto& env = e.event.envelope();
    if (!as_of.admits(env)) {
      ++f.left_out;
      return {};
    }
    Lineage l;
    l.event_id = e.event.event_id().to_string();
    l.event_type = std::string(e.event.type_name());
    l.topic = e.position.topic;
    l.partition = e.position.partition;
    l.offset = e.position.offset;
    l.recorded_at_us = env.recorded_at_us();
    l.sequence = e.event.sequence();
    f.by_sequence[l.sequence] = l;
    f.events.push_back(l);
    ++f.used;
    if (on_kept) on_kept(e, l);
    return {};
  }));
  if (f.used == 0 && f.left_out == 0) return f;
  const domain::Rulebook rulebook = domain::Rulebook::belgian_default();
  pj::ProjectionDeps deps;
  deps.rulebook = &rulebook;
  KASSA_ASSIGN_OR_RETURN(f.view, pj::fold_aggregate(store, deps, kind, key, as_of));
  return f;
}

// Every line dated up to `at_days`, each with its event; and their totals.
Result<std::vector<ReportLine>> traced_lines(const Folded& f, s::AggregateKind kind,
                                             const std::string& key, int32_t at_days,
                                             pj::StatementHeader& totals) {
  std::vector<ReportLine> out;
  pj::StatementQuery q;
  q.to = domain::Date::from_days(at_days);
  KASSA_ASSIGN_OR_RETURN(auto page, pj::read_statement(*f.view, kind, key, q));
  for (const pj::StatementLine& line : page.lines) {
    ReportLine r;
    r.line = line;
    if (auto it = f.by_sequence.find(line.sequence); it != f.by_sequence.end()) {
      r.source = it->second;
    }
    out.push_back(std::move(r));
  }
  totals.balance_cents = page.closing_balance.cents();
  totals.total_debit_cents = page.period_debit.cents();
  totals.total_credit_cents = page.period_credit.cents();
  totals.line_count = page.period_lines;
  return out;
}

pj::AsOf make_as_of(int32_t at_days, std::optional<int64_t> known_at_us) {
  pj::AsOf as_of;
  as_of.decided_up_to_days = at_days;
  as_of.recorded_up_to_us = known_at_us;
  return as_of;
}

}  // namespace

Result<PersonReport> person_report(const pj::Store& store, const std::string& party_id,
                                   int32_t at_days, std::optional<int64_t> known_at_us) {
  PersonReport report;
  report.party_id = party_id;
  report.at_days = at_days;
  report.known_at_us = known_at_us;
  KASSA_ASSIGN_OR_RETURN(auto folded, fold_with_lineage(store, s::AggregateKind::Person, party_id,
                                                        make_as_of(at_days, known_at_us), {}));
  Folded& f = folded;
  report.events_used = f.used;
  report.events_left_out = f.left_out;
  report.events = std::move(f.events);
  if (!f.view) {
    return Error::not_found("PersonUnknown", "no events of " + party_id + " in the store's index");
  }
  const pj::MemKv& view = *f.view;
  KASSA_ASSIGN_OR_RETURN(
      report.lines, traced_lines(f, s::AggregateKind::Person, party_id, at_days, report.totals));
  KASSA_ASSIGN_OR_RETURN(auto debt, pj::read_debt(view, party_id));
  report.debt = debt;
  KASSA_ASSIGN_OR_RETURN(auto career, pj::read_career(view, party_id));
  report.career = career;
  return report;
}

Result<std::string> find_company(const std::string& company) {
  KASSA_ASSIGN_OR_RETURN(auto number, domain::CompanyNumber::parse(company, "company"));
  return number.digits();
}

Result<CompanyReport> company_report(const pj::Store& store, const std::string& number,
                                     int32_t at_days, std::optional<int64_t> known_at_us) {
  CompanyReport report;
  report.company_number = number;
  report.at_days = at_days;
  report.known_at_us = known_at_us;
  std::map<std::string, Lineage> added;
  std::map<std::string, Lineage> removed;
  auto folded = fold_with_lineage(
      store, s::AggregateKind::Company, number, make_as_of(at_days, known_at_us),
      [&](const pj::IndexedEvent& e, const Lineage& l) {
        if (const auto* a = e.event.body_as<s::CompanyDirectorAdded>(); a != nullptr) {
          const std::string party = a->director_party() ? a->director_party()->str() : "";
          added[party] = l;
          removed.erase(party);  // appointed again
        } else if (const auto* r = e.event.body_as<s::CompanyDirectorRemoved>(); r != nullptr) {
          removed[r->director_party() ? r->director_party()->str() : ""] = l;
        }
      });
  if (!folded.ok()) return folded.error();
  Folded& f = *folded;
  report.events_used = f.used;
  report.events_left_out = f.left_out;
  report.events = std::move(f.events);
  if (!f.view) {
    return Error::not_found("CompanyUnknown",
                            "no events of company " + number + " in the store's index");
  }
  KASSA_ASSIGN_OR_RETURN(
      report.lines, traced_lines(f, s::AggregateKind::Company, number, at_days, report.totals));
  KASSA_ASSIGN_OR_RETURN(auto account, pj::read_company(*f.view, number));
  report.account = account;
  if (report.account) {
    // One line per director (the latest appointment), by PartyId.
    std::map<std::string, domain::CompanyDirectorView> latest;
    for (const auto& d : report.account->directors) latest.insert_or_assign(d.party.str(), d);
    for (const auto& [party, d] : latest) {
      DirectorLine line{.party_id = party, .director = d, .added = {}, .removed = std::nullopt};
      if (auto it = added.find(party); it != added.end()) line.added = it->second;
      if (auto it = removed.find(party); it != removed.end()) line.removed = it->second;
      report.directors.push_back(std::move(line));
    }
  }
  return report;
}

Result<int64_t> parse_timestamp_us(const std::string& text) {
  KASSA_ASSIGN_OR_RETURN(auto ts, domain::Timestamp::parse(text, "known-at"));
  return ts.micros();
}

namespace {

nlohmann::json lines_json(const std::vector<ReportLine>& report_lines) {
  nlohmann::json lines = nlohmann::json::array();
  for (const ReportLine& l : report_lines) {
    lines.push_back({{"date", l.line.date.format()},
                     {"debt", debt_of(l.line.debt)},
                     {"kind", std::string(domain::to_string(l.line.kind))},
                     {"rule", std::string(domain::rule_of(l.line.kind))},
                     {"reference", l.line.reference},
                     {"debit", l.line.debit.format()},
                     {"credit", l.line.credit.format()},
                     {"balance", l.line.balance.format()},
                     {"event", lineage_json(l.source)}});
  }
  return lines;
}

void print_lines(const std::vector<ReportLine>& lines, const pj::StatementHeader& totals,
                 std::string_view owed_by, std::ostream& out) {
  out << "Account statement\n";
  out << "  date        debt                kind                    debit      credit     balance  "
         "event\n";
  for (const ReportLine& l : lines) {
    out << "  " << l.line.date.format() << "  " << std::left << std::setw(18)
        << l.line.debt.format() << "  " << std::setw(22) << domain::to_string(l.line.kind)
        << std::right << std::setw(11) << (l.line.debit.is_zero() ? "" : l.line.debit.format())
        << std::setw(12) << (l.line.credit.is_zero() ? "" : l.line.credit.format()) << std::setw(12)
        << l.line.balance.format() << "  " << l.source.event_id << " " << where(l.source) << " "
        << format_us(l.source.recorded_at_us) << "\n";
  }
  out << "  balance " << money(totals.balance_cents)
      << (totals.balance_cents < 0 ? " (a credit to the " + std::string(owed_by) + ")"
                                   : std::string(" owed to the fund"))
      << "\n\n";
}

// What a person's and a company's report share: the as-of cut, the events
// used, and the statement with its totals.
template <typename Report>
nlohmann::json report_head(const Report& r) {
  return {{"at", format_days(r.at_days)},
          {"known_at",
           r.known_at_us ? nlohmann::json(format_us(*r.known_at_us)) : nlohmann::json(nullptr)},
          {"events_used", r.events_used},
          {"events_left_out", r.events_left_out},
          {"statement",
           {{"lines", lines_json(r.lines)},
            {"balance", money(r.totals.balance_cents)},
            {"line_count", r.totals.line_count},
            {"total_debit", money(r.totals.total_debit_cents)},
            {"total_credit", money(r.totals.total_credit_cents)}}}};
}

}  // namespace

nlohmann::json to_json(const PersonReport& r) {
  nlohmann::json j = report_head(r);
  j["party_id"] = r.party_id;
  if (r.debt) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& l : r.debt->lines) {
      lines.push_back({{"debt", l.debt.format()},
                       {"due_date", l.due.format()},
                       {"communication", l.communication},
                       {"unpaid_principal", l.open_principal.format()},
                       {"unpaid_surcharges", l.open_surcharges.format()},
                       {"unpaid_costs", l.open_costs.format()},
                       {"stage", std::string(domain::to_string(l.stage))},
                       {"dispense", std::string(domain::to_string(l.dispense))}});
    }
    j["debt"] = {{"outstanding", r.debt->outstanding.format()},
                 {"credit", r.debt->credit.format()},
                 {"balance", r.debt->balance.format()},
                 {"stage", std::string(domain::to_string(r.debt->stage))},
                 {"payment_plan", std::string(domain::to_string(r.debt->plan))},
                 {"contests_pending", r.debt->contests_pending},
                 {"lines", lines}};
  }
  if (r.career) {
    nlohmann::json quarters = nlohmann::json::array();
    for (const auto& q : *r.career) {
      quarters.push_back(
          {{"quarter", q.quarter.format()},
           {"status",
            q.status_known ? std::string(domain::to_string(q.status)) : std::string("unknown")},
           {"reason", q.status_known ? std::string(domain::to_string(q.reason)) : std::string()},
           {"contribution_due", q.contribution_due.format()},
           {"contribution_paid", q.contribution_paid.format()}});
    }
    j["career"] = {{"quarters", quarters}};
  }
  nlohmann::json events = nlohmann::json::array();
  for (const Lineage& l : r.events) events.push_back(lineage_json(l));
  j["events"] = events;
  return j;
}

void print_report(const PersonReport& r, std::ostream& out) {
  out << "Person " << r.party_id << " as of " << format_days(r.at_days);
  if (r.known_at_us) out << ", as known at " << format_us(*r.known_at_us);
  out << " (" << r.events_used << " events used, " << r.events_left_out
      << " decided later or recorded later left out)\n\n";
  print_lines(r.lines, r.totals, "person", out);
  if (r.debt) {
    out << "Debt status: " << r.debt->outstanding.format() << " outstanding, credit "
        << r.debt->credit.format() << ", stage " << domain::to_string(r.debt->stage)
        << ", payment plan " << domain::to_string(r.debt->plan) << "\n";
    for (const auto& l : r.debt->lines) {
      if (l.open_total.is_zero()) continue;
      out << "  " << std::left << std::setw(18) << l.debt.format() << std::right << " principal "
          << l.open_principal.format() << ", surcharges " << l.open_surcharges.format()
          << ", costs " << l.open_costs.format() << ", stage " << domain::to_string(l.stage)
          << "\n";
    }
    out << "\n";
  }
  if (r.career) {
    out << "Career\n";
    for (const auto& q : *r.career) {
      out << "  " << std::left << std::setw(7) << q.quarter.format() << std::right << " ";
      if (!q.status_known) {
        out << "unknown\n";
        continue;
      }
      out << domain::to_string(q.status) << " (" << domain::to_string(q.reason) << "), paid "
          << q.contribution_paid.format() << " of " << q.contribution_due.format() << "\n";
    }
  }
}

nlohmann::json to_json(const CompanyReport& r) {
  nlohmann::json j = report_head(r);
  j["company_number"] = r.company_number;
  if (r.account) {
    const domain::CompanyView& a = *r.account;
    nlohmann::json years = nlohmann::json::array();
    for (const auto& y : a.years) {
      years.push_back({{"year", y.year},
                       {"contribution", y.contribution.format()},
                       {"due_date", y.due.format()},
                       {"communication", y.communication},
                       {"paid", y.paid.format()},
                       {"surcharges", y.surcharges.format()},
                       {"surcharges_paid", y.surcharges_paid.format()},
                       {"outstanding", y.outstanding.format()}});
    }
    j["account"] = {{"name", a.name},
                    {"legal_form", a.legal_form},
                    {"incorporated", a.incorporation.format()},
                    {"registered", a.registered_on.format()},
                    {"outstanding", a.outstanding.format()},
                    {"credit", a.credit.format()},
                    // The directors answer jointly for this amount.
                    {"directors_liable_for", a.outstanding.format()},
                    {"contributions", years}};
  }
  nlohmann::json directors = nlohmann::json::array();
  for (const DirectorLine& d : r.directors) {
    directors.push_back(
        {{"party_id", d.party_id},
         {"role", d.director.role},
         {"from", d.director.from.format()},
         {"to", d.director.to ? nlohmann::json(d.director.to->format()) : nlohmann::json(nullptr)},
         {"current", !d.director.to.has_value()},
         {"added_by", d.added.offset >= 0 ? lineage_json(d.added) : nlohmann::json(nullptr)},
         {"removed_by", d.removed ? lineage_json(*d.removed) : nlohmann::json(nullptr)}});
  }
  j["directors"] = directors;
  nlohmann::json events = nlohmann::json::array();
  for (const Lineage& l : r.events) events.push_back(lineage_json(l));
  j["events"] = events;
  return j;
}

void print_report(const CompanyReport& r, std::ostream& out) {
  out << "Company " << r.company_number;
  if (r.account && !r.account->name.empty()) {
    out << " " << r.account->name << " (" << r.account->legal_form << ")";
  }
  out << " as of " << format_days(r.at_days);
  if (r.known_at_us) out << ", as known at " << format_us(*r.known_at_us);
  out << " (" << r.events_used << " events used, " << r.events_left_out
      << " decided later or recorded later left out)\n\n";
  print_lines(r.lines, r.totals, "company", out);
  if (r.account) {
    const domain::CompanyView& a = *r.account;
    out << "Company account: incorporated " << a.incorporation.format() << ", registered "
        << a.registered_on.format() << ", " << a.outstanding.format()
        << " outstanding (the directors answer for it jointly), credit " << a.credit.format()
        << "\n";
    for (const auto& y : a.years) {
      out << "  " << y.year << "  due " << y.contribution.format() << " by " << y.due.format()
          << ", paid " << y.paid.format() << ", surcharges " << y.surcharges.format() << " (paid "
          << y.surcharges_paid.format() << "), outstanding " << y.outstanding.format() << "\n";
    }
    out << "\n";
  }
  out << "Directors\n";
  if (r.directors.empty()) out << "  none\n";
  for (const DirectorLine& d : r.directors) {
    out << "  " << d.party_id << "  " << std::left << std::setw(10) << d.director.role << std::right
        << " from " << d.director.from.format() << " to "
        << (d.director.to ? d.director.to->format() : std::string("now      ")) << "  added ";
    if (d.added.offset >= 0) {
      out << d.added.event_id << " " << where(d.added) << " " << format_us(d.added.recorded_at_us);
    } else {
      out << "by no event as of the date";  // only a removal is effective by then
    }
    if (d.removed) {
      out << "; removed " << d.removed->event_id << " " << where(*d.removed) << " "
          << format_us(d.removed->recorded_at_us);
    }
    out << "\n";
  }
}

}  // namespace kassa::replay
