#include "http/query_support.h"

#include <spdlog/spdlog.h>

#include "domain/party_id.h"

namespace kassa::http::queries {

void add_audit_queries(Router& router, const std::shared_ptr<Ctx>& c) {
  const std::vector<Role> auditors = {Role::kAuditor};

  router.add(
      Method::kGet, "/v1/audit/access-log", auditors,
      [c](const RequestContext& req) -> Result<Reply> {
        std::optional<std::string> party;
        if (auto v = req.query("party_id"); v && !v->empty()) {
          KASSA_ASSIGN_OR_RETURN(auto id, domain::PartyId::parse(*v, "party_id"));
          party = id.str();
        }
        std::int64_t from = 0;
        std::int64_t to = INT64_MAX;
        if (auto v = req.query("from"); v && !v->empty()) {
          const std::string text = v->size() == 10 ? *v + "T00:00:00Z" : *v;
          KASSA_ASSIGN_OR_RETURN(auto ts, domain::Timestamp::parse(text, "from"));
          from = ts.micros();
        }
        if (auto v = req.query("to"); v && !v->empty()) {
          const std::string text = v->size() == 10 ? *v + "T23:59:59.999999Z" : *v;
          KASSA_ASSIGN_OR_RETURN(auto ts, domain::Timestamp::parse(text, "to"));
          to = ts.micros();
        }
        // A page at a time (it stopped silently at 10,000 records).
        KASSA_ASSIGN_OR_RETURN(auto limit, limit_param(req, 1000, 10'000));
        KASSA_ASSIGN_OR_RETURN(
            auto page,
            c->deps.access_log->page(party, from, to, req.query("cursor").value_or(""), limit));
        json out = json::array();
        for (const auto& r : page.records) {
          out.push_back({{"at", domain::Timestamp::from_micros(r.at_us).format()},
                         {"at_us", r.at_us},
                         {"principal", r.principal},
                         {"role", r.role},
                         {"party_id", r.party_id},
                         {"route", r.route},
                         {"purpose", r.purpose}});
        }
        return Reply(200, json{{"records", out},
                               {"next_cursor", page.next_cursor.empty() ? json(nullptr)
                                                                        : json(page.next_cursor)}});
      });

  router.add(Method::kGet, "/v1/projections/status", {Role::kStaff, Role::kAuditor},
             [c](const RequestContext&) -> Result<Reply> {
               json out = json::object();
               auto projector = c->deps.projector ? c->deps.projector() : nullptr;
               if (projector == nullptr) return Reply(200, json{{"running", false}});
               json parts = json::array();
               for (const auto& pos : projector->positions()) {
                 parts.push_back({{"topic", std::string(log::topic_suffix(pos.topic))},
                                  {"partition", pos.partition},
                                  {"last_applied_offset", pos.offset - 1}});
               }
               auto lag = projector->lag();
               const auto st = projector->stats();
               out = {{"running", true},
                      {"partitions", parts},
                      {"lag", lag.ok() ? json(*lag) : json(nullptr)},
                      {"applied", st.applied},
                      {"quarantined", st.quarantined},
                      {"skipped", st.skipped}};
               if (auto h = projector->halted()) out["halted"] = h->rule + ": " + h->message;
               return Reply(200, out);
             });
}

}  // namespace kassa::http::queries

namespace kassa::http {

using nlohmann::json;

void add_projection_admin_routes(Router& router, projections::ProjectionRunner& runner) {
  router.add(Method::kPost, "/v1/admin/projections/rebuild", {Role::kAdmin},
             [&runner](const RequestContext& req) -> Result<Reply> {
               const auto accept = req.query("accept_different");
               if (accept && *accept != "true" && *accept != "false") {
                 return Error::invalid("accept_different", "Boolean",
                                       "accept_different is true or false");
               }
               spdlog::info("projection rebuild requested principal={}", req.principal.name);
               KASSA_ASSIGN_OR_RETURN(auto report, runner.rebuild(accept && *accept == "true"));
               json rows = json::array();
               bool equal = true;
               for (const auto& [name, before] : report.before) {
                 const std::string after = report.after.count(name) ? report.after.at(name) : "";
                 equal = equal && before == after;
                 rows.push_back({{"projection", name},
                                 {"before", before},
                                 {"after", after},
                                 {"equal", before == after}});
               }
               json out{{"store", report.path},
                        {"equal", equal},
                        {"swapped", report.swapped},
                        {"checksums", rows}};
               if (!report.kept.empty()) out["kept"] = report.kept;
               return Reply(200, out);
             });
}

void add_backup_route(Router& router, BackupFn backup) {
  router.add(
      Method::kPost, "/v1/admin/backup", {Role::kAdmin},
      [backup = std::move(backup)](const RequestContext& req) -> Result<Reply> {
        if (!req.body.is_object() || !req.body.contains("name") || !req.body["name"].is_string()) {
          return Error::invalid("name", "Required",
                                "name names the new backup folder under kassad's backup folder");
        }
        spdlog::info("backup requested principal={}", req.principal.name);
        KASSA_ASSIGN_OR_RETURN(auto manifest, backup(req.body["name"].get<std::string>()));
        return Reply(201, json{{"path", manifest["path"]},
                               {"created", manifest["created"]},
                               {"log", manifest["log"]},
                               {"parts", manifest["parts"]},
                               {"files", manifest["files"].size()},
                               {"bytes", manifest["bytes"]},
                               {"seconds", manifest["seconds"]}});
      });
}

}  // namespace kassa::http
