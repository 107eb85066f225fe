#include "domain/rulebook.h"

#include <algorithm>
#include <string>

namespace kassa::domain {

namespace {

constexpr Money eur(std::int64_t cents) { return Money::from_cents(cents); }

constexpr std::string_view kRates = "AR 38 art. 12 §1 (rates 20.50 % / 14.16 %)";
constexpr std::string_view kPensionerRate = "AR 38 art. 11-15 (pension age, 14.70 %)";

// One year's published figures. Sources name the legal basis, the base
// amount at index 142.75 and the publication; the coefficient of 2023 is
// marked approximate as in DOMAIN.md.
YearParameters year_2022() {
  return {
      2022,
      {57076, "AR 38 art. 12; index 570.76/142.75 (INASTI 2022)"},
      {eur(6329786), "AR 38 art. 12 §1; 15,831.12 × 570.76/142.75 (INASTI 2022)"},
      {eur(9328101), "AR 38 art. 12 §1; 23,330.06 × 570.76/142.75 (INASTI 2022)"},
      {eur(1465844), "AR 38 art. 12 §2; 3,666.15 × 570.76/142.75 (INASTI 2022)"},
      {eur(75125), "INASTI 2022, minimum quarterly contribution, main occupation"},
      {eur(162172), "AR 38 art. 11-15; 405.60 × 570.76/142.75 (INASTI 2022)"},
      {eur(756970), "AR 38 art. 11-15; primo-starter 1,893.22 × 570.76/142.75 (INASTI 2022)"},
      {eur(10000), "AR 38 art. 11-15; primo-starter reduction 25.01 × 570.76/142.75 (INASTI 2022)"},
      {eur(643945), "AR 38 art. 11-15; helping spouse 1,610.54 × 570.76/142.75 (INASTI 2022)"},
      {eur(732922), "AR 38 art. 11-15; student, half the main minimum (INASTI 2022)"},
      {eur(324344), "AR 38 art. 11-15; pension age 811.20 × 570.76/142.75 (INASTI 2022)"},
      {Rate::from_billionths(1'064'731'560), "AR 38 art. 11; revaluation coefficient 2022"},
      {Rate::from_hundredths_of_percent(2050), kRates},
      {Rate::from_hundredths_of_percent(1416), kRates},
      {Rate::from_hundredths_of_percent(1470), kPensionerRate}};
}

YearParameters year_2023() {
  return {
      2023,
      {63893, "AR 38 art. 12; index 638.93/142.75 (INASTI 2023)"},
      {eur(7085799), "AR 38 art. 12 §1; 15,831.12 × 638.93/142.75 (INASTI 2023)"},
      {eur(10442224), "AR 38 art. 12 §1; 23,330.06 × 638.93/142.75 (INASTI 2023)"},
      {eur(1640920), "AR 38 art. 12 §2; 3,666.15 × 638.93/142.75 (INASTI 2023)"},
      {eur(84097), "INASTI 2023, minimum quarterly contribution, main occupation"},
      {eur(181541), "AR 38 art. 11-15; 405.60 × 638.93/142.75 (INASTI 2023)"},
      {eur(847380), "AR 38 art. 11-15; primo-starter 1,893.22 × 638.93/142.75 (INASTI 2023)"},
      {eur(11194), "AR 38 art. 11-15; primo-starter reduction 25.01 × 638.93/142.75 (INASTI 2023)"},
      {eur(720856), "AR 38 art. 11-15; helping spouse 1,610.54 × 638.93/142.75 (INASTI 2023)"},
      {eur(820460), "AR 38 art. 11-15; student, half the main minimum (INASTI 2023)"},
      {eur(363081), "AR 38 art. 11-15; pension age 811.20 × 638.93/142.75 (INASTI 2023)"},
      {Rate::from_billionths(1'183'100'000),
       "AR 38 art. 11; revaluation coefficient 2023 (approximate, DOMAIN.md)"},
      {Rate::from_hundredths_of_percent(2050), kRates},
      {Rate::from_hundredths_of_percent(1416), kRates},
      {Rate::from_hundredths_of_percent(1470), kPensionerRate}};
}

YearParameters year_2024() {
  return {
      2024,
      {65654, "AR 38 art. 12; index 656.54/142.75 (INASTI 2024)"},
      {eur(7281095), "AR 38 art. 12 §1; 15,831.12 × 656.54/142.75 (INASTI 2024)"},
      {eur(10730030), "AR 38 art. 12 §1; 23,330.06 × 656.54/142.75 (INASTI 2024)"},
      {eur(1686146), "AR 38 art. 12 §2; 3,666.15 × 656.54/142.75 (INASTI 2024)"},
      {eur(86415), "INASTI 2024, minimum quarterly contribution, main occupation"},
      {eur(186545), "AR 38 art. 11-15; 405.60 × 656.54/142.75 (INASTI 2024)"},
      {eur(870735), "AR 38 art. 11-15; primo-starter 1,893.22 × 656.54/142.75 (INASTI 2024)"},
      {eur(11503), "AR 38 art. 11-15; primo-starter reduction 25.01 × 656.54/142.75 (INASTI 2024)"},
      {eur(740724), "AR 38 art. 11-15; helping spouse 1,610.54 × 656.54/142.75 (INASTI 2024)"},
      {eur(843073), "AR 38 art. 11-15; student, half the main minimum (INASTI 2024)"},
      {eur(373089), "AR 38 art. 11-15; pension age 811.20 × 656.54/142.75 (INASTI 2024)"},
      {Rate::from_billionths(1'186'782'600), "AR 38 art. 11; revaluation coefficient 2024"},
      {Rate::from_hundredths_of_percent(2050), kRates},
      {Rate::from_hundredths_of_percent(1416), kRates},
      {Rate::from_hundredths_of_percent(1470), kPensionerRate}};
}

YearParameters year_2025() {
  return {
      2025,
      {66228, "AR 38 art. 12; index 662.28/142.75 (INASTI 2025)"},
      {eur(7344752), "AR 38 art. 12 §1; 15,831.12 × 662.28/142.75 (INASTI 2025)"},
      {eur(10823840), "AR 38 art. 12 §1; 23,330.06 × 662.28/142.75 (INASTI 2025)"},
      {eur(1700888), "AR 38 art. 12 §2; 3,666.15 × 662.28/142.75 (INASTI 2025)"},
      {eur(87171), "INASTI 2025, minimum quarterly contribution, main occupation"},
      {eur(188176), "AR 38 art. 11-15; 405.60 × 662.28/142.75 (INASTI 2025)"},
      {eur(878348), "AR 38 art. 11-15; primo-starter 1,893.22 × 662.28/142.75 (INASTI 2025)"},
      {eur(11603), "AR 38 art. 11-15; primo-starter reduction 25.01 × 662.28/142.75 (INASTI 2025)"},
      {eur(747200), "AR 38 art. 11-15; helping spouse 1,610.54 × 662.28/142.75 (INASTI 2025)"},
      {eur(850444), "AR 38 art. 11-15; student, half the main minimum (INASTI 2025)"},
      {eur(376351), "AR 38 art. 11-15; pension age 811.20 × 662.28/142.75 (INASTI 2025)"},
      {Rate::from_billionths(1'092'330'529), "AR 38 art. 11; revaluation coefficient 2025"},
      {Rate::from_hundredths_of_percent(2050), kRates},
      {Rate::from_hundredths_of_percent(1416), kRates},
      {Rate::from_hundredths_of_percent(1470), kPensionerRate}};
}

YearParameters year_2026() {
  return {
      2026,
      {67650, "AR 38 art. 12; index 676.50/142.75 (INASTI 2026)"},
      {eur(7502454), "AR 38 art. 12 §1; 15,831.12 × 676.50/142.75 (INASTI 2026)"},
      {eur(11056242), "AR 38 art. 12 §1; 23,330.06 × 676.50/142.75 (INASTI 2026)"},
      {eur(1737408), "AR 38 art. 12 §2; 3,666.15 × 676.50/142.75 (INASTI 2026)"},
      {eur(89042), "INASTI 2026, minimum quarterly contribution, main occupation"},
      {eur(192216), "AR 38 art. 11-15; 405.60 × 676.50/142.75 (INASTI 2026)"},
      {eur(897207), "AR 38 art. 11-15; primo-starter 1,893.22 × 676.50/142.75 (INASTI 2026)"},
      {eur(11852), "AR 38 art. 11-15; primo-starter reduction 25.01 × 676.50/142.75 (INASTI 2026)"},
      {eur(763244), "AR 38 art. 11-15; helping spouse 1,610.54 × 676.50/142.75 (INASTI 2026)"},
      {eur(868704), "AR 38 art. 11-15; student, half the main minimum (INASTI 2026)"},
      {eur(384432), "AR 38 art. 11-15; pension age 811.20 × 676.50/142.75 (INASTI 2026)"},
      {Rate::from_billionths(1'072'362'690), "AR 38 art. 11; revaluation coefficient 2026"},
      {Rate::from_hundredths_of_percent(2050), kRates},
      {Rate::from_hundredths_of_percent(1416), kRates},
      {Rate::from_hundredths_of_percent(1470), kPensionerRate}};
}

constexpr std::string_view kCompany = "Law of 30 March 1994 art. 88-92 (company contribution)";

std::vector<CompanyYearParameters> company_years() {
  return {
      {2023, {eur(38444), kCompany}, {eur(96026), kCompany}, {eur(82575009), kCompany}},
      {2024, {eur(38734), kCompany}, {eur(96752), kCompany}, {eur(83199083), kCompany}},
      {2025, {eur(39973), kCompany}, {eur(99847), kCompany}, {eur(85860572), kCompany}},
  };
}

}  // namespace

FundConfig FundConfig::kassa_default() {
  constexpr std::string_view kFee = "Kassa fund decision: management fees 3.95 %";
  FundConfig config;
  for (int year = 2022; year <= 2026; ++year) {
    config.fee_rates.emplace(year, Sourced<Rate>{Rate::from_hundredths_of_percent(395), kFee});
  }
  return config;
}

Status require_plausible(Money amount, Money ceiling, std::string_view field) {
  if (amount > ceiling || amount.cents() < -ceiling.cents()) {
    return Error::invalid(std::string(field), "AmountImplausible",
                          std::string(field) + ": " + amount.format() +
                              " is beyond the plausibility ceiling of " + ceiling.format());
  }
  return {};
}

Result<Rate> FundConfig::fee_rate(int year) const {
  auto it = fee_rates.find(year);
  if (it == fee_rates.end()) {
    return Error::invalid("year", "UnknownFeeYear",
                          "year: the fund has no management fee rate for " + std::to_string(year));
  }
  return it->second.value;
}

Rulebook::Rulebook(std::vector<YearParameters> years,
                   std::vector<CompanyYearParameters> company_years, FundConfig fund)
    : years_(std::move(years)), company_years_(std::move(company_years)), fund_(std::move(fund)) {}

Rulebook Rulebook::belgian_default() {
  return Rulebook({year_2022(), year_2023(), year_2024(), year_2025(), year_2026()},
                  company_years(), FundConfig::kassa_default());
}

Result<YearParameters> Rulebook::year(int year) const {
  auto it = std::find_if(years_.begin(), years_.end(),
                         [year](const YearParameters& p) { return p.year == year; });
  if (it == years_.end()) {
    return Error::invalid(
        "year", "UnknownYear",
        "year: the rulebook has no contribution figures for " + std::to_string(year));
  }
  return *it;
}

Result<CompanyYearParameters> Rulebook::company_year(int year) const {
  auto it = std::find_if(company_years_.begin(), company_years_.end(),
                         [year](const CompanyYearParameters& p) { return p.year == year; });
  if (it == company_years_.end()) {
    return Error::invalid(
        "year", "UnknownCompanyYear",
        "year: the rulebook has no company contribution figures for " + std::to_string(year));
  }
  return *it;
}

}  // namespace kassa::domain
