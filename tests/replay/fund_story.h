#pragma once
// A fund's worth of history for the replay tests, decided by the domain
// (the projections' Ledger, tests/support/decided_ledger.h): registrations
// (sealed NISS), a chosen provisional base, two quarters assessed, a
// payment allocated oldest first, surcharges for a third of them; and a
// company's year with its directors.
#include <string>

#include "domain/company_commands.h"
#include "domain/person_decide.h"
#include "ledger_fixture.h"

namespace kassa::replay::testing {

namespace pt = kassa::projections::testing;

using kassa::testing::ymd;

// Writes `persons` people's histories (member numbers 1..persons), person
// after person; returns the ledger's clock after the first half of them (a
// moment to cut --known-at at).
inline std::int64_t write_fund(pt::Ledger& l, int persons) {
  namespace d = kassa::domain;
  std::int64_t middle = 0;
  for (int i = 0; i < persons; ++i) {
    if (i == persons / 2) middle = l.clock_us();
    const std::string p = l.register_person(i + 1, ymd(2025, 1, 2));
    pt::must(l.person(p,
                      d::ChangeProvisionalBase{2025, d::Money::from_cents(4'000'000),
                                               schemas::ProvisionalBasis::ChosenHigher, ""},
                      ymd(2025, 1, 2)));
    pt::must(l.person(p, d::AssessQuarter{*d::Quarter::of(2025, 1)}, ymd(2025, 1, 5)));
    pt::must(l.person(p, d::AssessQuarter{*d::Quarter::of(2025, 2)}, ymd(2025, 4, 5)));
    const auto paid = d::Money::from_cents(200'000 + 1'000 * (i % 50));
    pt::must(
        l.person(p,
                 d::RecordPayment{paid, ymd(2025, 5, 10), std::nullopt, "CODA-" + std::to_string(i),
                                  schemas::PaymentChannel::Coda, std::nullopt},
                 ymd(2025, 5, 10)));
    if (i % 3 == 0) {
      pt::must(
          l.person(p, d::ApplyQuarterEndSurcharges{*d::Quarter::of(2025, 2)}, ymd(2025, 6, 30)));
    }
  }
  return middle;
}

// A company's year: registered 2025-01-10 (incorporated 2024-11-04) with
// Anna as its director, Bert a director from 2025-02-01 until 2025-09-30;
// the contribution of 2025 assessed on 2025-06-30 with its notice (399.73,
// the low amount of a company's first years, due 2025-12-31), 200.00
// received on 2025-07-15 and allocated to it.
struct CompanyStory {
  std::string number = "0566988259";
  std::string anna, bert;  // PartyIds
  std::int64_t anna_added_offset = -1;
  log::Uuid anna_added_id, assessed_id, bert_removed_id;
};

inline CompanyStory write_company(pt::Ledger& l) {
  namespace d = kassa::domain;
  CompanyStory story;
  story.anna = l.register_person(41, ymd(2025, 1, 2));
  story.bert = l.register_person(42, ymd(2025, 1, 2));
  const auto event_id = [](const write::Outcome& o, std::string_view type) {
    for (const auto& e : o.events) {
      if (e.type == type) return e.event_id;
    }
    throw std::runtime_error("no " + std::string(type) + " event");
  };
  const auto registered =
      pt::must(l.company(story.number,
                         d::RegisterCompany{*d::CompanyNumber::parse(story.number),
                                            "Peeters Bouw",
                                            "SRL/BV",
                                            ymd(2024, 11, 4),
                                            1'234'567,
                                            {*d::PartyId::parse(story.anna)}},
                         ymd(2025, 1, 10)));
  story.anna_added_id = event_id(registered, "CompanyDirectorAdded");
  for (const auto& e : registered.events) {
    if (e.type == "CompanyDirectorAdded") story.anna_added_offset = e.offset;
  }
  pt::must(l.company(story.number,
                     d::AddDirector{*d::PartyId::parse(story.bert), ymd(2025, 2, 1), "director"},
                     ymd(2025, 2, 1)));
  story.assessed_id = event_id(
      pt::must(l.company(story.number, d::AssessCompanyContribution{2025}, ymd(2025, 6, 30))),
      "CompanyContributionAssessed");
  pt::must(
      l.company(story.number,
                d::RecordCompanyPayment{d::Money::from_cents(20'000), ymd(2025, 7, 15),
                                        std::nullopt, "CODA-C1", schemas::PaymentChannel::Coda},
                ymd(2025, 7, 15)));
  story.bert_removed_id = event_id(
      pt::must(l.company(story.number,
                         d::RemoveDirector{*d::PartyId::parse(story.bert), ymd(2025, 9, 30)},
                         ymd(2025, 9, 30))),
      "CompanyDirectorRemoved");
  return story;
}

}  // namespace kassa::replay::testing
