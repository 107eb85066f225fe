#include "http/query_routes.h"

#include <memory>

#include "http/query_support.h"

namespace kassa::http {

void add_query_routes(Router& router, QueryDeps deps) {
  KASSA_ASSERT(deps.stores != nullptr && deps.access_log != nullptr,
               "query routes need the store and the access log");
  auto c = std::make_shared<queries::Ctx>(queries::Ctx{std::move(deps)});
  queries::add_person_queries(router, c);
  queries::add_company_queries(router, c);
  queries::add_fund_queries(router, c);
  queries::add_audit_queries(router, c);
}

}  // namespace kassa::http
