#include "http/ledger_json.h"

#include <array>
#include <cstddef>

#include "domain/structured_communication.h"
#include "log/log_config.h"

namespace kassa::http {

namespace p = kassa::projections;
namespace s = kassa::schemas;

Notices notices_of(const std::optional<domain::DebtView>& debt) {
  Notices out;
  if (!debt) return out;
  for (const auto& l : debt->lines) out[l.debt.format()] = l.communication;
  return out;
}

Notices notices_of(const std::optional<domain::CompanyView>& company) {
  Notices out;
  if (!company) return out;
  for (const auto& y : company->years) {
    out[domain::DebtRef::company_year(y.year).format()] = y.communication;
  }
  return out;
}

std::optional<std::string> communication_text(const std::string& digits) {
  if (digits.empty()) return std::nullopt;
  auto parsed = domain::StructuredCommunication::parse(digits);
  return parsed.ok() ? parsed->display() : digits;
}

namespace {

// A statement line's words in one language: the phrase of each kind
// around the debt it concerns ("3 % surcharge on 2025-Q1"), the
// allocation's component names.
struct Words {
  const char* contribution;
  const char* fees;
  const char* quarterly_surcharge;
  const char* yearly_surcharge;
  const char* surcharge_reduction;
  const char* surcharge_waiver;
  const char* regularisation;
  const char* regularisation_fees;
  const char* regularisation_refund;
  const char* costs;
  const char* cancellation;
  const char* dispense;
  const char* contest_cancellation;
  const char* payment;
  const char* allocation;
  const char* left_as_credit;
  const char* refund;
  const char* benefit;
  const char* company_contribution;
  const char* company_surcharge;
  const char* regularisation_debt;  // "{year} regularisation"
  // contribution, fees, regularisation, regularisation fees, surcharge,
  // costs, company contribution (the English ones are also the JSON
  // answers' `component` values: component_name)
  std::array<const char*, 7> components;
};

constexpr Words kEnglish{"contribution {}",
                         "management fees {}",
                         "3 % surcharge on {}",
                         "7 % surcharge on {}",
                         "surcharges reduced on {}",
                         "surcharges waived on {}",
                         "regularisation supplement {}",
                         "management fees on the {}",
                         "regularisation refund {}",
                         "costs {}",
                         "contribution cancelled {}",
                         "dispense {}",
                         "cancelled on contest {}",
                         "payment received",
                         "payment allocated:",
                         "{} left as credit",
                         "refund paid",
                         "benefit paid",
                         "company contribution {}",
                         "1 % monthly surcharge on {}",
                         "{} regularisation",
                         {"contribution", "fees", "regularisation", "regularisation-fees",
                          "surcharge", "costs", "company-contribution"}};

constexpr Words kFrench{
    "cotisation {}",
    "frais de gestion {}",
    "majoration de 3 % sur {}",
    "majoration de 7 % sur {}",
    "majorations réduites sur {}",
    "exonération des majorations sur {}",
    "supplément de régularisation {}",
    "frais de gestion sur la {}",
    "remboursement de régularisation {}",
    "frais de recouvrement {}",
    "cotisation annulée {}",
    "dispense {}",
    "annulé sur recours {}",
    "paiement reçu",
    "paiement imputé :",
    "{} laissé en crédit",
    "remboursement effectué",
    "prestation payée",
    "cotisation de société {}",
    "majoration mensuelle de 1 % sur {}",
    "régularisation {}",
    {"cotisation", "frais de gestion", "régularisation", "frais de gestion sur la régularisation",
     "majoration", "frais de recouvrement", "cotisation des sociétés"}};

constexpr Words kDutch{
    "bijdrage {}",
    "beheerskosten {}",
    "verhoging van 3 % op {}",
    "verhoging van 7 % op {}",
    "verhogingen verminderd op {}",
    "verhogingen kwijtgescholden op {}",
    "regularisatiesupplement {}",
    "beheerskosten op de {}",
    "terugbetaling na regularisatie {}",
    "invorderingskosten {}",
    "bijdrage geannuleerd {}",
    "vrijstelling {}",
    "geannuleerd na betwisting {}",
    "betaling ontvangen",
    "betaling aangerekend:",
    "{} als tegoed overgebleven",
    "terugbetaling uitgevoerd",
    "uitkering betaald",
    "vennootschapsbijdrage {}",
    "maandelijkse verhoging van 1 % op {}",
    "regularisatie {}",
    {"bijdrage", "beheerskosten", "regularisatie", "beheerskosten op de regularisatie", "verhoging",
     "invorderingskosten", "vennootschapsbijdrage"}};

const Words& words_of(Language language) {
  switch (language) {
    case Language::kEn: return kEnglish;
    case Language::kFr: return kFrench;
    case Language::kNl: return kDutch;
  }
  return kEnglish;
}

// `phrase` with its "{}" replaced by `what`.
std::string fill(std::string_view phrase, std::string_view what) {
  const auto at = phrase.find("{}");
  if (at == std::string_view::npos) return std::string(phrase);
  std::string out(phrase.substr(0, at));
  out += what;
  out += phrase.substr(at + 2);
  return out;
}

std::size_t component_index(s::DebtKind k) {
  switch (k) {
    case s::DebtKind::Contribution: return 0;
    case s::DebtKind::Fees: return 1;
    case s::DebtKind::Regularisation: return 2;
    case s::DebtKind::RegularisationFees: return 3;
    case s::DebtKind::Surcharge: return 4;
    case s::DebtKind::Costs: return 5;
    case s::DebtKind::CompanyContribution: return 6;
  }
  return 0;
}

// A debt as people read it: "2025-Q1", "régularisation 2023", "2024".
std::string debt_words(const domain::DebtRef& debt, const Words& w) {
  if (debt.kind == domain::DebtRef::Kind::kRegularisation) {
    return fill(w.regularisation_debt, std::to_string(debt.year));
  }
  return debt.format();
}

}  // namespace

std::string_view component_name(s::DebtKind k) { return kEnglish.components[component_index(k)]; }

std::string describe(const p::StatementLine& l, Language language) {
  const Words& w = words_of(language);
  const std::string what = debt_words(l.debt, w);
  switch (l.kind) {
    case domain::EntryKind::kContribution: return fill(w.contribution, what);
    case domain::EntryKind::kFees: return fill(w.fees, what);
    case domain::EntryKind::kQuarterlySurcharge: return fill(w.quarterly_surcharge, what);
    case domain::EntryKind::kYearlySurcharge: return fill(w.yearly_surcharge, what);
    case domain::EntryKind::kSurchargeReduction: return fill(w.surcharge_reduction, what);
    case domain::EntryKind::kSurchargeWaiver: return fill(w.surcharge_waiver, what);
    case domain::EntryKind::kRegularisation: return fill(w.regularisation, what);
    case domain::EntryKind::kRegularisationFees: return fill(w.regularisation_fees, what);
    case domain::EntryKind::kRegularisationRefund: return fill(w.regularisation_refund, what);
    case domain::EntryKind::kCosts: return fill(w.costs, what);
    case domain::EntryKind::kCancellation: return fill(w.cancellation, what);
    case domain::EntryKind::kDispense: return fill(w.dispense, what);
    case domain::EntryKind::kContestCancellation: return fill(w.contest_cancellation, l.reference);
    case domain::EntryKind::kPayment: return w.payment;
    case domain::EntryKind::kAllocation: {
      std::string out = w.allocation;
      for (std::size_t i = 0; i < l.allocation.size(); ++i) {
        const auto& part = l.allocation[i];
        out += (i == 0 ? " " : ", ") + debt_words(part.debt, w) + " " +
               w.components[component_index(part.component)] + " " +
               amount_words(part.amount, language);
      }
      if (l.left_as_credit.is_positive()) {
        out += "; " + fill(w.left_as_credit, amount_words(l.left_as_credit, language));
      }
      return out;
    }
    case domain::EntryKind::kRefund: return w.refund;
    case domain::EntryKind::kBenefitPaid: return w.benefit;
    case domain::EntryKind::kCompanyContribution: return fill(w.company_contribution, what);
    case domain::EntryKind::kCompanySurcharge: return fill(w.company_surcharge, what);
  }
  return std::string(domain::to_string(l.kind));
}

namespace {

std::optional<std::string> date_text(const std::optional<domain::Date>& d) {
  return d ? std::optional<std::string>(d->format()) : std::nullopt;
}

std::optional<std::string> debt_text(const domain::DebtRef& r) {
  return r.kind == domain::DebtRef::Kind::kNone ? std::nullopt
                                                : std::optional<std::string>(r.format());
}

void write_line(JsonWriter& out, const p::StatementLine& l, const Notices& notices) {
  out.begin_object();
  out.field("date", l.date.format());
  out.field("kind", domain::to_string(l.kind));
  const std::string debt = l.debt.format();
  out.field("debt", debt_text(l.debt));
  out.field("description", describe(l));
  out.field("rule", domain::rule_of(l.kind));
  out.field("debit", l.debit.format());
  out.field("credit", l.credit.format());
  out.field("balance", l.balance.format());
  out.field("reference", l.reference);
  out.field("sequence", l.sequence);
  out.field("event_id", l.event_id.to_string());
  out.key("source").begin_object();
  out.field("topic", log::topic_suffix(l.position.topic));
  out.field("partition", l.position.partition);
  out.field("offset", std::int64_t{l.position.offset});
  out.end_object();
  // The notice's structured communication of the debt the line concerns.
  auto notice = notices.find(debt);
  out.field("communication",
            notice != notices.end() ? communication_text(notice->second) : std::nullopt);
  if (l.kind == domain::EntryKind::kAllocation) {
    out.key("allocation").begin_array();
    for (const auto& part : l.allocation) {
      out.begin_object();
      out.field("debt", debt_text(part.debt));
      out.field("component", component_name(part.component));
      out.field("amount", part.amount.format());
      out.end_object();
    }
    out.end_array();
    out.field("left_as_credit", l.left_as_credit.format());
  }
  if (l.kind == domain::EntryKind::kBenefitPaid) out.field("amount", l.amount.format());
  out.end_object();
}

void write_debt_line(JsonWriter& out, const domain::DebtLineView& l) {
  out.begin_object();
  out.field("debt", debt_text(l.debt));
  out.field("kind", l.debt.kind == domain::DebtRef::Kind::kQuarter ? "quarter" : "regularisation");
  out.field("quarter", l.key.format());
  out.field("year", std::int64_t{l.debt.year});
  out.field("category", domain::to_string(l.category));
  out.field("assessment", l.assessment == s::AssessmentKind::Final ? "final" : "provisional");
  out.field("due_date", l.due.format());
  out.field("communication", communication_text(l.communication));
  out.field("notice_sent", date_text(l.notice_sent));
  out.field("contribution", l.contribution.format());
  out.field("fees", l.fees.format());
  out.field("principal", l.principal.format());
  out.field("principal_paid", l.principal_paid.format());
  out.field("surcharges", l.surcharges.format());
  out.field("surcharges_paid", l.surcharges_paid.format());
  out.field("costs", l.costs.format());
  out.field("costs_paid", l.costs_paid.format());
  out.field("unpaid_principal", l.open_principal.format());
  out.field("unpaid_surcharges", l.open_surcharges.format());
  out.field("unpaid_costs", l.open_costs.format());
  out.field("outstanding", l.open_total.format());
  out.field("stage", domain::to_string(l.stage));
  out.field("stage_date", date_text(l.stage_date));
  out.field("cancelled", l.cancelled);
  out.field("dispensed", l.dispensed);
  out.field("dispense", domain::to_string(l.dispense));
  out.field("waiver", domain::to_string(l.waiver));
  out.end_object();
}

}  // namespace

void write_statement_fields(JsonWriter& out, const p::StatementPage& page, const Notices& notices,
                            const std::optional<domain::Date>& from,
                            const std::optional<domain::Date>& to) {
  out.field("from", date_text(from));
  out.field("to", date_text(to));
  out.field("opening_balance", page.opening_balance.format());
  out.field("total_debit", page.period_debit.format());
  out.field("total_credit", page.period_credit.format());
  out.field("closing_balance", page.closing_balance.format());
  out.field("balance", page.closing_balance.format());
  out.field("line_count", page.period_lines);
  out.key("lines").begin_array();
  for (const auto& l : page.lines) write_line(out, l, notices);
  out.end_array();
  if (page.next_cursor.empty()) {
    out.field_null("next_cursor");
  } else {
    out.field("next_cursor", page.next_cursor);
  }
}

void write_debt_fields(JsonWriter& out, const std::optional<domain::DebtView>& debt) {
  const domain::DebtView d = debt.value_or(domain::DebtView{});
  out.field("outstanding", d.outstanding.format());
  out.field("credit", d.credit.format());
  out.field("balance", d.balance.format());
  out.field("stage", domain::to_string(d.stage));
  out.key("payment_plan").begin_object();
  out.field("state", domain::to_string(d.plan));
  out.field("reference", d.plan_ref);
  out.field("date", date_text(d.plan_date));
  out.field("total", d.plan_total.format());
  out.end_object();
  out.field("contests_pending", d.contests_pending);
  out.field("contest_cancelled", d.contest_cancelled.format());
  out.field("personal_contact", d.personal_contact);
  out.field("contraintes_served", d.contraintes_served);
  out.field("last_formal_notice", date_text(d.last_formal_notice));
  out.key("lines").begin_array();
  for (const auto& l : d.lines) write_debt_line(out, l);
  out.end_array();
}

}  // namespace kassa::http
