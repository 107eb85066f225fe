#pragma once
// `when` for the person aggregate: decide() against the given history.
#include "domain/person_decide.h"
#include "given.h"

namespace kassa::domain::test {

struct PersonScenario : PersonHistory {
  Date today = d("2025-01-01");

  Result<std::vector<NewEvent>> when(const PersonCommand& command) const {
    DecisionContext ctx{rulebook(), rulebook().fund(), today};
    return decide(state, command, ctx);
  }
  // Decides on `date` and records what was decided.
  std::vector<NewEvent> run(const char* date, const PersonCommand& command) {
    today = d(date);
    auto r = when(command);
    INFO((r.ok() ? std::string() : r.error().rule + ": " + r.error().message));
    REQUIRE(r.ok());
    given(*r);
    return *r;
  }
  std::string rejection(const char* date, const PersonCommand& command) {
    today = d(date);
    auto r = when(command);
    if (r.ok()) return "accepted with " + std::to_string(r->size()) + " events";
    return r.error().rule;
  }
};

template <typename T>
const T& body(const NewEvent& e) {
  const schemas::EventBody expected = schemas::EventBodyUnionTraits<T>::enum_value;
  REQUIRE(e.body.type == expected);
  return *static_cast<const T*>(e.body.value);
}

inline std::vector<schemas::EventBody> types(const std::vector<NewEvent>& events) {
  std::vector<schemas::EventBody> out;
  for (const auto& e : events) out.push_back(e.body.type);
  return out;
}

inline RegisterPerson person(const char* start, Category category = Category::kMain,
                             schemas::StarterStatus starter = schemas::StarterStatus::NotStarter,
                             std::uint32_t member_number = 1234567) {
  return RegisterPerson{Niss::parse("93051822361").value(),
                        "An",
                        "Peeters",
                        std::nullopt,
                        Iban::parse("BE68539007547034").value(),
                        std::nullopt,
                        d(start),
                        category,
                        starter,
                        false,
                        member_number,
                        "",
                        std::nullopt};
}

// Registered on 1 January 2025 (provisional base 40,000.00); Q1 2025
// assessed on 5 January: 2,050.00 + 80.98 = 2,130.98 owed.
inline PersonScenario with_unpaid_q1() {
  PersonScenario s;
  s.run("2025-01-01", person("2025-01-01"));
  s.run("2025-01-02",
        ChangeProvisionalBase{2025, eur(4'000'000), schemas::ProvisionalBasis::ChosenHigher, ""});
  s.run("2025-01-05", AssessQuarter{q("2025-Q1")});  // 2,050.00 + 80.98
  return s;
}

inline AppealInfo appeal() {
  return {"QuarterPrincipalUnpaid", "the contribution is not paid",
          "Tribunal du travail / Arbeidsrechtbank", d("2026-03-31")};
}

}  // namespace kassa::domain::test
