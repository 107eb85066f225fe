#include "app/cli_rules.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "domain/company_number.h"
#include "domain/contribution.h"
#include "domain/iban.h"
#include "domain/niss.h"
#include "domain/structured_communication.h"

namespace kassa::app {

namespace {

namespace dom = kassa::domain;

// "<field>: <message> (<rule>)", without repeating the field when the
// message already starts with it.
std::string describe(const Error& error) {
  std::string message = error.message;
  const std::string prefix = error.field + ": ";
  if (!error.field.empty() && message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
  std::string out = error.field.empty() ? message : error.field + ": " + message;
  return out + " (" + error.rule + ")";
}

[[noreturn]] void fail(const Error& error, int exit_code) {
  std::cerr << "error: " << describe(error) << "\n";
  throw CLI::RuntimeError(exit_code);
}

template <typename T>
T value_or_fail(Result<T> result) {
  if (!result.ok()) fail(result.error(), 1);
  return std::move(result).value();
}

struct ContributionOptions {
  int year = 0;
  std::string category;
  std::optional<std::string> income;
  std::optional<std::string> reference_income;
  bool starter = false;
  int quarters = 4;
  bool primo_starter = false;
  bool first_quarter = false;
  std::optional<std::string> fee_rate;
};

std::string_view to_string(dom::IncomeBasis basis) {
  switch (basis) {
    case dom::IncomeBasis::kIncome: return "income";
    case dom::IncomeBasis::kReferenceIncome: return "reference_income";
    case dom::IncomeBasis::kCategoryMinimum: return "category_minimum";
  }
  return "income";
}

void run_contribution(const ContributionOptions& o) {
  dom::ContributionRequest request;
  request.year = o.year;
  request.category = value_or_fail(dom::parse_category(o.category, "category"));
  if (o.income) {
    request.basis = dom::IncomeBasis::kIncome;
    request.income = value_or_fail(dom::Money::parse(*o.income, "income"));
  } else if (o.reference_income) {
    request.basis = dom::IncomeBasis::kReferenceIncome;
    request.income = value_or_fail(dom::Money::parse(*o.reference_income, "reference_income"));
  } else if (o.starter) {
    request.basis = dom::IncomeBasis::kCategoryMinimum;
  } else {
    fail(Error::invalid("income", "IncomeRequired",
                        "one of --income, --reference-income or --starter is required"),
         2);
  }
  request.quarters = o.quarters;
  request.primo_starter = o.primo_starter;
  request.first_quarter = o.first_quarter;
  if (o.fee_rate)
    request.fee_rate = value_or_fail(dom::Rate::parse_percent(*o.fee_rate, "fee_rate"));

  const dom::Rulebook rulebook = dom::Rulebook::belgian_default();
  const auto a = value_or_fail(dom::provisional_contribution(rulebook, request));
  const nlohmann::ordered_json out = {
      {"year", a.year},
      {"category", std::string(dom::to_string(a.category))},
      {"basis", std::string(to_string(request.basis))},
      {"quarters", a.quarters},
      {"income_considered", a.income_considered.format()},
      {"base", a.base.format()},
      {"annual_full", a.annual_full.format()},
      {"annual", a.annual.format()},
      {"quarterly_regular", a.quarterly_regular.format()},
      {"reduction", a.reduction.format()},
      {"quarterly", a.quarterly.format()},
      {"fee_rate", a.fee_rate.format_percent()},
      {"fee", a.fee.format()},
      {"quarterly_with_fee", a.quarterly_with_fee.format()},
  };
  std::cout << out.dump(2) << "\n";
}

// Prints "valid" or "invalid: <reason>"; exit 0 or 1.
template <typename T>
void report_validity(const Result<T>& parsed) {
  if (parsed.ok()) {
    std::cout << "valid\n";
    return;
  }
  std::cout << "invalid: " << describe(parsed.error()) << "\n";
  throw CLI::RuntimeError(1);
}

}  // namespace

void add_rules_commands(CLI::App& app) {
  CLI::App* rules = app.add_subcommand("rules", "The Belgian rules: contributions, identifiers");
  rules->require_subcommand(1);

  auto contribution = std::make_shared<ContributionOptions>();
  CLI::App* cmd = rules->add_subcommand(
      "contribution", "Provisional quarterly contribution of a self-employed person (JSON)");
  cmd->add_option("--year", contribution->year, "Contribution year (2022-2026)")->required();
  cmd->add_option("--category", contribution->category,
                  "main, secondary, helping-spouse, student or pensioner")
      ->required();
  auto* income = cmd->add_option("--income", contribution->income,
                                 "Income of the year or chosen base, e.g. 40000.00");
  auto* reference = cmd->add_option("--reference-income", contribution->reference_income,
                                    "Income of year N-3 (× the revaluation coefficient)");
  auto* starter = cmd->add_flag("--starter", contribution->starter,
                                "Starter without a reference year: the category minimum");
  income->excludes(reference)->excludes(starter);
  reference->excludes(starter);
  cmd->add_option("--quarters", contribution->quarters, "Quarters of affiliation in the year")
      ->default_val(4);
  cmd->add_flag("--primo-starter", contribution->primo_starter, "Primo-starter (main only)");
  cmd->add_flag("--first-quarter", contribution->first_quarter,
                "The primo-starter's first quarter (reduction)");
  cmd->add_option("--fee-rate", contribution->fee_rate,
                  "Management fee percentage (default: the fund's, 3.95)");
  cmd->callback([contribution] { run_contribution(*contribution); });

  auto kind = std::make_shared<std::string>();
  auto value = std::make_shared<std::string>();
  CLI::App* validate = rules->add_subcommand("validate", "Check an identifier");
  validate->add_option("kind", *kind, "niss, company, structured or iban")
      ->required()
      ->check(CLI::IsMember({"niss", "company", "structured", "iban"}));
  validate->add_option("value", *value, "The identifier")->required();
  validate->callback([kind, value] {
    if (*kind == "niss") return report_validity(dom::Niss::parse(*value));
    if (*kind == "company") return report_validity(dom::CompanyNumber::parse(*value));
    if (*kind == "structured") return report_validity(dom::StructuredCommunication::parse(*value));
    return report_validity(dom::Iban::parse(*value));
  });
}

}  // namespace kassa::app
