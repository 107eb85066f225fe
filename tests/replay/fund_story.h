#pragma once
// A fund's worth of realistic history for the rebuild tests, written by
// hand (hand_ledger.h): registrations (sealed NISS), quarterly
// assessments, payments and their allocation, surcharges.
#include <string>

#include "hand_ledger.h"
#include "projected.h"

namespace kassa::replay::testing {

namespace pt = kassa::projections::testing;

// Writes `persons` people's histories; returns the writer's clock after the
// first half of them (a moment to cut --known-at at).
inline std::int64_t write_fund(HandLedger& l, int persons) {
  namespace s = kassa::schemas;
  std::int64_t middle = 0;
  for (int i = 0; i < persons; ++i) {
    if (i == persons / 2) middle = l.writer().clock_us();
    const std::string p = l.new_party();
    l.register_person(p, pt::make_niss(i + 1));
    l.assess(p, 20251, 205'000, 8'098);
    l.assess(p, 20252, 205'000, 8'098);
    const auto paid = 200'000 + 1'000 * (i % 50);
    auto payment = l.pay(p, paid, pt::days(2025, 5, 10), "CODA-" + std::to_string(i));
    l.allocate(p, payment, pt::days(2025, 5, 10),
               {s::AllocationLine(20251, s::DebtKind::Contribution, paid)});
    if (i % 3 == 0) l.surcharge(p, 20252, 205'000, 6'150, pt::days(2025, 6, 30));
  }
  return middle;
}

// A company's year: registered 2025-01-10 with Anna as manager, Bert a
// director from 2025-02-01 until 2025-09-30; 347.68 assessed (due
// 2025-06-30), 200.00 received on 2025-07-15 (not allocated).
struct CompanyStory {
  std::string number = "0566988259";
  std::string anna, bert;  // PartyIds
  std::int64_t anna_added_offset = -1;
  log::Uuid anna_added_id, assessed_id, bert_removed_id;
};

inline CompanyStory write_company(HandLedger& l) {
  namespace s = kassa::schemas;
  CompanyStory story;
  story.anna = l.new_party();
  story.bert = l.new_party();
  l.register_person(story.anna, pt::make_niss(41));
  l.register_person(story.bert, pt::make_niss(42));
  auto event = [&](std::int32_t effective, s::EventBodyUnion b) {
    return l.writer().append(s::AggregateKind::Company, story.number, effective, 0,
                             [&](const log::Uuid&) { return b; });
  };
  s::CompanyRegisteredT registered;
  registered.company_number = story.number;
  registered.name = "Peeters Bouw";
  registered.legal_form = "SRL/BV";
  registered.incorporation_days = pt::days(2024, 11, 4);
  registered.registered_days = pt::days(2025, 1, 10);
  registered.member_number = 1234567;
  event(pt::days(2025, 1, 10), pt::body(std::move(registered)));
  s::CompanyDirectorAddedT anna_added;
  anna_added.director_party = story.anna;
  anna_added.from_days = pt::days(2025, 1, 10);
  anna_added.role = "manager";
  story.anna_added_offset = event(pt::days(2025, 1, 10), pt::body(std::move(anna_added)));
  story.anna_added_id = l.writer().last_id();
  s::CompanyDirectorAddedT bert_added;
  bert_added.director_party = story.bert;
  bert_added.from_days = pt::days(2025, 2, 1);
  bert_added.role = "director";
  event(pt::days(2025, 2, 1), pt::body(std::move(bert_added)));
  s::CompanyContributionAssessedT assessed;
  assessed.year = 2025;
  assessed.band = s::CompanyBand::Low;
  assessed.amount_cents = 34'768;
  assessed.due_days = pt::days(2025, 6, 30);
  event(pt::days(2025, 6, 30), pt::body(std::move(assessed)));
  story.assessed_id = l.writer().last_id();
  s::PaymentReceivedT paid;
  paid.bank_ref = "CODA-C1";
  paid.amount_cents = 20'000;
  paid.value_days = pt::days(2025, 7, 15);
  paid.channel = s::PaymentChannel::Coda;
  event(pt::days(2025, 7, 15), pt::body(std::move(paid)));
  s::CompanyDirectorRemovedT bert_removed;
  bert_removed.director_party = story.bert;
  bert_removed.to_days = pt::days(2025, 9, 30);
  event(pt::days(2025, 9, 30), pt::body(std::move(bert_removed)));
  story.bert_removed_id = l.writer().last_id();
  return story;
}

}  // namespace kassa::replay::testing
