#include "replay/report.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>

#include "domain/career.h"
#include "domain/company_number.h"
#include "domain/money.h"
#include "domain/niss.h"
#include "domain/rulebook.h"
#include "log/event_codec.h"
#include "projections/as_of.h"
#include "projections/event_index.h"
#include "projections/projector.h"

namespace kassa::replay {

namespace pj = kassa::projections;
namespace s = kassa::schemas;

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;

std::string money(int64_t cents) { return domain::Money::from_cents(cents).format(); }

std::string quarter(uint16_t code) {
  if (code == 0) return "";
  if (code % 10 == 0) return std::to_string(code / 10);
  return std::to_string(code / 10) + "Q" + std::to_string(code % 10);
}

bool is_party_id(const std::string& s) {
  if (s.size() != 33 || s[0] != 'P') return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string where(const Lineage& l) {
  return std::string(log::topic_suffix(l.topic)) + "/" + std::to_string(l.partition) + "@" +
         std::to_string(l.offset);
}

nlohmann::json lineage_json(const Lineage& l) {
  return {{"event_id", l.event_id},       {"event_type", l.event_type},
          {"sequence", l.sequence},       {"topic", log::topic_suffix(l.topic)},
          {"partition", l.partition},     {"offset", l.offset},
          {"recorded_at", format_us(l.recorded_at_us)}};
}

}  // namespace

Result<int32_t> parse_date_days(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2u%n", &y, &m, &d, &consumed) != 3 ||
      consumed != static_cast<int>(text.size()) || text.size() != 10) {
    return Error::invalid("at", "DateFormat", "a date is YYYY-MM-DD");
  }
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{m}, day{d}};
  if (!ymd.ok()) return Error::invalid("at", "DateFormat", text + " is not a calendar date");
  return static_cast<int32_t>(sys_days{ymd}.time_since_epoch().count());
}

std::string format_days(int32_t days) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_us(int64_t us) {
  const int64_t day = us >= 0 ? us / kMicrosPerDay : (us - kMicrosPerDay + 1) / kMicrosPerDay;
  const int64_t rest = us - day * kMicrosPerDay;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lld.%06lldZ",
                format_days(static_cast<int32_t>(day)).c_str(),
                static_cast<long long>(rest / 3'600'000'000),
                static_cast<long long>(rest / 60'000'000 % 60),
                static_cast<long long>(rest / 1'000'000 % 60),
                static_cast<long long>(rest % 1'000'000));
  return buf;
}

Result<std::string> find_person(const pj::Store& store, const std::string& person,
                                const std::optional<pj::NissSecret>& secret) {
  if (is_party_id(person)) return person;
  auto niss = domain::Niss::parse(person, "person");
  if (!niss.ok()) {
    return Error::invalid("person", "PersonFormat",
                          "--person is a national number (NISS) or a PartyId (\"P\" + 32 hex)");
  }
  if (!secret) {
    return Error::invalid("niss-secret", "NissSecretRequired",
                          "finding a person by national number needs the fund's --niss-secret");
  }
  auto party = pj::find_party_by_niss(store, *secret, niss->digits());
  if (!party.ok()) return party.error();
  if (!party->has_value()) {
    // Never echo the number itself.
    return Error::not_found("PersonUnknown", "no person with that national number in the store");
  }
  return **party;
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

Result<Folded> fold_with_lineage(const pj::Store& store, s::AggregateKind kind,
                                 const std::string& key, const pj::AsOf& as_of,
                                 const std::function<void(const pj::IndexedEvent&, const Lineage&)>&
                                     on_kept) {
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
  auto folded = pj::fold_aggregate(store, deps, kind, key, as_of);
  if (!folded.ok()) return folded.error();
  f.view = std::move(folded).value();
  return f;
}

Result<std::vector<ReportLine>> traced_lines(const Folded& f, s::AggregateKind kind,
                                             const std::string& key) {
  std::vector<ReportLine> out;
  auto lines = pj::read_statement_lines(*f.view, kind, key, {}, {});
  if (!lines.ok()) return lines.error();
  for (const pj::StatementLine& line : *lines) {
    ReportLine r;
    r.line = line;
    if (auto it = f.by_sequence.find(line.sequence); it != f.by_sequence.end()) {
      r.source = it->second;
    }
    out.push_back(std::move(r));
  }
  return out;
}

pj::AsOf make_as_of(int32_t at_days, std::optional<int64_t> known_at_us) {
  pj::AsOf as_of;
  as_of.effective_up_to_days = at_days;
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
  auto folded = fold_with_lineage(store, s::AggregateKind::Person, party_id,
                                  make_as_of(at_days, known_at_us), {});
  if (!folded.ok()) return folded.error();
  Folded& f = *folded;
  report.events_used = f.used;
  report.events_left_out = f.left_out;
  report.events = std::move(f.events);
  if (!f.view) {
    return Error::not_found("PersonUnknown", "no events of " + party_id + " in the store's index");
  }
  const pj::MemKv& view = *f.view;
  auto lines = traced_lines(f, s::AggregateKind::Person, party_id);
  if (!lines.ok()) return lines.error();
  report.lines = std::move(lines).value();
  auto header = pj::read_statement_header(view, s::AggregateKind::Person, party_id);
  if (!header.ok()) return header.error();
  if (header->has_value()) report.totals = **header;
  auto debt = pj::read_debt(view, s::AggregateKind::Person, party_id);
  if (!debt.ok()) return debt.error();
  report.debt = *debt;
  auto career = pj::read_career(view, party_id);
  if (!career.ok()) return career.error();
  report.career = *career;
  return report;
}

Result<std::string> find_company(const std::string& company) {
  auto number = domain::CompanyNumber::parse(company, "company");
  if (!number.ok()) return number.error();
  return number->digits();
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
  auto lines = traced_lines(f, s::AggregateKind::Company, number);
  if (!lines.ok()) return lines.error();
  report.lines = std::move(lines).value();
  auto header = pj::read_statement_header(*f.view, s::AggregateKind::Company, number);
  if (!header.ok()) return header.error();
  if (header->has_value()) report.totals = **header;
  auto account = pj::read_company(*f.view, number);
  if (!account.ok()) return account.error();
  report.account = *account;
  if (report.account) {
    for (const auto& [party, d] : report.account->directors) {
      DirectorLine line;
      line.party_id = party;
      line.director = d;
      if (auto it = added.find(party); it != added.end()) line.added = it->second;
      if (auto it = removed.find(party); it != removed.end()) line.removed = it->second;
      report.directors.push_back(std::move(line));
    }
  }
  return report;
}

Result<int64_t> parse_timestamp_us(const std::string& text) {
  const auto bad = Error::invalid("known-at", "TimestampFormat",
                                  "a timestamp is YYYY-MM-DDTHH:MM:SS[.ffffff]Z (UTC) or "
                                  "microseconds since 1970");
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    if (text.size() > 18) return bad;
    return static_cast<int64_t>(std::stoll(text));
  }
  if (text.size() < 20 || text[10] != 'T') return bad;
  auto day = parse_date_days(text.substr(0, 10));
  if (!day.ok()) return bad;
  unsigned h = 0, mi = 0, se = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str() + 11, "%2u:%2u:%2u%n", &h, &mi, &se, &consumed) != 3 ||
      consumed != 8 || h > 23 || mi > 59 || se > 59) {
    return bad;
  }
  int64_t micros = 0;
  std::string rest = text.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    std::size_t digits = 0;
    while (digits + 1 < rest.size() && rest[digits + 1] >= '0' && rest[digits + 1] <= '9') ++digits;
    if (digits == 0 || digits > 6) return bad;
    std::string frac = rest.substr(1, digits);
    frac.resize(6, '0');
    micros = std::stoll(frac);
    rest = rest.substr(digits + 1);
  }
  if (rest != "Z") return bad;
  return static_cast<int64_t>(*day) * kMicrosPerDay +
         (static_cast<int64_t>(h) * 3600 + mi * 60 + se) * 1'000'000 + micros;
}

namespace {

nlohmann::json lines_json(const std::vector<ReportLine>& report_lines) {
  nlohmann::json lines = nlohmann::json::array();
  for (const ReportLine& l : report_lines) {
    lines.push_back({{"date", format_days(l.line.date_days)},
                     {"quarter", quarter(l.line.quarter)},
                     {"kind", pj::to_string(l.line.kind)},
                     {"reference", l.line.reference},
                     {"debit", money(l.line.debit_cents)},
                     {"credit", money(l.line.credit_cents)},
                     {"balance", money(l.line.balance_cents)},
                     {"event", lineage_json(l.source)}});
  }
  return lines;
}

void print_lines(const std::vector<ReportLine>& lines, const pj::StatementHeader& totals,
                 std::string_view owed_by, std::ostream& out) {
  out << "Account statement\n";
  out << "  date        quarter  kind                  debit      credit     balance  event\n";
  for (const ReportLine& l : lines) {
    out << "  " << format_days(l.line.date_days) << "  " << std::left << std::setw(7)
        << quarter(l.line.quarter) << "  " << std::setw(18) << pj::to_string(l.line.kind)
        << std::right << std::setw(11) << (l.line.debit_cents ? money(l.line.debit_cents) : "")
        << std::setw(12) << (l.line.credit_cents ? money(l.line.credit_cents) : "")
        << std::setw(12) << money(l.line.balance_cents) << "  " << l.source.event_id << " "
        << where(l.source) << " " << format_us(l.source.recorded_at_us) << "\n";
  }
  out << "  balance " << money(totals.balance_cents)
      << (totals.balance_cents < 0 ? " (a credit to the " + std::string(owed_by) + ")"
                                   : std::string(" owed to the fund"))
      << "\n\n";
}

std::string date_or_dash(int32_t days) { return days == 0 ? "-" : format_days(days); }

// What a person's and a company's report share: the as-of cut, the events
// used, and the statement with its totals.
template <typename Report>
nlohmann::json report_head(const Report& r) {
  return {{"at", format_days(r.at_days)},
          {"known_at", r.known_at_us ? nlohmann::json(format_us(*r.known_at_us))
                                     : nlohmann::json(nullptr)},
          {"events_used", r.events_used},
          {"events_left_out", r.events_left_out},
          {"statement",
           {{"lines", lines_json(r.lines)},
            {"balance", money(r.totals.balance_cents)},
            {"total_debit", money(r.totals.total_debit_cents)},
            {"total_credit", money(r.totals.total_credit_cents)}}}};
}

}  // namespace

nlohmann::json to_json(const PersonReport& r) {
  nlohmann::json j = report_head(r);
  j["party_id"] = r.party_id;
  if (r.debt) {
    nlohmann::json quarters = nlohmann::json::array();
    for (const auto& [code, q] : r.debt->quarters) {
      quarters.push_back({{"quarter", quarter(code)},
                          {"unpaid_principal", money(q.unpaid_principal())},
                          {"unpaid_surcharges", money(q.unpaid_surcharges())},
                          {"unpaid_costs", money(q.unpaid_costs())},
                          {"stage", pj::to_string(q.stage)},
                          {"dispense", pj::to_string(q.dispense)}});
    }
    j["debt"] = {{"outstanding", money(r.debt->outstanding())},
                 {"credit", money(r.debt->credit_cents)},
                 {"stage", pj::to_string(r.debt->stage())},
                 {"payment_plan", pj::to_string(r.debt->plan)},
                 {"contests_pending", r.debt->contests_pending},
                 {"quarters", quarters}};
  }
  if (r.career) {
    nlohmann::json quarters = nlohmann::json::array();
    for (const auto& [code, e] : r.career->quarters) {
      quarters.push_back(
          {{"quarter", quarter(code)},
           {"status", e.status_known ? std::string(domain::to_string(
                                           static_cast<domain::CareerStatus>(e.status)))
                                     : std::string("unknown")},
           {"reason", e.status_known ? std::string(domain::to_string(
                                           static_cast<domain::CareerReason>(e.reason)))
                                     : std::string()},
           {"contribution_due", money(e.contribution_due_cents)},
           {"contribution_paid", money(e.contribution_paid_cents)}});
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
      << " effective later or recorded later left out)\n\n";
  print_lines(r.lines, r.totals, "person", out);
  if (r.debt) {
    out << "Debt status: " << money(r.debt->outstanding()) << " outstanding, stage "
        << pj::to_string(r.debt->stage()) << ", payment plan " << pj::to_string(r.debt->plan)
        << "\n";
    for (const auto& [code, q] : r.debt->quarters) {
      if (q.outstanding() == 0) continue;
      out << "  " << std::left << std::setw(7) << quarter(code) << std::right
          << " principal " << money(q.unpaid_principal()) << ", surcharges "
          << money(q.unpaid_surcharges()) << ", costs " << money(q.unpaid_costs()) << ", stage "
          << pj::to_string(q.stage) << "\n";
    }
    out << "\n";
  }
  if (r.career) {
    out << "Career\n";
    for (const auto& [code, e] : r.career->quarters) {
      out << "  " << std::left << std::setw(7) << quarter(code) << std::right << " ";
      if (!e.status_known) {
        out << "unknown\n";
        continue;
      }
      out << domain::to_string(static_cast<domain::CareerStatus>(e.status)) << " ("
          << domain::to_string(static_cast<domain::CareerReason>(e.reason)) << "), paid "
          << money(e.contribution_paid_cents) << " of " << money(e.contribution_due_cents) << "\n";
    }
  }
}

nlohmann::json to_json(const CompanyReport& r) {
  nlohmann::json j = report_head(r);
  j["company_number"] = r.company_number;
  if (r.account) {
    const pj::CompanyAccount& a = *r.account;
    nlohmann::json years = nlohmann::json::array();
    for (const auto& [year, y] : a.years) {
      years.push_back({{"year", year},
                       {"due", money(y.due_cents)},
                       {"due_date", y.due_days ? nlohmann::json(format_days(y.due_days))
                                               : nlohmann::json(nullptr)},
                       {"paid", money(y.paid_cents)},
                       {"surcharges", money(y.surcharges_cents)},
                       {"surcharges_paid", money(y.surcharges_paid_cents)},
                       {"outstanding", money(y.outstanding())}});
    }
    j["account"] = {{"name", a.name},
                    {"legal_form", a.legal_form},
                    {"incorporated", a.incorporation_days ? nlohmann::json(format_days(a.incorporation_days))
                                                          : nlohmann::json(nullptr)},
                    {"registered", a.registered_days ? nlohmann::json(format_days(a.registered_days))
                                                     : nlohmann::json(nullptr)},
                    {"outstanding", money(a.outstanding())},
                    {"credit", money(a.credit_cents)},
                    // The directors answer jointly for this amount.
                    {"directors_liable_for", money(a.outstanding())},
                    {"contributions", years}};
  }
  nlohmann::json directors = nlohmann::json::array();
  for (const DirectorLine& d : r.directors) {
    directors.push_back(
        {{"party_id", d.party_id},
         {"role", d.director.role},
         {"from", format_days(d.director.from_days)},
         {"to", d.director.to_days ? nlohmann::json(format_days(d.director.to_days))
                                   : nlohmann::json(nullptr)},
         {"current", d.director.to_days == 0},
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
      << " effective later or recorded later left out)\n\n";
  print_lines(r.lines, r.totals, "company", out);
  if (r.account) {
    const pj::CompanyAccount& a = *r.account;
    out << "Company account: incorporated " << date_or_dash(a.incorporation_days)
        << ", registered " << date_or_dash(a.registered_days) << ", " << money(a.outstanding())
        << " outstanding (the directors answer for it jointly), credit " << money(a.credit_cents)
        << "\n";
    for (const auto& [year, y] : a.years) {
      out << "  " << year << "  due " << money(y.due_cents) << " by " << date_or_dash(y.due_days)
          << ", paid " << money(y.paid_cents) << ", surcharges " << money(y.surcharges_cents)
          << " (paid " << money(y.surcharges_paid_cents) << "), outstanding "
          << money(y.outstanding()) << "\n";
    }
    out << "\n";
  }
  out << "Directors\n";
  if (r.directors.empty()) out << "  none\n";
  for (const DirectorLine& d : r.directors) {
    out << "  " << d.party_id << "  " << std::left << std::setw(10) << d.director.role
        << std::right << " from " << format_days(d.director.from_days) << " to "
        << (d.director.to_days ? format_days(d.director.to_days) : std::string("now      "))
        << "  added ";
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
