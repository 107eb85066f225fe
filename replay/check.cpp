#include "replay/check.h"

#include <nlohmann/json.hpp>
#include <set>

#include "domain/company_views.h"
#include "domain/person_decide.h"
#include "domain/person_views.h"
#include "domain/snapshot.h"
#include "projections/career.h"
#include "projections/company_account.h"
#include "projections/debt.h"
#include "projections/event_index.h"
#include "projections/parties.h"
#include "projections/state.h"
#include "projections/statement.h"
#include "projections/statistics.h"
#include "projections/tax_certificate.h"

namespace kassa::replay {

namespace pj = kassa::projections;
namespace s = kassa::schemas;
namespace d = kassa::domain;

namespace {

std::string m(d::Money x) { return x.format(); }
std::string m(std::int64_t cents) { return d::Money::from_cents(cents).format(); }

// The outstanding and credit a debt record of format 1 (stores written
// before the one-fold read side) served: its quarters' unpaid principal,
// surcharges and costs (none when dispensed), less contest cancellations.
struct LegacyDebt {
  std::int64_t outstanding = 0;
  std::int64_t credit = 0;
};
std::optional<LegacyDebt> legacy_debt(std::string_view bytes) {
  pj::Reader r(bytes);
  if (r.u8() != 1) return std::nullopt;
  std::int64_t total = 0;
  const std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    r.u16();
    const std::int64_t contribution = r.i64(), fees = r.i64(), regularisation = r.i64();
    const std::int64_t principal_paid = r.i64(), surcharges = r.i64(), surcharges_paid = r.i64();
    const std::int64_t costs = r.i64(), costs_paid = r.i64();
    r.i32();
    r.u8();
    r.i32();
    const bool dispensed = r.u8() == 2;
    if (dispensed) continue;
    std::int64_t principal = 0, left = 0;
    const auto owed = [](std::int64_t charged, std::int64_t paid, std::int64_t& out) {
      if (__builtin_sub_overflow(charged, paid, &out)) return false;
      out = std::max<std::int64_t>(0, out);
      return true;
    };
    // An old record whose sums leave int64 cents is not read: it is reported unreadable.
    if (__builtin_add_overflow(contribution, fees, &principal) ||
        __builtin_add_overflow(principal, regularisation, &principal) ||
        !owed(principal, principal_paid, left) || __builtin_add_overflow(total, left, &total) ||
        !owed(surcharges, surcharges_paid, left) || __builtin_add_overflow(total, left, &total) ||
        !owed(costs, costs_paid, left) || __builtin_add_overflow(total, left, &total)) {
      return std::nullopt;
    }
  }
  LegacyDebt out;
  out.credit = r.i64();
  const std::int64_t contest_cancelled = r.i64();
  if (r.failed()) return std::nullopt;
  if (__builtin_sub_overflow(total, contest_cancelled, &out.outstanding)) return std::nullopt;
  out.outstanding = std::max<std::int64_t>(0, out.outstanding);
  return out;
}

class Checker {
 public:
  Checker(const pj::Store& store, const d::Rulebook& rulebook, const d::FundConfig& fund,
          const CheckOptions& options)
      : store_(store), rulebook_(rulebook), fund_(fund), options_(options) {}

  Result<CheckReport> run() {
    KASSA_ASSIGN_OR_RETURN(auto format, store_.format());
    if (format < pj::kStoreFormat) {
      violation("", "StoreFormat",
                "the read models were written by an older build (format " + std::to_string(format) +
                    ", this build's is " + std::to_string(pj::kStoreFormat) +
                    "): rebuild them with `kassa projections rebuild`");
    }
    Status failed;
    std::vector<std::pair<s::AggregateKind, std::string>> aggregates;
    KASSA_TRY(store_.scan(pj::Cf::kParties, "", [&](std::string_view k, std::string_view) {
      if (k.empty()) return true;
      if (k[0] == 'P') aggregates.emplace_back(s::AggregateKind::Person, std::string(k.substr(1)));
      if (k[0] == 'C') aggregates.emplace_back(s::AggregateKind::Company, std::string(k.substr(1)));
      return true;
    }));
    for (const auto& [kind, key] : aggregates) {
      Status checked = kind == s::AggregateKind::Person ? person(key) : company(key);
      if (!checked.ok()) return checked.error();
    }
    KASSA_TRY(totals());
    return report_;
  }

 private:
  void violation(const std::string& aggregate, const std::string& rule, std::string detail) {
    ++report_.violations;
    ++report_.by_rule[rule];
    if (report_.listed.size() < options_.max_listed) {
      report_.listed.push_back({aggregate, rule, std::move(detail)});
    }
  }

  // The aggregate's events from the index, folded again; false when they
  // cannot be (reported).
  template <typename State>
  Result<bool> fold(s::AggregateKind kind, const std::string& key, const std::string& who,
                    State& state, d::Entries& entries) {
    std::uint64_t count = 0;
    Status folded = pj::for_each_indexed_event(store_, kind, key, [&](const pj::IndexedEvent& e) {
      ++count;
      ++report_.events_by_type[std::string(e.event.type_name())];
      Status evolved = d::evolve(state, e.event.envelope(), &entries);
      if (!evolved.ok()) {
        return Status(
            Error::corrupt(evolved.error().rule, "event " + std::to_string(e.event.sequence()) +
                                                     " (" + std::string(e.event.type_name()) +
                                                     "): " + evolved.error().message));
      }
      return Status{};
    });
    report_.events += count;
    if (!folded.ok()) {
      violation(who, "EventRefused", folded.error().message);
      return false;
    }
    KASSA_ASSIGN_OR_RETURN(auto party, pj::read_party(store_, kind, key));
    if (party.has_value() && (party)->event_count != count) {
      violation(who, "IndexIncomplete",
                "the summary counts " + std::to_string((party)->event_count) +
                    " events, the index holds " + std::to_string(count));
    }
    return true;
  }

  Result<std::optional<std::string>> get(pj::Cf cf, const std::string& key) {
    return store_.get(cf, key);
  }

  // The statement: its lines add up to its header; returns the header's balance.
  Result<std::optional<std::int64_t>> statement(s::AggregateKind kind, const std::string& key,
                                                const std::string& who) {
    auto header = pj::read_statement_header(store_, kind, key);
    if (!header.ok()) {
      violation(who, "StatementUnreadable", header.error().message);
      return std::optional<std::int64_t>();
    }
    const pj::StatementHeader h = header->value_or(pj::StatementHeader{});
    auto page = pj::read_statement(store_, kind, key, pj::StatementQuery{});
    if (!page.ok()) {
      violation(who, "StatementUnreadable", page.error().message);
    } else if (page->closing_balance.cents() != h.balance_cents ||
               page->period_lines != h.line_count ||
               page->period_debit.cents() != h.total_debit_cents ||
               page->period_credit.cents() != h.total_credit_cents) {
      violation(who, "StatementLines",
                "lines add up to " + m(page->closing_balance) + " in " +
                    std::to_string(page->period_lines) + " lines, the header says " +
                    m(h.balance_cents) + " in " + std::to_string(h.line_count));
    }
    return std::optional<std::int64_t>(h.balance_cents);
  }

  template <typename State>
  void state_equal(const std::string& who, const std::string& key, s::AggregateKind kind,
                   const State& folded) {
    auto stored = get(pj::Cf::kState, pj::state_key(kind, key));
    if (!stored.ok() || !stored->has_value()) {
      violation(who, "StateMissing", "no state snapshot");
      return;
    }
    auto decoded = pj::StateCodec<State>::decode(**stored);
    if (!decoded.ok()) {
      violation(who, "StateUnreadable", decoded.error().message);
      return;
    }
    if (d::serialize(*decoded) != d::serialize(folded)) {
      violation(who, "StateDiffers", "the stored state is not the fold of the aggregate's events");
    }
  }

  // `sum` + each of `add` - each of `subtract`. Every sum the check makes
  // is checked like the domain's own: one beyond int64 cents is reported
  // (MoneyOverflow, naming `what`) and gives nullopt, never a wrapped figure
  // that might happen to agree.
  std::optional<d::Money> add_up(const std::string& who, std::string_view what, d::Money sum,
                                 std::initializer_list<d::Money> add,
                                 std::initializer_list<d::Money> subtract = {}) {
    for (int sign : {1, -1}) {
      for (d::Money a : sign > 0 ? add : subtract) {
        auto next = sign > 0 ? sum.plus(a) : sum.minus(a);
        if (!next.ok()) {
          violation(who, "MoneyOverflow",
                    std::string(what) + " sum beyond the range of int64 cents");
          return std::nullopt;
        }
        sum = *next;
      }
    }
    return sum;
  }

  // debits - credits of the entries; nullopt (reported) on overflow.
  std::optional<d::Money> entries_sum(const std::string& who, const d::Entries& entries) {
    std::optional<d::Money> sum = d::Money::zero();
    for (const auto& e : entries) {
      const auto net = add_up(who, "an account entry", e.debit, {}, {e.credit});
      if (!net) return std::nullopt;
      sum = add_up(who, "the account entries", *sum, {*net});
      if (!sum) return std::nullopt;
    }
    return sum;
  }

  void entries_agree(const std::string& who, const d::Entries& entries, d::Money balance) {
    const auto sum = entries_sum(who, entries);
    if (sum && *sum != balance) {
      violation(
          who, "EntriesDisagree",
          "the account entries add up to " + m(*sum) + ", the state's balance is " + m(balance));
    }
  }

  Status person(const std::string& key) {
    ++report_.persons;
    const std::string& who = key;
    d::PersonState folded;
    d::Entries entries;
    KASSA_ASSIGN_OR_RETURN(auto ok, fold(s::AggregateKind::Person, key, who, folded, entries));
    const std::int64_t balance = folded.balance().cents();
    if (ok) {
      KASSA_TRY(figures_.add(d::quarter_figures(folded)));
      state_equal(who, key, s::AggregateKind::Person, folded);
      entries_agree(who, entries, folded.balance());
      for (const d::DebtLine* line : folded.lines()) {
        if (!line->dispensed && (line->principal_paid > line->principal() ||
                                 line->surcharges_paid > line->charged_surcharges() ||
                                 line->costs_paid > line->costs)) {
          violation(who, "LineOverpaid", "a line holds more paid than it charges");
        }
      }
    }
    KASSA_ASSIGN_OR_RETURN(auto statement_balance, statement(s::AggregateKind::Person, key, who));

    // The debt view, and the headline invariant between the two views.
    const std::string debt_key = std::string("aP") + key;
    KASSA_ASSIGN_OR_RETURN(auto stored_debt, get(pj::Cf::kDebt, debt_key));
    std::optional<std::int64_t> outstanding, credit;
    if (stored_debt.has_value()) {
      auto view = pj::decode_debt_view(*stored_debt);
      if (view.ok()) {
        outstanding = view->outstanding.cents();
        credit = view->credit.cents();
        if (ok && *stored_debt != pj::encode_debt_view(d::debt_view(folded))) {
          violation(who, "DebtDiffers", "the stored debt view is not the domain state's");
        }
      } else if (auto legacy = legacy_debt(*stored_debt)) {
        outstanding = legacy->outstanding;
        credit = legacy->credit;
        violation(who, "DebtDiffers", "a debt view of format 1, kept beside the state");
      } else {
        violation(who, "DebtUnreadable", view.error().message);
      }
    } else if (ok && !d::debt_view(folded).lines.empty()) {
      violation(who, "DebtDiffers", "no debt view for a person with debts");
    }
    if (statement_balance && outstanding) {
      const auto debt_balance =
          add_up(who, "the debt view's outstanding less its credit",
                 d::Money::from_cents(*outstanding), {}, {d::Money::from_cents(*credit)});
      if (debt_balance && *statement_balance != debt_balance->cents()) {
        violation(who, "StatementBalance",
                  "statement balance " + m(*statement_balance) + " but debt outstanding " +
                      m(*outstanding) + " - credit " + m(*credit) + " = " + m(*debt_balance));
      }
    }
    if (ok && statement_balance && *statement_balance != balance) {
      violation(
          who, "StatementVsState",
          "statement balance " + m(*statement_balance) + ", the domain state's " + m(balance));
    }
    if (!ok) return {};

    KASSA_TRY(work_list(key, who, folded));
    KASSA_ASSIGN_OR_RETURN(auto career, get(pj::Cf::kCareer, std::string("P") + key));
    const auto expected_career = d::career_view(folded, rulebook_);
    if (career.has_value() ? *career != pj::encode_career(expected_career)
                           : !expected_career.empty()) {
      violation(who, "CareerDiffers", "the stored career is not domain::career_view of the state");
    }
    KASSA_ASSIGN_OR_RETURN(auto tax, get(pj::Cf::kTax, std::string("P") + key));
    if (tax.has_value() ? *tax != pj::encode_tax(folded.paid_by_year)
                        : !folded.paid_by_year.empty()) {
      violation(who, "TaxDiffers", "the stored tax certificate is not the state's");
    }
    std::optional<d::Money> by_year = d::Money::zero(), on_lines = d::Money::zero();
    for (const auto& [year, y] : folded.paid_by_year) {
      by_year = add_up(who, "the payments by year", *by_year,
                       {y.contributions, y.fees, y.regularisation, y.surcharges, y.costs});
      if (!by_year) return {};
    }
    for (const d::DebtLine* line : folded.lines()) {
      on_lines = add_up(who, "the lines' payments", *on_lines,
                        {line->principal_paid, line->surcharges_paid, line->costs_paid});
      if (!on_lines) return {};
    }
    if (*by_year != *on_lines) {
      violation(who, "TaxDiffers",
                "payments by value date add up to " + m(*by_year) + ", the lines hold " +
                    m(*on_lines) + " paid");
    }
    return {};
  }

  Status work_list(const std::string& key, const std::string& who, const d::PersonState& folded) {
    KASSA_ASSIGN_OR_RETURN(auto listed, pj::listed_work_key(store_, key));
    const auto entry = d::work_list_entry(folded);
    if (entry) {
      // The stage's total is the store's figure, not this person's: its
      // overflow is reported once, in totals(), and this person's own
      // checks go on.
      const int stage = static_cast<int>(entry->stage);
      pj::WorkCount& count = counts_[stage];
      ++count.persons;
      auto sum = d::Money::from_cents(count.outstanding_cents).plus(entry->outstanding);
      if (sum.ok()) {
        count.outstanding_cents = sum->cents();
      } else {
        counts_overflowed_.insert(stage);
      }
    }
    if (listed.has_value() != entry.has_value()) {
      violation(who, "WorkListDiffers",
                entry ? "owes " + m(entry->outstanding) + " at stage " +
                            std::string(d::to_string(entry->stage)) + " but is not on the work list"
                      : "is on the work list but the domain lists nothing open");
      return {};
    }
    if (!entry) return {};
    KASSA_ASSIGN_OR_RETURN(auto stored, get(pj::Cf::kDebt, *listed));
    if (!stored.has_value() || *stored != pj::encode_work_entry(*entry)) {
      violation(who, "WorkListDiffers", "the work-list entry is not the domain's");
      return {};
    }
    // Eligibility as the work list judges it = what decide() answers.
    const Status listed_eligible =
        d::may_serve_contrainte(entry->outlook, fund_.reminders, options_.on);
    const d::DecisionContext ctx{rulebook_, fund_, options_.on};
    auto decided =
        d::decide(folded, d::PersonCommand{d::ServeContrainte{options_.on, "check"}}, ctx);
    if (listed_eligible.ok() != decided.ok()) {
      violation(who, "ContrainteEligibility",
                std::string("the work list says ") +
                    (listed_eligible.ok() ? "eligible" : listed_eligible.error().rule) +
                    ", decide says " + (decided.ok() ? "eligible" : decided.error().rule));
    }
    return {};
  }

  Status company(const std::string& key) {
    ++report_.companies;
    const std::string who = "C" + key;
    d::CompanyState folded;
    d::Entries entries;
    KASSA_ASSIGN_OR_RETURN(auto ok, fold(s::AggregateKind::Company, key, who, folded, entries));
    KASSA_ASSIGN_OR_RETURN(auto statement_balance, statement(s::AggregateKind::Company, key, who));
    if (!ok) return {};
    KASSA_TRY(figures_.add(d::quarter_figures(folded)));
    state_equal(who, key, s::AggregateKind::Company, folded);
    const std::int64_t balance = folded.balance().cents();
    entries_agree(who, entries, folded.balance());
    KASSA_ASSIGN_OR_RETURN(auto stored, get(pj::Cf::kCompany, "c" + key));
    if (!stored.has_value() || *stored != pj::encode_company_view(d::company_view(folded))) {
      violation(who, "CompanyDiffers", "the company account is not the company state's");
    }
    if (statement_balance && *statement_balance != balance) {
      violation(who, "StatementBalance",
                "statement balance " + m(*statement_balance) + " but the account's outstanding " +
                    m(folded.total_open()) + " - credit " + m(folded.credit) + " = " + m(balance));
    }
    return {};
  }

  Status totals() {
    // Statistics: every quarter the sums of every aggregate's figures.
    KASSA_ASSIGN_OR_RETURN(auto quarters, pj::stats_quarters(store_));
    std::set<std::uint16_t> seen;
    for (std::uint16_t q : quarters) {
      seen.insert(q);
      auto stored = pj::read_stats(store_, q);
      if (!stored.ok()) {
        violation("", "StatisticsDiffer",
                  "quarter " + std::to_string(q) + ": " + stored.error().message);
        continue;
      }
      const auto expected = figures_.total(q);
      if (!stored->has_value() || !(**stored == expected)) {
        violation("", "StatisticsDiffer",
                  "quarter " + std::to_string(q) +
                      ": the statistics are not the sum of the aggregates' figures");
      }
    }
    for (const auto& [q, f] : figures_.by_quarter) {
      if (seen.count(q) == 0 && !(f == d::QuarterFigures{})) {
        violation("", "StatisticsDiffer", "quarter " + std::to_string(q) + " has no statistics");
      }
    }
    // The work list's counts per stage.
    for (int st = 1; st <= static_cast<int>(d::CollectionStage::kContrainteServed); ++st) {
      KASSA_ASSIGN_OR_RETURN(auto got,
                             store_.get(pj::Cf::kDebt, std::string{'n', static_cast<char>(st)}));
      const std::string stage_name(d::to_string(static_cast<d::CollectionStage>(st)));
      pj::WorkCount stored;
      if (got.has_value()) {
        auto c = pj::DebtBook::CountCodec::decode(*got);
        if (!c.ok()) {
          violation("", "WorkListCountUnreadable", stage_name + ": " + c.error().message);
          continue;
        }
        stored = *c;
      }
      if (counts_overflowed_.count(st) > 0) {
        violation("", "MoneyOverflow",
                  stage_name +
                      ": the work list's outstanding at this stage sums beyond the range of "
                      "int64 cents");
        continue;
      }
      const pj::WorkCount expected = counts_[st];
      if (stored.persons != expected.persons ||
          stored.outstanding_cents != expected.outstanding_cents) {
        violation("", "WorkListCountsDiffer",
                  stage_name + ": " + std::to_string(stored.persons) + " persons " +
                      m(stored.outstanding_cents) + " stored, " + std::to_string(expected.persons) +
                      " persons " + m(expected.outstanding_cents) + " in the states");
      }
    }
    return {};
  }

  struct FigureSums {
    std::map<std::uint16_t, d::QuarterFigures> by_quarter;
    Status add(const d::Figures& f) {
      for (const auto& [q, x] : f) KASSA_TRY(by_quarter[q].add(x));
      return {};
    }
    d::QuarterFigures total(std::uint16_t q) const {
      auto it = by_quarter.find(q);
      return it == by_quarter.end() ? d::QuarterFigures{} : it->second;
    }
  };

  const pj::Store& store_;
  const d::Rulebook& rulebook_;
  const d::FundConfig& fund_;
  const CheckOptions& options_;
  CheckReport report_;
  FigureSums figures_;
  std::map<int, pj::WorkCount> counts_;
  std::set<int> counts_overflowed_;  // stages whose outstanding left int64 cents
};

}  // namespace

Result<CheckReport> check_store(const pj::Store& store, const d::Rulebook& rulebook,
                                const d::FundConfig& fund, const CheckOptions& options) {
  return Checker(store, rulebook, fund, options).run();
}

nlohmann::json to_json(const CheckReport& r) {
  nlohmann::json violations = nlohmann::json::array();
  for (const Violation& v : r.listed) {
    violations.push_back({{"aggregate", v.aggregate}, {"rule", v.rule}, {"detail", v.detail}});
  }
  return {{"persons", r.persons},
          {"companies", r.companies},
          {"events", r.events},
          {"violations", r.violations},
          {"by_rule", r.by_rule},
          {"listed", violations},
          {"events_by_type", r.events_by_type},
          {"ok", r.ok()}};
}

void print_report(const CheckReport& r, std::ostream& out) {
  out << "checked " << r.persons << " persons and " << r.companies << " companies, " << r.events
      << " events\n";
  if (r.ok()) {
    out << "0 violations: every read model is a view of the domain's fold\n";
    return;
  }
  out << r.violations << " violations\n";
  for (const auto& [rule, n] : r.by_rule) out << "  " << rule << ": " << n << "\n";
  for (const Violation& v : r.listed) {
    out << "  " << (v.aggregate.empty() ? std::string("(store)") : v.aggregate) << "  " << v.rule
        << "  " << v.detail << "\n";
  }
  if (r.listed.size() < r.violations) {
    out << "  … " << (r.violations - r.listed.size()) << " more\n";
  }
}

}  // namespace kassa::replay
