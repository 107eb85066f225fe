#pragma once
// CompanyState: the Company aggregate (key = the 10-digit company number),
// folded from its events by evolve(); its decide() is in company_decide.h.
//
// A company owes one yearly contribution per year (DOMAIN §7), due on
// 31 December, and 1 % of it per month of delay. Allocation lines address a
// year's debt by the quarter code of its Q4 (year*10+4): the quarter of its
// due date. SurchargeApplied (CompanyMonthly1) names the year.
//
// Thread-safety: a plain value; evolve() mutates it, nothing else does.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/party_id.h"
#include "domain/person_state.h"

namespace kassa::domain {

struct CompanyDebt {
  int year = 0;
  schemas::CompanyBand band = schemas::CompanyBand::Low;
  Money reference_total;
  Money threshold;
  Money amount;
  Date due = epoch();
  std::optional<Notice> notice;
  Money paid;
  std::vector<PrincipalPayment> payments;
  int surcharge_months = 0;  // months of 1 % already applied
  Money surcharges_applied;
  Money surcharges_paid;

  Money open_principal() const;
  Money open_surcharges() const;
};

struct Director {
  PartyId party;  // never a niss
  Date from = epoch();
  std::optional<Date> to;
  std::string role;
};

struct BalanceSheet {
  Date financial_year_end = epoch();
  Money total;
  Date reported = epoch();
};

struct CompanyState {
  bool registered = false;
  std::string company_number;
  std::string name;  // not personal data
  std::string legal_form;
  Date incorporation = epoch();
  Date registered_on = epoch();
  std::uint32_t member_number = 0;
  std::vector<Director> directors;
  std::vector<BalanceSheet> balance_sheets;
  std::map<int, CompanyDebt> debts;  // by contribution year
  std::uint32_t notices_issued = 0;
  std::vector<PaymentFact> payments;
  std::set<std::string> bank_refs;
  Money credit;
  Money refunded;
  std::uint64_t last_sequence = 0;

  const Director* active_director(const PartyId& party) const;
  // The balance sheet of the financial year ending in `year`, the latest reported.
  const BalanceSheet* balance_sheet_ending_in(int year) const;
  Money total_open() const;
  // total_open() - credit: what the account entries add up to.
  Money balance() const;
};

// As evolve(PersonState&, ...): checks kind Company, the key and the
// sequence; person and fund bodies are rule NotACompanyEvent. On error the
// state is unchanged (kCorrupt). `entries` as for a person (account.h).
Status evolve(CompanyState& state, const schemas::Envelope& envelope, Entries* entries = nullptr);

}  // namespace kassa::domain
