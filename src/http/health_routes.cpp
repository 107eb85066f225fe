#include "http/health_routes.h"

namespace kassa::http {

namespace {

nlohmann::json log_state(const log::EventLog& log) {
  const log::EventLog::Health h = log.health();
  return {{"kind", log.config().brokers.empty() ? "journal" : "kafka"},
          {"writable", h.writable},
          {"detail", h.detail}};
}

nlohmann::json projector_state(const ProjectorSource& source) {
  auto projector = source ? source() : nullptr;
  nlohmann::json out{{"running", projector != nullptr}};
  if (projector) {
    if (auto halted = projector->halted()) {
      out["halted"] = halted->rule + ": " + halted->message;
    }
  }
  return out;
}

}  // namespace

void add_health_routes(Router& router, const log::EventLog& log, ProjectorSource projector) {
  router.add_health_detail("log", [&log] { return log_state(log); });
  router.add_health_detail("projections", [projector] { return projector_state(projector); });
  router.add_public(Method::kGet, "/ready", [&log, projector](const RequestContext&) -> Result<Reply> {
    const nlohmann::json log_json = log_state(log);
    const nlohmann::json proj = projector_state(projector);
    const bool ready = log_json["writable"].get<bool>() && proj["running"].get<bool>() &&
                       !proj.contains("halted");
    Reply reply(ready ? 200 : 503, {{"ready", ready}, {"log", log_json}, {"projections", proj}});
    return reply;
  });
}

}  // namespace kassa::http
