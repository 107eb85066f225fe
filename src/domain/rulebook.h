#pragma once
// Rulebook: the legal parameters per year (DOMAIN.md §3 and §7) as data, one
// entry per year, every figure with its source, plus the fund's own
// configuration (FundConfig). Rules take a `const Rulebook&`; nothing in the
// domain reads figures from anywhere else.
//
// A year the rulebook does not know is an error ("UnknownYear",
// "UnknownCompanyYear"), never a silent default: the figures of a year are
// only applied once they are published and entered here.
//
// Thread-safety: immutable after construction; share a const instance.

#include <cstdint>
#include <vector>

#include "domain/fund_config.h"
#include "domain/money.h"
#include "domain/rate.h"
#include "domain/result.h"

namespace kassa::domain {

// The figures for self-employed persons' contributions of one year.
// Amounts are the published figures (base at index 142.75 × numerator / 142.75).
struct YearParameters {
  int year = 0;
  Sourced<std::int64_t> index_numerator_hundredths;  // 662.28 -> 66228
  Sourced<Money> threshold_1;
  Sourced<Money> threshold_2;
  Sourced<Money> main_minimum_income;
  Sourced<Money> main_minimum_quarterly;  // published; equals the computed one
  Sourced<Money> secondary_threshold;
  Sourced<Money> primo_starter_minimum_income;
  Sourced<Money> primo_starter_reduction;  // on the first quarter only
  Sourced<Money> helping_spouse_minimum_income;
  Sourced<Money> student_threshold;       // half the main minimum: nothing below
  Sourced<Money> pension_threshold;       // pension age, pension paid: nothing below
  Sourced<Rate> revaluation_coefficient;  // applied to the income of N-3
  Sourced<Rate> rate_1;                   // 20.50 % up to threshold 1
  Sourced<Rate> rate_2;                   // 14.16 % from threshold 1 to threshold 2
  Sourced<Rate> pensioner_rate_1;         // 14.70 % up to threshold 1 (pensioners)
};

// The yearly company contribution (cotisation annuelle des sociétés).
struct CompanyYearParameters {
  int year = 0;
  Sourced<Money> low;
  Sourced<Money> high;
  Sourced<Money> balance_sheet_threshold;  // above it: the high amount
};

class Rulebook {
 public:
  Rulebook(std::vector<YearParameters> years, std::vector<CompanyYearParameters> company_years,
           FundConfig fund);

  // The law as in DOMAIN.md: persons 2022–2026, companies 2023–2025, with
  // FundConfig::kassa_default().
  static Rulebook belgian_default();

  Result<YearParameters> year(int year) const;                 // "UnknownYear"
  Result<CompanyYearParameters> company_year(int year) const;  // "UnknownCompanyYear"
  Result<Rate> fee_rate(int year) const { return fund_.fee_rate(year); }
  const FundConfig& fund() const { return fund_; }
  const std::vector<YearParameters>& years() const { return years_; }

 private:
  std::vector<YearParameters> years_;
  std::vector<CompanyYearParameters> company_years_;
  FundConfig fund_;
};

}  // namespace kassa::domain
