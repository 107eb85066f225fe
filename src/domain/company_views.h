#pragma once
// The read side's view of a company, computed from CompanyState alone: each
// year's contribution with what was paid on it (as the allocations named
// the year), its 1 %-per-month surcharges, the notice, and the account's
// totals. The projector stores it; `kassa check` recomputes and compares.
//
// Thread-safety: pure functions.

#include <optional>
#include <string>
#include <vector>

#include "domain/company_state.h"

namespace kassa::domain {

struct CompanyYearView {
  int year = 0;
  schemas::CompanyBand band = schemas::CompanyBand::Low;
  Money contribution;
  Money paid;
  Money surcharges;
  Money surcharges_paid;
  Money open_principal;
  Money open_surcharges;
  Money outstanding;
  Date due = epoch();
  std::string communication;  // empty: no notice
  int surcharge_months = 0;
};

struct CompanyDirectorView {
  PartyId party;
  Date from = epoch();
  std::optional<Date> to;
  std::string role;
};

struct CompanyView {
  std::string name;
  std::string legal_form;
  Date incorporation = epoch();
  Date registered_on = epoch();
  std::vector<CompanyDirectorView> directors;
  std::vector<BalanceSheet> balance_sheets;
  std::vector<CompanyYearView> years;
  Money outstanding;
  Money credit;
  Money balance;  // outstanding - credit
};

CompanyView company_view(const CompanyState& state);

}  // namespace kassa::domain
