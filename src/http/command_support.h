#pragma once
// Internal to src/http: what every command route file shares (see
// command_routes.h for the routes and their contract).
//
//   - JSON fields through the domain's value types (body_fields.h, shared
//     with the query routes that take a body);
//   - the business date and the horizon a command's dates may reach;
//   - the answer of an executed command (outcome_reply) and the finder that
//     answers a keyed retry from the event index;
//   - PersonSteps: registers POST /v1/persons/{party_id}/<step> routes.
//
// Route files by area, each adding its routes to the router:
//   person_routes.cpp      registration, lifecycle steps, erasure
//   collection_routes.cpp  payments, refunds, contraintes, contacts, plans,
//                          contests, waivers, dispenses
//   benefit_routes.cpp     benefits, their payments, overpayments
//   company_routes.cpp     companies and their directors, balance sheets, payments
//   run_routes.cpp         batch runs
//   suspense_routes.cpp    bank statement import, the suspense list and matching
//
// Thread-safety: plain functions; PersonSteps is used while the routes are
// set up, its handlers (like every handler) on the server's workers.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/category.h"
#include "domain/date.h"
#include "domain/iban.h"
#include "domain/money.h"
#include "domain/party_id.h"
#include "domain/person_commands.h"
#include "domain/quarter.h"
#include "http/body_fields.h"
#include "http/command_routes.h"

namespace kassa::http::commands {

namespace d = kassa::domain;
namespace s = kassa::schemas;
using nlohmann::json;

// The request-body fields (body_fields.h), as the command routes name them.
using fields::appeal_field;
using fields::category_field;
using fields::date_field;
using fields::enum_field;
using fields::kebab;
using fields::money_field;
using fields::opt_address;
using fields::opt_bool;
using fields::opt_date;
using fields::opt_iban;
using fields::opt_money;
using fields::opt_quarter;
using fields::opt_str;
using fields::party_field;
using fields::quarter_field;
using fields::quarters_field;
using fields::req_int;
using fields::req_str;
using fields::require_object;
using fields::snake;
using fields::year_field;

// ---- dates and answers --------------------------------------------------------------------

// Microseconds since the epoch (CommandDeps::now_us, else the system clock).
std::int64_t now(const CommandDeps& deps);
// A run (or a bank import) on the run board for the scope of its route,
// started now by the request's principal (GET /v1/runs).
RunBoard::Scope on_run_board(const CommandDeps& deps, const RequestContext& ctx, std::string run,
                             d::Date business_date);
// The fund's business date: today (UTC).
d::Date today(const CommandDeps& deps);
// A date a command or a run may carry: at most the configured horizon after today.
Status within_horizon(const CommandDeps& deps, d::Date date, const char* field);
// What a run dates on its day (a surcharge, a reminder) happens once the day has come.
Status not_after_today(const CommandDeps& deps, d::Date date, const char* field, const char* rule);
// The business date of a command: its "date" field, else today (UTC).
Result<d::Date> business_date(const CommandDeps& deps, const json& body);
// Actor, correlation id and, for a keyed request, the idempotency hook.
write::CommandMeta meta_for(const CommandDeps& deps, const RequestContext& ctx);
// 201 with the appended events, or 200 with none (a retry).
Reply outcome_reply(const char* id_field, const write::Outcome& o);
// Answers a keyed retry from the event index once the projections caught up.
std::shared_ptr<const PreparedFinder> index_finder(const CommandDeps& deps);
// The path's {party_id} (400 PartyIdFormat).
Result<d::PartyId> party_param(const RequestContext& ctx);
// A registered person (a director, a payer): 404 PersonNotRegistered naming
// `field`, after the projections caught up.
Status require_person(const CommandDeps& deps, const d::PartyId& party, const char* field);

// Releases an in-process claim on an identifier when the command ends.
struct ClaimGuard {
  write::MemberNumbers* numbers;
  std::string identifier;
  ~ClaimGuard() { numbers->release(identifier); }
};

// ---- person commands ---------------------------------------------------------------------

using PersonBuilder = std::function<Result<d::PersonCommand>(const json&, const d::PartyId& party)>;

// Executes one command on a person at the body's business date; a payment
// books its bank line once fund-wide.
Result<Reply> execute_person(const CommandDeps& deps, const RequestContext& ctx,
                             const d::PartyId& party, const d::PersonCommand& command);

// Registers POST /v1/persons/{party_id}/<step> routes: each checks the
// PartyId and the body, builds its command and executes it, keyed retries
// answered from the event index.
class PersonSteps {
 public:
  PersonSteps(Router& router, CommandDeps deps);
  void add(const std::string& step, PersonBuilder build, std::vector<Role> roles = {Role::kStaff});
  const std::shared_ptr<const PreparedFinder>& finder() const { return finder_; }

 private:
  Router& router_;
  CommandDeps deps_;
  std::shared_ptr<const PreparedFinder> finder_;
};

// ---- the route files ---------------------------------------------------------------------

void add_person_routes(Router& router, const CommandDeps& deps);
void add_collection_routes(Router& router, const CommandDeps& deps);
void add_benefit_routes(Router& router, const CommandDeps& deps);
void add_company_routes(Router& router, const CommandDeps& deps);
void add_run_routes(Router& router, const CommandDeps& deps);
void add_suspense_routes(Router& router, const CommandDeps& deps);

}  // namespace kassa::http::commands
