// How the generator's agenda steps become domain commands, and the summary.
#include "demo/generator.h"

namespace kassa::demo::detail {

void Generator::to_commands(Date on, const Action& a, std::vector<PersonWriter::Item>& persons,
                            std::vector<CompanyWriter::Item>& companies) {
  if (a.act == Act::kRegisterCompany) {
    companies.push_back({companies_[a.who].key, register_command(companies_[a.who]), on});
    return;
  }
  if (a.act == Act::kCompanyPay) {
    if (companies_[a.who].registered) bank_lines_.push_back(company_payment(on, a));
    return;
  }
  Person& p = persons_[a.who];
  if (a.act == Act::kRegister) {
    persons.push_back({p.key, register_command(p), on});
    if (p.end) agenda_.emplace(p.end->to_days(), Action{Act::kCease, a.who});
    return;
  }
  if (!p.registered) return;
  const std::string member = std::to_string(p.member);
  const auto with_state = [&](auto&& fn) { visit_person(p.key, fn); };
  switch (a.act) {
    case Act::kCease:
      persons.push_back({p.key, domain::CeaseActivity{on, p.end_reason}, on});
      if (p.end_reason == s::CessationReason::Bankruptcy) {
        agenda_.emplace(on.plus_days(20).to_days(), Action{Act::kClaimBridging, a.who});
        agenda_.emplace(on.plus_days(50).to_days(), Action{Act::kDecideBridging, a.who});
      }
      break;
    case Act::kBirth: persons.push_back({p.key, domain::RecordBirth{a.date, false}, on}); break;
    case Act::kDeath: persons.push_back({p.key, domain::RecordDeath{a.date}, on}); break;
    case Act::kMove: persons.push_back({p.key, move_command(a.who, on), on}); break;
    case Act::kRename: {
      // A second family name the register adds ("Peeters-Janssens").
      const Person& other = persons_[(a.who + 1) % persons_.size()];
      if (other.last_name == p.last_name) break;
      p.last_name += "-" + other.last_name;
      domain::ChangePersonalData c;
      c.last_name = p.last_name;
      persons.push_back({p.key, std::move(c), on});
      break;
    }
    case Act::kPay: bank_lines_.push_back(bank_payment(on, a)); break;
    case Act::kRequestPlan: {
      std::vector<Quarter> quarters;
      with_state([&](const domain::PersonState& st) {
        for (const auto& [q, line] : st.quarter_lines) {
          if (!line.cancelled && !line.dispensed && line.formal_notice_sent &&
              line.open_principal().is_positive()) {
            quarters.push_back(q);
          }
        }
      });
      if (quarters.empty()) quarters.push_back(a.quarter);
      persons.push_back({p.key, domain::RequestPaymentPlan{quarters, 6}, on});
      break;
    }
    case Act::kGrantPlan: {
      std::optional<Money> owed;
      with_state([&](const domain::PersonState& st) {
        if (const auto* request = st.pending_plan_request()) owed = request->amount;
      });
      if (!owed) break;
      domain::GrantPaymentPlan grant;
      grant.plan_ref = "PLAN-" + member;
      plan_instalments(on, a.who, *owed, a.flag == 1, grant.instalments);
      persons.push_back({p.key, std::move(grant), on});
      break;
    }
    case Act::kBreachPlan:
      persons.push_back({p.key, domain::BreachPaymentPlan{"PLAN-" + member, a.date, a.amount}, on});
      break;
    case Act::kRequestDispense:
      persons.push_back({p.key, domain::RequestDispense{{a.quarter}}, on});
      break;
    case Act::kDecideDispense:
      if (a.flag == 1) {
        persons.push_back({p.key, domain::GrantDispense{{a.quarter}, "INASTI-D-" + member}, on});
      } else {
        persons.push_back(
            {p.key,
             domain::RefuseDispense{
                 {a.quarter},
                 "INASTI-D-" + member,
                 appeal("DifficultyNotShown", "the temporary difficulty is not shown", on)},
             on});
      }
      break;
    case Act::kRequestWaiver:
      persons.push_back(
          {p.key, domain::RequestWaiver{{a.quarter}, s::WaiverGround::GoodFaith}, on});
      break;
    case Act::kDecideWaiver:
      if (a.flag == 1) {
        persons.push_back(
            {p.key, domain::GrantWaiver{{a.quarter}, "INASTI-W-" + member, 10000}, on});
      } else {
        persons.push_back(
            {p.key,
             domain::RefuseWaiver{{a.quarter},
                                  "INASTI-W-" + member,
                                  appeal("GoodFaithNotShown",
                                         "the late payment is not shown to be in good faith", on)},
             on});
      }
      break;
    case Act::kClaimBridging:
      persons.push_back({p.key,
                         domain::ClaimBenefit{s::BenefitKind::BridgingRight,
                                              s::BridgingGround::Bankruptcy, p.end, "BR-" + member},
                         on});
      break;
    case Act::kDecideBridging: {
      int quarters = 0;
      with_state(
          [&](const domain::PersonState& st) { quarters = domain::quarters_of_contributions(st); });
      if (const int months = domain::bridging_right_months(quarters); months > 0) {
        const Date start = ymd(on.year(), on.month(), 1).plus_months(1);
        domain::GrantBenefit grant{"BR-" + member, start, p.member % 3 == 0, std::nullopt};
        persons.push_back({p.key, std::move(grant), on});
        // Paid month by month, on the 5th of the month after.
        for (int m = 0; m < months; ++m) {
          Action pay{Act::kPayBenefit, a.who};
          pay.date = start.plus_months(m);
          agenda_.emplace(start.plus_months(m + 1).plus_days(4).to_days(), pay);
        }
      } else {
        persons.push_back(
            {p.key,
             domain::RefuseBenefit{"BR-" + member,
                                   appeal("BridgingRightInsufficientQuarters",
                                          "fewer than 8 quarters of contributions", on)},
             on});
      }
      break;
    }
    case Act::kPayBenefit: {
      std::optional<Money> monthly;
      with_state([&](const domain::PersonState& st) {
        if (const auto* b = st.find_benefit("BR-" + member);
            b != nullptr && b->status == domain::BenefitStatus::kGranted) {
          monthly = b->monthly_amount;
        }
      });
      if (!monthly || p.iban.empty()) break;
      persons.push_back(
          {p.key,
           domain::PayBenefit{"BR-" + member, a.date, a.date.plus_months(1).plus_days(-1), *monthly,
                              "BR-" + member + "-" + a.date.format(),
                              domain::Iban::parse(p.iban).value()},
           on});
      break;
    }
    case Act::kRefund: {
      // What the fund owes the person on the day: credit and regularisation refunds.
      Money owed;
      bool regularisation = false;
      with_state([&](const domain::PersonState& st) {
        owed = st.owed_to_member();
        regularisation = st.refund_due.is_positive();
      });
      if (owed < Money::from_cents(2'500) || p.iban.empty())
        break;  // DOMAIN §5: under 25 EUR, none
      persons.push_back(
          {p.key,
           domain::IssueRefund{
               owed, regularisation ? s::RefundReason::Regularisation : s::RefundReason::OnRequest,
               "RF-" + member + "-" + on.format(), domain::Iban::parse(p.iban).value()},
           on});
      break;
    }
    case Act::kRegister:
    case Act::kRegisterCompany:
    case Act::kCompanyPay: break;
  }
}

namespace {

domain::bank::Date bank_date(Date d) {
  return {d.year(), static_cast<int>(d.month()), static_cast<int>(d.day())};
}

// The fund's collection accounts (a 1000th statement of a year goes to the
// next one) and its treasury account, which each statement is swept to.
constexpr std::uint64_t kCollectionAccount = 5'390'075'470;  // BE68 5390 0754 7034
constexpr std::uint64_t kTreasuryAccount = 3'630'000'017;

}  // namespace

// The one place a person's payment becomes a bank line: a credit on the
// fund's account on the payment day, from the account the person registered
// with. Most carry the notice's structured communication (matched by the
// member number it holds); a seeded few do not (kNoCommunicationPerMille),
// nor do a payment plan's instalments, and are matched by the account; a
// very few come from an account nobody registered (kUnknownPayerPerMille)
// and wait in the fund's suspense account. The window's lines become CODA
// statements booked by BankImporter (import_bank_lines).
domain::bank::CodaMovement Generator::bank_payment(Date on, const Action& a) {
  const Person& p = persons_[a.who];
  domain::bank::CodaMovement m;
  m.amount_cents = a.amount.cents();
  m.value_date = bank_date(on);
  m.counterparty_iban = p.iban;
  m.counterparty_name = p.first_name + " " + p.last_name;
  // Hashed, not drawn: the walk's other draws stay as they were.
  const std::uint64_t roll = mix(spec_.seed ^ mix(0xC0DA'0000'0000ULL + ++bank_draws_)) % 1000;
  if (roll < kUnknownPayerPerMille) {
    m.counterparty_iban = belgian_iban(mix(spec_.seed ^ mix(0x0DD0'0000'0000ULL + bank_draws_)));
    m.free_communication = "bijdrage";
  } else if (a.communication && roll >= kUnknownPayerPerMille + kNoCommunicationPerMille) {
    m.structured_communication = a.communication->digits();
  } else {
    m.free_communication = a.communication ? "sociale bijdrage" : "afbetaling";
  }
  return m;
}

// A company pays its yearly notice with its communication.
domain::bank::CodaMovement Generator::company_payment(Date on, const Action& a) {
  const Company& c = companies_[a.who];
  domain::bank::CodaMovement m;
  m.amount_cents = a.amount.cents();
  m.value_date = bank_date(on);
  if (a.communication) m.structured_communication = a.communication->digits();
  m.counterparty_iban = belgian_iban(mix(spec_.seed ^ mix(0xC0A4'0000'0000ULL + c.member)));
  m.counterparty_name = c.name;
  return m;
}

// The window's bank lines as CODA statements on `statement_day` (at most
// 9999 movements each, and a debit sweeping the day's credits to the
// treasury), each imported through the real BankImporter. A line's id is
// account/year/paper-sequence-movement; the paper sequences of a year are
// 1..999 per account, so every line's id is unique over the whole history.
Status Generator::register_existing(Date day1) {
  // Block by block, so that the commands held at once stay bounded (a
  // million persons' registrations and incomes were ~2 GB of items);
  // within a block in rounds, so that each group commit names an
  // aggregate once: the registrations, then each reference year's income.
  for (std::size_t from = 0; from < persons_.size(); from += kPersonsPerBlock) {
    const std::size_t to = std::min(persons_.size(), from + kPersonsPerBlock);
    std::vector<PersonWriter::Item> items;
    for (std::size_t i = from; i < to; ++i) {
      Person& p = persons_[i];
      if (p.start < day1) {
        items.push_back({p.key, register_command(p), day1});
        if (p.end) agenda_.emplace(p.end->to_days(), Action{Act::kCease, i});
      } else {
        agenda_.emplace(p.start.to_days(), Action{Act::kRegister, i});
      }
    }
    for (int y = spec_.from_year - 3; y < spec_.from_year; ++y) {
      for (std::size_t i = from; i < to; ++i) {
        const Person& p = persons_[i];
        if (p.start < day1 && p.start.year() <= y) {
          items.push_back(
              {p.key, domain::NotifyIncome{y, income(i, y), s::IncomeSource::TaxAuthority}, day1});
        }
      }
    }
    KASSA_TRY(person_items(day1, items));
  }
  std::vector<CompanyWriter::Item> companies;
  for (std::size_t i = 0; i < companies_.size(); ++i) {
    Company& c = companies_[i];
    if (c.incorporation < day1) {
      companies.push_back({c.key, register_command(c), day1});
    } else {
      agenda_.emplace(c.incorporation.to_days(), Action{Act::kRegisterCompany, i});
    }
  }
  return company_items(day1, companies);
}

PersonWriter::Loader Generator::spilled_persons() {
  return [this](const std::string& key) -> Result<std::optional<PersonWriter::Loaded>> {
    if (!spill_) return std::optional<PersonWriter::Loaded>{};
    KASSA_ASSIGN_OR_RETURN(auto entry, spill_->get(key));
    if (!entry.has_value()) return std::optional<PersonWriter::Loaded>{};
    return std::optional<PersonWriter::Loaded>{
        PersonWriter::Loaded{std::move((entry)->state), (entry)->tip}};
  };
}

Status Generator::import_bank_lines(Date first, Date statement_day) {
  if (bank_lines_.empty()) return {};
  KASSA_TRY(spill_status());  // nothing written after a failed read of a state
  std::vector<domain::bank::CodaMovement> lines = std::move(bank_lines_);
  bank_lines_.clear();
  set_clock(first);
  constexpr std::size_t kCredits = kMovementsPerStatement - 1;  // and the sweep
  for (std::size_t begin = 0; begin < lines.size(); begin += kCredits) {
    const std::size_t end = std::min(lines.size(), begin + kCredits);
    const int n = statements_in_year_[statement_day.year()]++;
    domain::bank::CodaDraft draft;
    draft.creation_date = bank_date(statement_day);
    draft.opening_date = bank_date(statement_day.plus_days(-1));
    draft.account_iban =
        belgian_iban(kCollectionAccount + static_cast<std::uint64_t>(n / kPapersPerYear));
    draft.paper_sequence = n % kPapersPerYear + 1;
    draft.movements.assign(
        std::make_move_iterator(lines.begin() + static_cast<std::ptrdiff_t>(begin)),
        std::make_move_iterator(lines.begin() + static_cast<std::ptrdiff_t>(end)));
    std::int64_t credits = 0;
    for (const auto& m : draft.movements) credits += m.amount_cents;
    draft.movements.push_back(
        {-credits, bank_date(statement_day), "", "sweep", belgian_iban(kTreasuryAccount), "KASSA"});
    KASSA_ASSIGN_OR_RETURN(auto file, domain::bank::write_coda(draft));
    KASSA_ASSIGN_OR_RETURN(auto report, importer_.import(file, meta_));
    ++summary_.bank_statements;
    for (const auto& line : report.lines) {
      ++summary_.bank_lines;
      if (line.matched_by == "account") ++summary_.payments_by_account;
      if (line.rejected) ++summary_.rejected;
      switch (line.kind) {
        case s::AggregateKind::Person: summary_.person_events += line.events; break;
        case s::AggregateKind::Company: summary_.company_events += line.events; break;
        default:
          ++summary_.suspense;
          summary_.fund_events += line.events;
          break;
      }
    }
  }
  return {};
}

// Six monthly instalments; a plan that will be breached is paid twice, then
// the third is missed and the breach recorded ten days later.
void Generator::plan_instalments(Date on, std::size_t who, Money total, bool breach,
                                 std::vector<domain::Instalment>& out) {
  constexpr int kCount = 6;
  const std::int64_t each = total.cents() / kCount;
  for (int k = 0; k < kCount; ++k) {
    const Money amount =
        Money::from_cents(k == kCount - 1 ? total.cents() - each * (kCount - 1) : each);
    const Date due = on.plus_months(k + 1);
    out.push_back({due, amount});
    if (breach && k == 2) {
      Action b{Act::kBreachPlan, who};
      b.date = due;
      b.amount = amount;
      agenda_.emplace(due.plus_days(10).to_days(), b);
    } else if (!breach || k < 2) {
      pay(due.plus_days(-2), who, amount, std::nullopt);
    }
  }
}

PopulationSummary Generator::summarise() {
  PopulationSummary& out = summary_;
  const Date from = ymd(spec_.from_year, 1, 1);
  auto sample = [&](const char* label, const std::string& key) {
    for (const auto& [l, k] : out.samples) {
      if (l == label) return;
    }
    out.samples.emplace_back(label, key);
  };
  for (const Person& p : persons_) {
    if (!p.registered) continue;
    ++out.persons;
    out.party_ids.push_back(p.key);
    ++out.categories[p.category];
    if (p.starter == s::StarterStatus::PrimoStarter) ++out.primo_starters;
    if (!(p.start < from)) ++out.newcomers;
    visit_person(p.key, [&](const domain::PersonState& st) {
      if (!st.periods.empty() && st.periods.back().end) ++out.cessations;
      out.payments += st.payments.size();
      if (st.refunded.is_positive()) ++out.refunds;
      for (const auto& b : st.benefits) {
        if (b.paid.is_positive() && b.monthly_amount.is_positive()) {
          out.benefit_payments +=
              static_cast<std::size_t>(b.paid.cents() / b.monthly_amount.cents());
        }
      }
      out.regularisations += st.regularisations.size();
      out.personal_data_changes += static_cast<std::size_t>(st.personal_data_changes);
      bool reminded = false, noticed = false, waived = false;
      for (const auto* line : st.lines()) {
        reminded = reminded || line->reminder_sent.has_value();
        noticed = noticed || line->formal_notice_sent.has_value();
        waived = waived || line->surcharges_waived.is_positive();
      }
      bool dispensed = false;
      for (const auto& [q, facts] : st.quarter_facts) {
        dispensed = dispensed || facts.dispense == domain::RequestStatus::kGranted;
      }
      bool bridging = false;
      for (const auto& b : st.benefits) {
        bridging = bridging || (b.kind == s::BenefitKind::BridgingRight &&
                                b.status == domain::BenefitStatus::kGranted);
      }
      out.persons_reminded += reminded ? 1 : 0;
      out.persons_formally_noticed += noticed ? 1 : 0;
      out.payment_plans += st.plans.empty() ? 0u : 1u;
      out.dispenses += dispensed ? 1 : 0;
      out.waivers += waived ? 1 : 0;
      out.bridging_rights += bridging ? 1 : 0;
      if (p.payer == Payer::kOnTime && p.category == Category::kMain && !reminded &&
          !st.quarter_lines.empty() && !st.payments.empty()) {
        sample("main occupation, pays on time", p.key);
      }
      if (p.category == Category::kSecondary) sample("secondary occupation", p.key);
      if (p.starter == s::StarterStatus::PrimoStarter) sample("primo-starter", p.key);
      if (noticed) sample("formal notice", p.key);
      if (!st.plans.empty()) sample("payment plan", p.key);
      if (dispensed) sample("dispense granted", p.key);
      if (bridging) sample("bridging right", p.key);
    });
  }
  for (const Company& c : companies_) {
    if (!c.registered) continue;
    ++out.companies;
    sample("company", c.key);
  }
  return out;
}

}  // namespace kassa::demo::detail
