#include "http/query_support.h"

#include "domain/quarter.h"
#include "projections/debt.h"
#include "projections/parties.h"

namespace kassa::http::queries {

void add_fund_queries(Router& router, const std::shared_ptr<Ctx>& c) {
  router.add(
      Method::kGet, "/v1/collection/work-list", {Role::kStaff},
      [c](const RequestContext& req) -> Result<Reply> {
        const std::string stage = req.query("stage").value_or("");
        p::WorkListQuery q;
        q.policy = c->deps.reminders;
        if (stage == "notice")
          q.stage = domain::CollectionStage::kNotice;
        else if (stage == "reminder")
          q.stage = domain::CollectionStage::kReminder;
        else if (stage == "formal-notice")
          q.stage = domain::CollectionStage::kFormalNotice;
        else if (stage == "contrainte-eligible")
          q.contrainte_eligible_only = true;
        else if (stage == "contrainte-served")
          q.stage = domain::CollectionStage::kContrainteServed;
        else if (!stage.empty()) {
          return Error::invalid("stage", "StageUnknown",
                                "stage is notice, reminder, formal-notice, contrainte-eligible "
                                "or contrainte-served");
        }
        const std::string plan = req.query("plan").value_or("");
        if (!plan.empty()) {
          for (auto st : {domain::PlanStatus::kNone, domain::PlanStatus::kRequested,
                          domain::PlanStatus::kGranted, domain::PlanStatus::kRefused,
                          domain::PlanStatus::kBreached}) {
            if (plan == domain::to_string(st)) q.plan = st;
          }
          if (!q.plan) {
            return Error::invalid("plan", "PlanUnknown",
                                  "plan is none, requested, granted, refused or breached");
          }
        }
        const std::string contact = req.query("personal_contact").value_or("");
        if (contact == "true" || contact == "false") {
          q.personal_contact = contact == "true";
        } else if (!contact.empty()) {
          return Error::invalid("personal_contact", "Boolean", "personal_contact is true or false");
        }
        if (auto min = req.query("min_outstanding"); min && !min->empty()) {
          KASSA_ASSIGN_OR_RETURN(auto amount,
                                 domain::Money::parse_non_negative(*min, "min_outstanding"));
          q.min_outstanding = amount;
        }
        KASSA_ASSIGN_OR_RETURN(auto on, date_param(req, "date"));
        q.on = domain::Date::from_days(
            on.value_or(static_cast<std::int32_t>(c->now() / 86'400'000'000)));
        q.cursor = req.query("cursor").value_or("");
        KASSA_ASSIGN_OR_RETURN(auto limit, limit_param(req, 100, 1000));
        q.limit = limit;
        KASSA_TRY(Ctx::require_purpose(req));
        KASSA_ASSIGN_OR_RETURN(auto snap, c->deps.stores->get()->snapshot());
        KASSA_ASSIGN_OR_RETURN(auto page, p::read_work_list(*snap, q));
        // Each debtor on the page is a person disclosed.
        std::vector<std::string> disclosed;
        disclosed.reserve(page.items.size());
        for (const auto& it : page.items) disclosed.push_back(it.party_id);
        KASSA_TRY(c->audit_all(req, disclosed, "GET /v1/collection/work-list"));
        json out = json::array();
        for (const auto& it : page.items) {
          const auto& e = it.entry;
          out.push_back({{"party_id", it.party_id},
                         {"stage", std::string(domain::to_string(e.stage))},
                         {"outstanding", money_of(e.outstanding)},
                         {"last_formal_notice", date_of(e.outlook.latest_formal_notice)},
                         {"payment_plan", std::string(domain::to_string(e.plan))},
                         {"contests_pending", e.contests_pending},
                         {"personal_contact", e.outlook.personal_contact_recorded},
                         {"contrainte_eligible", it.contrainte.ok()},
                         {"contrainte_blocked_by",
                          it.contrainte.ok() ? json(nullptr) : json(it.contrainte.error().rule)}});
        }
        return Reply(
            200,
            json{{"date", q.on.format()},
                 {"stage", stage.empty() ? "all" : stage},
                 {"plan", q.plan ? json(std::string(domain::to_string(*q.plan))) : json(nullptr)},
                 {"personal_contact",
                  q.personal_contact ? json(*q.personal_contact) : json(nullptr)},
                 {"min_outstanding",
                  q.min_outstanding ? money_of(*q.min_outstanding) : json(nullptr)},
                 {"total", page.total},
                 {"total_outstanding", money_of(page.total_outstanding)},
                 {"order", "stage (furthest first), then outstanding (largest first)"},
                 {"debtors", out},
                 {"next_cursor",
                  page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor)}});
      });

  router.add(Method::kGet, "/v1/statistics", {Role::kStaff, Role::kAuditor},
             [c](const RequestContext& req) -> Result<Reply> {
               auto store = c->deps.stores->get();
               KASSA_ASSIGN_OR_RETURN(auto snap, store->snapshot());
               json out = json::array();
               if (auto q = req.query("quarter"); q && !q->empty()) {
                 KASSA_ASSIGN_OR_RETURN(auto quarter, domain::Quarter::parse(*q));
                 const std::uint16_t code = domain::quarter_code(quarter);
                 KASSA_ASSIGN_OR_RETURN(auto st, p::read_stats(*snap, code));
                 out.push_back(stats_json(code, st.value_or(p::QuarterStats{})));
               } else {
                 KASSA_ASSIGN_OR_RETURN(auto quarters, p::stats_quarters(*snap));
                 for (std::uint16_t code : quarters) {
                   KASSA_ASSIGN_OR_RETURN(auto st, p::read_stats(*snap, code));
                   out.push_back(stats_json(code, st.value_or(p::QuarterStats{})));
                 }
               }
               return Reply(200, json{{"quarters", out}});
             });
}

}  // namespace kassa::http::queries
