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
    if (auto failing = projector->failing()) {
      out["failing"] = failing->rule + ": " + failing->message;
    }
  }
  return out;
}

nlohmann::json store_states(const std::vector<WritableStore>& stores) {
  nlohmann::json out = nlohmann::json::object();
  for (const WritableStore& s : stores) out[s.name] = s.writable();
  return out;
}

}  // namespace

void add_health_routes(Router& router, const log::EventLog& log, ProjectorSource projector,
                       std::vector<WritableStore> stores) {
  auto shared = std::make_shared<const std::vector<WritableStore>>(std::move(stores));
  router.add_health_detail("log", [&log] { return log_state(log); });
  router.add_health_detail("projections", [projector] { return projector_state(projector); });
  router.add_health_detail("stores", [shared] { return store_states(*shared); });
  router.add_public(Method::kGet, "/ready", [&log, projector, shared](const RequestContext&) -> Result<Reply> {
    const nlohmann::json log_json = log_state(log);
    const nlohmann::json proj = projector_state(projector);
    const nlohmann::json stores_json = store_states(*shared);
    bool ready = log_json["writable"].get<bool>() && proj["running"].get<bool>() &&
                 !proj.contains("halted") && !proj.contains("failing");
    for (const auto& [name, writable] : stores_json.items()) ready = ready && writable.get<bool>();
    Reply reply(ready ? 200 : 503, {{"ready", ready},
                                    {"log", log_json},
                                    {"projections", proj},
                                    {"stores", stores_json}});
    return reply;
  });
}

}  // namespace kassa::http
