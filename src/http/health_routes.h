#pragma once
// GET /ready and the event log's line in GET /health (issue 17: a broker
// outage leaves reads and /health answering, and says so).
//
//   /health  200 while the process serves: {"status":"ok","version",
//            "log":{"writable","detail"},"projections":{"running","halted",
//            "failing"},"stores":{"<name>":writable,...}}
//   /ready   200 {"ready":true,...} when writes are accepted: the log and
//            every store are writable and the projector runs and applies
//            its batches; else 503 with the same body and Retry-After, so a
//            load balancer sends writes elsewhere.
//
// Thread-safety: the handlers read atomics and the projector's own
// thread-safe accessors.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/router.h"
#include "log/event_log.h"
#include "projections/projector.h"

namespace kassa::http {

using ProjectorSource = std::function<std::shared_ptr<projections::Projector>()>;

// A store kassad writes besides the log (the key store, the idempotency
// store, the access log) and whether it accepts writes now.
struct WritableStore {
  std::string name;
  std::function<bool()> writable;
};

// Also GET /metrics (Prometheus text, http/metrics.h): requests, the log,
// the projector (applied, quarantined, time by phase, lag per partition),
// the stores and the process; public like /health.
void add_health_routes(Router& router, log::EventLog& log, const ProjectorSource& projector,
                       std::vector<WritableStore> stores);

}  // namespace kassa::http
