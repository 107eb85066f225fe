#pragma once
// Commands for a company's aggregate, and its decide(). Pure, like the
// person's (see person_decide.h for the conventions).
//
// Thread-safety: plain values and pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/aggregate.h"
#include "domain/company_number.h"
#include "domain/company_state.h"
#include "domain/money.h"
#include "domain/party_id.h"
#include "domain/structured_communication.h"

namespace kassa::domain {

struct RegisterCompany {
  static constexpr std::string_view kName = "RegisterCompany";
  CompanyNumber company_number;
  std::string name;  // a company name is not personal data
  std::string legal_form;
  Date incorporation;
  std::uint32_t member_number = 0;  // from the fund's member sequence
  std::vector<PartyId> directors;
};

struct AddDirector {
  static constexpr std::string_view kName = "AddDirector";
  PartyId party;
  Date from;
  std::string role;
};

struct RemoveDirector {
  static constexpr std::string_view kName = "RemoveDirector";
  PartyId party;
  Date to;
};

struct ReportBalanceSheet {
  static constexpr std::string_view kName = "ReportBalanceSheet";
  Date financial_year_end;
  Money total;
};

// The yearly run: the contribution of `year` on the balance sheet of the
// financial year ending in year - 2 (low amount in the first two years).
struct AssessCompanyContribution {
  static constexpr std::string_view kName = "AssessCompanyContribution";
  int year = 0;
};

struct RecordCompanyPayment {
  static constexpr std::string_view kName = "RecordCompanyPayment";
  Money amount;
  Date value_date;
  std::optional<StructuredCommunication> communication;
  std::string bank_ref;
  schemas::PaymentChannel channel = schemas::PaymentChannel::Coda;
};

// 1 % of the unpaid contribution per month begun since the due date, up to
// `as_of`; only the months not yet surcharged.
struct ApplyCompanyLateSurcharge {
  static constexpr std::string_view kName = "ApplyCompanyLateSurcharge";
  int year = 0;
  Date as_of;
};

using CompanyCommand =
    std::variant<RegisterCompany, AddDirector, RemoveDirector, ReportBalanceSheet,
                 AssessCompanyContribution, RecordCompanyPayment, ApplyCompanyLateSurcharge>;

// Rules: CompanyAlreadyRegistered (kConflict), CompanyNotRegistered
// (kNotFound), NameRequired, MemberNumberRange,
// DirectorAlreadyActive (kConflict), UnknownDirector (kNotFound),
// MoneyNonNegative, BalanceSheetTotalRequired / UnknownCompanyYear /
// FoundedAfterYear (company_contribution), PaymentNotPositive,
// BankRefRequired, NothingToSurcharge.
Result<std::vector<NewEvent>> decide(const CompanyState& state, const CompanyCommand& command,
                                     const DecisionContext& context);

}  // namespace kassa::domain
