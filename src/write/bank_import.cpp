#include "write/bank_import.h"

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
                           AggregateWriter<FundAggregate>& fund, MemberLookup lookup)
    : persons_(persons), companies_(companies), fund_(fund), lookup_(std::move(lookup)) {}

Result<ImportReport> BankImporter::import(std::string_view bytes, const CommandMeta& meta) {
  if (bytes.empty()) return Error::invalid("body", "BankFileRequired", "the body is the bank file");
  auto format = d::bank::detect_format(bytes);
  if (!format) return format.error();
  auto statements = d::bank::parse_bank_file(bytes);
  if (!statements) return statements.error();

  // Every line's value date first: a bad line refuses the file before any
  // line is booked.
  for (const auto& statement : *statements) {
    for (const auto& line : statement.lines) {
      auto date = d::Date::from_ymd(line.value_date.year, static_cast<unsigned>(line.value_date.month),
                                    static_cast<unsigned>(line.value_date.day));
      if (!date) return date.error();
    }
  }
  std::lock_guard lock(mu_);
  ImportReport report;
  report.format = *format == d::bank::StatementFormat::kCoda ? "coda" : "camt.053";
  report.statements = statements->size();
  const s::PaymentChannel channel = *format == d::bank::StatementFormat::kCoda
                                        ? s::PaymentChannel::Coda
                                        : s::PaymentChannel::Camt;
  for (const auto& statement : *statements) {
    for (const auto& w : statement.warnings) report.warnings.push_back(w);
    for (const auto& line : statement.lines) {
      if (line.amount_cents <= 0) {
        ++report.debit_lines;
        continue;
      }
      ++report.credit_lines;
      auto value_date = d::Date::from_ymd(line.value_date.year,
                                          static_cast<unsigned>(line.value_date.month),
                                          static_cast<unsigned>(line.value_date.day));
      if (!value_date) return value_date.error();
      ImportedLine out;
      out.bank_ref = line.global_line_id;
      out.amount_cents = line.amount_cents;
      out.value_date = value_date->format();

      auto earlier = lookup_.by_bank_line(line.global_line_id);
      if (!earlier) return earlier.error();
      if (earlier->has_value()) {
        out.kind = (*earlier)->kind;
        out.key = (*earlier)->key;
        out.already_recorded = true;
        report.lines.push_back(std::move(out));
        continue;
      }

      std::optional<Member> member;
      std::optional<d::StructuredCommunication> communication;
      if (!line.structured_communication.empty()) {
        if (auto parsed = d::StructuredCommunication::parse(line.structured_communication)) {
          communication = *parsed;
          if (auto number = d::notice_member_number(*parsed)) {
            auto found = lookup_.by_number(*number);
            if (!found) return found.error();
            member = *found;
            if (member) out.matched_by = "communication";
          }
        }
      }
      if (!member && !line.counterparty_iban.empty()) {
        auto party = lookup_.by_iban(line.counterparty_iban);
        if (!party) return party.error();
        if (party->has_value()) {
          member = Member{s::AggregateKind::Person, **party};
          out.matched_by = "account";
        }
      }

      // Booked to the member unless the member's aggregate refuses it (then
      // it waits in suspense like an unmatched line).
      const d::Money amount = d::Money::from_cents(line.amount_cents);
      auto book = [&](s::AggregateKind kind, Result<Outcome> booked) -> Result<bool> {
        if (!booked) {
          if (!refusal(booked.error())) return booked.error();
          out.rejected = booked.error();
          return false;
        }
        out.kind = kind;
        out.key = member->key;
        out.events = booked->events.size();
        if (!booked->events.empty()) out.last_offset = booked->events.back().offset;
        report.events_written += out.events;
        report.lines.push_back(std::move(out));
        return true;
      };
      Result<bool> booked = false;
      if (member && member->kind == s::AggregateKind::Person) {
        d::RecordPayment pay{amount, *value_date, communication, line.global_line_id, channel,
                             std::nullopt};
        booked = book(member->kind,
                      persons_.execute(member->key, d::PersonCommand{pay}, *value_date, meta));
      } else if (member && member->kind == s::AggregateKind::Company) {
        d::RecordCompanyPayment pay{amount, *value_date, communication, line.global_line_id, channel};
        booked = book(member->kind,
                      companies_.execute(member->key, d::CompanyCommand{pay}, *value_date, meta));
      }
      if (!booked) return booked.error();
      if (*booked) continue;

      RecordSuspenseItem item{line.global_line_id, line.amount_cents, *value_date,
                              line.structured_communication, channel, line.counterparty_name,
                              line.counterparty_iban, line.free_communication};
      auto held = fund_.execute(kFundKey, FundCommand{item}, *value_date, meta);
      if (!held) return held.error();
      out.matched_by.clear();
      out.kind = s::AggregateKind::Fund;
      out.key = kFundKey;
      out.events = held->events.size();
      if (!held->events.empty()) out.last_offset = held->events.back().offset;
      report.events_written += out.events;
      report.lines.push_back(std::move(out));
    }
  }
  return report;
}

}  // namespace kassa::write
