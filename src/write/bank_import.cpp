#include "write/bank_import.h"

#include <type_traits>

#include "domain/bank/statement.h"
#include "domain/person_decide.h"
#include "domain/structured_communication.h"

namespace kassa::write {

namespace d = kassa::domain;
namespace s = kassa::schemas;

// ---- MemberNumbers ---------------------------------------------------------------

Result<std::uint32_t> MemberNumbers::next() {
  std::lock_guard lock(mu_);
  if (highest_ >= 9'999'999) {
    return Error::violation("MemberNumberRange", "the fund's member numbers are exhausted");
  }
  return ++highest_;
}
bool MemberNumbers::claim(const std::string& identifier) {
  std::lock_guard lock(mu_);
  return claims_.insert(identifier).second;
}
void MemberNumbers::release(const std::string& identifier) {
  std::lock_guard lock(mu_);
  claims_.erase(identifier);
}

// ---- BankImporter -------------------------------------------------------------------

namespace {
// A decision the member's aggregate refused (the line goes to suspense),
// as opposed to a failure of the log or a bug (the import stops).
bool refusal(const Error& e) {
  return e.code == Errc::kInvalidArgument || e.code == Errc::kNotFound || e.code == Errc::kConflict ||
         e.code == Errc::kRuleViolation;
}
}  // namespace

BankImporter::BankImporter(AggregateWriter<PersonAggregate>& persons,
                           AggregateWriter<CompanyAggregate>& companies,
                           AggregateWriter<FundAggregate>& fund, MemberLookup lookup,
                           d::Plausibility plausibility)
    : persons_(persons),
      companies_(companies),
      fund_(fund),
      lookup_(std::move(lookup)),
      plausibility_(plausibility) {}

Result<ImportReport> BankImporter::import(std::string_view bytes, const CommandMeta& meta) {
  if (bytes.empty()) return Error::invalid("body", "BankFileRequired", "the body is the bank file");
  KASSA_ASSIGN_OR_RETURN(auto format, d::bank::detect_format(bytes));
  KASSA_ASSIGN_OR_RETURN(auto statements, d::bank::parse_bank_file(bytes));

  // Every line's value date first: a bad line refuses the file before any
  // line is booked.
  for (const auto& statement : statements) {
    for (const auto& line : statement.lines) {
      KASSA_TRY(d::Date::from_ymd(line.value_date.year, static_cast<unsigned>(line.value_date.month),
                                  static_cast<unsigned>(line.value_date.day)));
    }
  }
  std::lock_guard lock(mu_);
  ImportReport report;
  report.format = format == d::bank::StatementFormat::kCoda ? "coda" : "camt.053";
  report.statements = statements.size();
  const s::PaymentChannel channel = format == d::bank::StatementFormat::kCoda
                                        ? s::PaymentChannel::Coda
                                        : s::PaymentChannel::Camt;

  // 1. Match every credit line; nothing is written yet. `report.lines` and
  // `credits` run in parallel, in file order.
  enum class Route { kAlready, kMember, kSuspense };
  struct Credit {
    const d::bank::BankLine* line = nullptr;
    d::Date value_date;
    std::optional<Member> member;
    std::optional<d::StructuredCommunication> communication;
    Route route = Route::kSuspense;
    bool by_account = false;  // matched by the payer's account, not the communication
    // Why it waits in suspense, when it does.
    s::SuspenseReason reason = s::SuspenseReason::NoCommunicationNoAccount;
    std::string refusal;
  };
  std::vector<Credit> credits;
  for (const auto& statement : statements) {
    for (const auto& w : statement.warnings) report.warnings.push_back(w);
    for (const auto& line : statement.lines) {
      if (line.amount_cents <= 0) {
        ++report.debit_lines;
        continue;
      }
      ++report.credit_lines;
      KASSA_ASSIGN_OR_RETURN(auto value_date, d::Date::from_ymd(line.value_date.year,
                                                                static_cast<unsigned>(line.value_date.month),
                                                                static_cast<unsigned>(line.value_date.day)));
      ImportedLine out;
      out.bank_ref = line.global_line_id;
      out.amount_cents = line.amount_cents;
      out.value_date = value_date.format();
      Credit credit{&line, value_date, std::nullopt, std::nullopt, Route::kSuspense, false,
                    s::SuspenseReason::NoCommunicationNoAccount, {}};

      KASSA_ASSIGN_OR_RETURN(auto earlier, lookup_.by_bank_line(line.global_line_id));
      if (earlier.has_value()) {
        out.kind = (earlier)->kind;
        out.key = (earlier)->key;
        out.already_recorded = true;
        credit.route = Route::kAlready;
      } else if (d::Money::from_cents(line.amount_cents) > plausibility_.max_amount) {
        credit.reason = s::SuspenseReason::AboveCeiling;  // for review, not booked
      } else {
        if (!line.structured_communication.empty()) {
          if (auto parsed = d::StructuredCommunication::parse(line.structured_communication)) {
            credit.communication = *parsed;
            credit.reason = s::SuspenseReason::UnknownMemberNumber;
            if (auto number = d::notice_member_number(*parsed)) {
              KASSA_ASSIGN_OR_RETURN(auto found, lookup_.by_number(*number));
              credit.member = found;
              if (credit.member) out.matched_by = "communication";
            }
          } else {
            credit.reason = s::SuspenseReason::CommunicationInvalid;
          }
        }
        if (!credit.member && !line.counterparty_iban.empty()) {
          KASSA_ASSIGN_OR_RETURN(auto party, lookup_.by_iban(line.counterparty_iban));
          if (party.has_value()) {
            credit.member = Member{s::AggregateKind::Person, *party};
            credit.by_account = true;
            out.matched_by = "account";
          } else if (credit.reason == s::SuspenseReason::NoCommunicationNoAccount) {
            credit.reason = s::SuspenseReason::UnknownAccount;
          }
        }
        if (credit.member) credit.route = Route::kMember;
      }
      report.lines.push_back(std::move(out));
      credits.push_back(std::move(credit));
    }
  }

  // 2. The members' payments: one run_each for the persons, one for the
  // companies. A payment the member's aggregate refuses waits in suspense
  // like an unmatched line; any other decision error stops the import once
  // the run is done (what the run appended stays, lines after the failing
  // one included, and a retry books only the rest).
  auto book = [&](auto& writer, s::AggregateKind kind, auto make_command) -> Status {
    using Writer = std::remove_reference_t<decltype(writer)>;
    std::vector<std::size_t> at;  // the lines booked to this kind, in file order
    for (std::size_t i = 0; i < credits.size(); ++i) {
      if (credits[i].route == Route::kMember && credits[i].member->kind == kind) at.push_back(i);
    }
    if (at.empty()) return {};
    std::vector<typename Writer::Item> items;
    items.reserve(at.size());
    for (std::size_t i : at) {
      items.push_back({credits[i].member->key, make_command(credits[i]), credits[i].value_date});
    }
    KASSA_ASSIGN_OR_RETURN(auto run, writer.run_each(items, meta, chunk_, ItemResults::kKeep));
    for (std::size_t n = 0; n < at.size(); ++n) {
      const std::size_t i = at[n];
      const ItemOutcome& result = run.items[n];
      ImportedLine& out = report.lines[i];
      if (result.rejected) {
        if (!refusal(*result.rejected)) return *result.rejected;
        out.rejected = result.rejected;
        credits[i].route = Route::kSuspense;
        credits[i].reason = s::SuspenseReason::RefusedByMember;
        credits[i].refusal = result.rejected->rule;
        continue;
      }
      out.kind = kind;
      out.key = credits[i].member->key;
      out.events = result.events;
      out.last_offset = result.last_offset;
      report.events_written += out.events;
    }
    return {};
  };
  KASSA_TRY(book(persons_, s::AggregateKind::Person, [&](const Credit& c) {
    const d::Money amount = d::Money::from_cents(c.line->amount_cents);
    // Matched by the account, a communication names no member this fund
    // knows: the account holder's payment all the same.
    return d::PersonCommand{d::RecordPayment{amount, c.value_date, c.communication,
                                             c.line->global_line_id, channel, std::nullopt,
                                             c.by_account}};
  }));
  KASSA_TRY(book(companies_, s::AggregateKind::Company, [&](const Credit& c) {
    const d::Money amount = d::Money::from_cents(c.line->amount_cents);
    return d::CompanyCommand{
        d::RecordCompanyPayment{amount, c.value_date, c.communication, c.line->global_line_id, channel}};
  }));

  // 3. The rest to the fund's suspense account, in file order, with one
  // run_each (one append). The fund refuses nothing a parsed credit line
  // holds; if it did, the import stops with that error.
  std::vector<std::size_t> held;
  std::vector<AggregateWriter<FundAggregate>::Item> items;
  for (std::size_t i = 0; i < credits.size(); ++i) {
    if (credits[i].route != Route::kSuspense) continue;
    const d::bank::BankLine& line = *credits[i].line;
    held.push_back(i);
    items.push_back({kFundKey,
                     FundCommand{RecordSuspenseItem{line.global_line_id, line.amount_cents,
                                                    credits[i].value_date, line.structured_communication,
                                                    channel, line.counterparty_name,
                                                    line.counterparty_iban, line.free_communication,
                                                    credits[i].reason, credits[i].refusal}},
                     credits[i].value_date});
  }
  if (!items.empty()) {
    KASSA_ASSIGN_OR_RETURN(auto run, fund_.run_each(items, meta, items.size(), ItemResults::kKeep));
    for (std::size_t n = 0; n < held.size(); ++n) {
      const ItemOutcome& result = run.items[n];
      if (result.rejected) return *result.rejected;
      ImportedLine& out = report.lines[held[n]];
      out.matched_by.clear();
      out.suspense_reason = std::string(s::EnumNameSuspenseReason(credits[held[n]].reason));
      out.kind = s::AggregateKind::Fund;
      out.key = kFundKey;
      out.events = result.events;
      out.last_offset = result.last_offset;
      report.events_written += out.events;
    }
  }
  return report;
}

}  // namespace kassa::write
