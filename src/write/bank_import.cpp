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
  return e.code == Errc::kInvalidArgument || e.code == Errc::kNotFound ||
         e.code == Errc::kConflict || e.code == Errc::kRuleViolation;
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

namespace {

enum class Route { kAlready, kMember, kSuspense };

// A credit line of the round being booked, with where it goes.
struct Credit {
  d::bank::BankLine line;
  std::size_t at = 0;  // its index in report.lines
  d::Date value_date = d::Date::from_days(0);
  std::optional<Member> member;
  std::optional<d::StructuredCommunication> communication;
  Route route = Route::kSuspense;
  bool by_account = false;  // matched by the payer's account, not the communication
  // Why it waits in suspense, when it does.
  s::SuspenseReason reason = s::SuspenseReason::NoCommunicationNoAccount;
  std::string refusal;
};

}  // namespace

// One round: the credit lines read since the last one, in file order,
// matched and booked as the whole file used to be (members' payments, then
// the suspense items).
class BankImporter::Round {
 public:
  Round(BankImporter& importer, ImportReport& report, const CommandMeta& meta,
        s::PaymentChannel channel)
      : importer_(importer), report_(report), meta_(meta), channel_(channel) {}

  std::size_t size() const { return credits_.size(); }

  // Matches one credit line (nothing is written yet).
  Status add(d::bank::BankLine&& line) {
    KASSA_ASSIGN_OR_RETURN(
        auto value_date,
        d::Date::from_ymd(line.value_date.year, static_cast<unsigned>(line.value_date.month),
                          static_cast<unsigned>(line.value_date.day)));
    ImportedLine out;
    out.bank_ref = line.global_line_id;
    out.amount_cents = line.amount_cents;
    out.value_date = value_date.format();
    Credit credit;
    credit.value_date = value_date;
    credit.at = report_.lines.size();
    const MemberLookup& lookup = importer_.lookup_;

    KASSA_ASSIGN_OR_RETURN(auto earlier, lookup.by_bank_line(line.global_line_id));
    if (earlier.has_value()) {
      out.kind = earlier->kind;
      out.key = earlier->key;
      out.already_recorded = true;
      credit.route = Route::kAlready;
    } else if (d::Money::from_cents(line.amount_cents) > importer_.plausibility_.max_amount) {
      credit.reason = s::SuspenseReason::AboveCeiling;  // for review, not booked
    } else {
      if (!line.structured_communication.empty()) {
        if (auto parsed = d::StructuredCommunication::parse(line.structured_communication)) {
          credit.communication = *parsed;
          credit.reason = s::SuspenseReason::UnknownMemberNumber;
          if (auto number = d::notice_member_number(*parsed)) {
            KASSA_ASSIGN_OR_RETURN(auto found, lookup.by_number(*number));
            credit.member = found;
            if (credit.member) out.matched_by = "communication";
          }
        } else {
          credit.reason = s::SuspenseReason::CommunicationInvalid;
        }
      }
      if (!credit.member && !line.counterparty_iban.empty()) {
        KASSA_ASSIGN_OR_RETURN(auto party, lookup.by_iban(line.counterparty_iban));
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
    credit.line = std::move(line);
    report_.lines.push_back(std::move(out));
    credits_.push_back(std::move(credit));
    return {};
  }

  // Books the round's lines and forgets them.
  Status book() {
    KASSA_TRY(book_members(importer_.persons_, s::AggregateKind::Person, [&](const Credit& c) {
      const d::Money amount = d::Money::from_cents(c.line.amount_cents);
      // Matched by the account, a communication names no member this fund
      // knows: the account holder's payment all the same.
      return d::PersonCommand{d::RecordPayment{amount, c.value_date, c.communication,
                                               c.line.global_line_id, channel_, std::nullopt,
                                               c.by_account}};
    }));
    KASSA_TRY(book_members(importer_.companies_, s::AggregateKind::Company, [&](const Credit& c) {
      const d::Money amount = d::Money::from_cents(c.line.amount_cents);
      return d::CompanyCommand{d::RecordCompanyPayment{amount, c.value_date, c.communication,
                                                       c.line.global_line_id, channel_}};
    }));
    KASSA_TRY(book_suspense());
    credits_.clear();
    return {};
  }

 private:
  // The members' payments of one kind, with one run_each. A payment the
  // member's aggregate refuses waits in suspense like an unmatched line;
  // any other decision error stops the import once the run is done (what
  // the run appended stays, lines after the failing one included, and a
  // retry books only the rest).
  template <typename Writer, typename MakeCommand>
  Status book_members(Writer& writer, s::AggregateKind kind, MakeCommand make_command) {
    std::vector<std::size_t> at;  // the credits booked to this kind, in file order
    for (std::size_t i = 0; i < credits_.size(); ++i) {
      if (credits_[i].route == Route::kMember && credits_[i].member->kind == kind) at.push_back(i);
    }
    if (at.empty()) return {};
    std::vector<typename Writer::Item> items;
    items.reserve(at.size());
    for (std::size_t i : at) {
      items.push_back({credits_[i].member->key, make_command(credits_[i]), credits_[i].value_date});
    }
    KASSA_ASSIGN_OR_RETURN(auto run,
                           writer.run_each(items, meta_, importer_.chunk_, ItemResults::kKeep));
    for (std::size_t n = 0; n < at.size(); ++n) {
      Credit& credit = credits_[at[n]];
      const ItemOutcome& result = run.items[n];
      ImportedLine& out = report_.lines[credit.at];
      if (result.rejected) {
        if (!refusal(*result.rejected)) return *result.rejected;
        out.rejected = result.rejected;
        credit.route = Route::kSuspense;
        credit.reason = s::SuspenseReason::RefusedByMember;
        credit.refusal = result.rejected->rule;
        continue;
      }
      out.kind = kind;
      out.key = credit.member->key;
      out.events = result.events;
      out.last_offset = result.last_offset;
      report_.events_written += out.events;
    }
    return {};
  }

  // The rest to the fund's suspense account, in file order, with one
  // run_each (one append). The fund refuses nothing a parsed credit line
  // holds; if it did, the import stops with that error.
  Status book_suspense() {
    std::vector<std::size_t> held;
    std::vector<AggregateWriter<FundAggregate>::Item> items;
    for (std::size_t i = 0; i < credits_.size(); ++i) {
      if (credits_[i].route != Route::kSuspense) continue;
      const Credit& credit = credits_[i];
      const d::bank::BankLine& line = credit.line;
      held.push_back(i);
      items.push_back(
          {kFundKey,
           FundCommand{RecordSuspenseItem{line.global_line_id, line.amount_cents, credit.value_date,
                                          line.structured_communication, channel_,
                                          line.counterparty_name, line.counterparty_iban,
                                          line.free_communication, credit.reason, credit.refusal}},
           credit.value_date});
    }
    if (items.empty()) return {};
    KASSA_ASSIGN_OR_RETURN(
        auto run, importer_.fund_.run_each(items, meta_, items.size(), ItemResults::kKeep));
    for (std::size_t n = 0; n < held.size(); ++n) {
      const ItemOutcome& result = run.items[n];
      if (result.rejected) return *result.rejected;
      const Credit& credit = credits_[held[n]];
      ImportedLine& out = report_.lines[credit.at];
      out.matched_by.clear();
      out.suspense_reason = std::string(s::EnumNameSuspenseReason(credit.reason));
      out.kind = s::AggregateKind::Fund;
      out.key = kFundKey;
      out.events = result.events;
      out.last_offset = result.last_offset;
      report_.events_written += out.events;
    }
    return {};
  }

  BankImporter& importer_;
  ImportReport& report_;
  const CommandMeta& meta_;
  const s::PaymentChannel channel_;
  std::vector<Credit> credits_;
};

Result<ImportReport> BankImporter::import(std::string_view bytes, const CommandMeta& meta,
                                          RunProgress* progress) {
  if (bytes.empty()) return Error::invalid("body", "BankFileRequired", "the body is the bank file");
  KASSA_ASSIGN_OR_RETURN(auto format, d::bank::detect_format(bytes));

  // First read: the whole file is checked (every statement's totals and
  // balances, every line's value date) before any line is booked; nothing
  // of it is kept but the statements' headers.
  std::size_t credits = 0;
  KASSA_ASSIGN_OR_RETURN(
      auto statements,
      d::bank::read_bank_file(bytes, [&credits](std::size_t, d::bank::BankLine&& line) -> Status {
        KASSA_TRY(d::Date::from_ymd(line.value_date.year,
                                    static_cast<unsigned>(line.value_date.month),
                                    static_cast<unsigned>(line.value_date.day)));
        if (line.amount_cents > 0) ++credits;
        return {};
      }));
  if (progress != nullptr) progress->total = credits;

  std::lock_guard lock(mu_);
  ImportReport report;
  report.format = format == d::bank::StatementFormat::kCoda ? "coda" : "camt.053";
  report.statements = statements.size();
  for (const auto& statement : statements) {
    for (const auto& w : statement.warnings) report.warnings.push_back(w);
  }
  const s::PaymentChannel channel =
      format == d::bank::StatementFormat::kCoda ? s::PaymentChannel::Coda : s::PaymentChannel::Camt;

  // Second read: the credit lines are matched and booked in rounds of
  // `round_lines_`, so memory holds one round, not the file.
  Round round(*this, report, meta, channel);
  std::size_t reported = 0;  // report.lines counted in `progress` so far
  std::size_t to_payers = 0;
  const auto book = [&]() -> Status {
    KASSA_TRY(round.book());
    if (progress == nullptr) return {};
    for (; reported < report.lines.size(); ++reported) {
      const ImportedLine& line = report.lines[reported];
      if (line.kind != s::AggregateKind::Fund && line.events > 0) ++to_payers;
    }
    progress->changed = to_payers;
    progress->events_written = report.events_written;
    progress->done = report.lines.size();  // last: a reader seeing it sees the rest
    return {};
  };
  KASSA_ASSIGN_OR_RETURN(
      auto again, d::bank::read_bank_file(
                      bytes, [&](std::size_t statement, d::bank::BankLine&& line) -> Status {
                        if (line.amount_cents <= 0) {
                          ++report.debit_lines;
                          return {};
                        }
                        ++report.credit_lines;
                        line.global_line_id = statements[statement].line_prefix + line.line_id;
                        KASSA_TRY(round.add(std::move(line)));
                        if (round.size() >= round_lines_) return book();
                        return {};
                      }));
  (void)again;
  KASSA_TRY(book());
  return report;
}

}  // namespace kassa::write
