#pragma once
// GET /ready and the event log's line in GET /health (issue 17: a broker
// outage leaves reads and /health answering, and says so).
//
//   /health  200 while the process serves: {"status":"ok","version",
//            "log":{"writable","detail"},"projections":{"running","halted"}}
//   /ready   200 {"ready":true,...} when writes are accepted: the log is
//            writable and the projector runs; else 503 with the same body
//            and Retry-After, so a load balancer sends writes elsewhere.
//
// Thread-safety: the handlers read atomics and the projector's own
// thread-safe accessors.

#include <functional>
#include <memory>

#include "http/router.h"
#include "log/event_log.h"
#include "projections/projector.h"

namespace kassa::http {

using ProjectorSource = std::function<std::shared_ptr<projections::Projector>()>;

void add_health_routes(Router& router, const log::EventLog& log, ProjectorSource projector);

}  // namespace kassa::http
