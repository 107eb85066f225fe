#include "domain/company_views.h"

namespace kassa::domain {

CompanyView company_view(const CompanyState& s) {
  CompanyView v;
  v.name = s.name;
  v.legal_form = s.legal_form;
  v.incorporation = s.incorporation;
  v.registered_on = s.registered_on;
  for (const Director& d : s.directors) v.directors.push_back({d.party, d.from, d.to, d.role});
  v.balance_sheets = s.balance_sheets;
  for (const auto& [year, debt] : s.debts) {
    CompanyYearView y;
    y.year = year;
    y.band = debt.band;
    y.contribution = debt.amount;
    y.paid = debt.paid;
    y.surcharges = debt.surcharges_applied;
    y.surcharges_paid = debt.surcharges_paid;
    y.open_principal = debt.open_principal();
    y.open_surcharges = debt.open_surcharges();
    y.outstanding = Money::from_cents(y.open_principal.cents() + y.open_surcharges.cents());
    y.due = debt.due;
    if (debt.notice) y.communication = debt.notice->communication;
    y.surcharge_months = debt.surcharge_months;
    v.years.push_back(std::move(y));
  }
  v.outstanding = s.total_open();
  v.credit = s.credit;
  v.balance = s.balance();
  return v;
}

}  // namespace kassa::domain
