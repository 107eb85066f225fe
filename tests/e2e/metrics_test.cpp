// GET /metrics: what an operator's Prometheus scrapes, in the text format,
// from a running kassad, without personal data.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

#include "kassad_process.h"

using kassa::testing::KassadProcess;
using kassa::testing::register_jan;

namespace {

// The value of the sample written exactly as `series` (name and labels).
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

// A line of the text format 0.0.4: "# HELP|TYPE name ...", or
// name{label="value",...} value (label values with \\, \" and \n escaped).
bool exposition_line(const std::string& line) {
  const auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || c == '_' || c == ':' || (c >= '0' && c <= '9');
  };
  if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
    std::size_t i = 7;
    while (i < line.size() && name_char(line[i])) ++i;
    return i > 7 && i < line.size() && line[i] == ' ';
  }
  std::size_t i = 0;
  while (i < line.size() && name_char(line[i])) ++i;
  if (i == 0) return false;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const std::size_t start = i;
      while (i < line.size() && ((line[i] >= 'a' && line[i] <= 'z') || line[i] == '_')) ++i;
      if (i == start || line.compare(i, 2, "=\"") != 0) return false;
      i += 2;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\') {
          if (i + 1 >= line.size() ||
              (line[i + 1] != '\\' && line[i + 1] != '"' && line[i + 1] != 'n'))
            return false;
          ++i;
        }
        ++i;
      }
      if (i >= line.size()) return false;
      ++i;  // the closing quote
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return false;
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') return false;
  const std::string value = line.substr(i + 1);
  if (value == "NaN" || value == "+Inf" || value == "-Inf") return true;
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  return !value.empty() && end == value.c_str() + value.size();
}

}  // namespace

TEST_CASE("GET /metrics counts requests by route template, the projector and the access log",
          "[e2e][metrics]") {
  // Before: no /metrics (404); an operator had nothing to watch with.
  KassadProcess k("", "");
  const std::string party = register_jan(k);
  for (int i = 0; i < 3; ++i) REQUIRE(k.get("/v1/persons/" + party + "/statement").status == 200);
  REQUIRE(k.get("/v1/nothing-here").status == 404);

  auto got = k.raw_get("/metrics", "");
  REQUIRE(got);
  CHECK(got->status == 200);
  CHECK(got->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  const std::string text = got->body;
  INFO(text);

  // Every line is a comment (HELP/TYPE) or a sample: name{labels} value.
  std::istringstream lines(text);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    INFO(line);
    CHECK(exposition_line(line));
    if (line[0] != '#') ++samples;
  }
  CHECK(samples > 20);

  // Requests by route template, never by path: no PartyId in a label.
  CHECK(
      sample(
          text,
          R"m(kassa_http_requests_total{method="GET",route="/v1/persons/{party_id}/statement",status="200"})m") ==
      3.0);
  CHECK(sample(text,
               R"m(kassa_http_requests_total{method="POST",route="/v1/persons",status="201"})m") ==
        1.0);
  CHECK(sample(text,
               R"m(kassa_http_requests_total{method="GET",route="(no route)",status="404"})m") ==
        1.0);
  CHECK(
      sample(
          text,
          R"m(kassa_http_request_duration_seconds_count{method="GET",route="/v1/persons/{party_id}/statement"})m") ==
      3.0);
  CHECK(
      sample(
          text,
          R"m(kassa_http_request_duration_seconds_bucket{method="GET",route="/v1/persons/{party_id}/statement",le="+Inf"})m") ==
      3.0);
  CHECK(text.find(party) == std::string::npos);
  CHECK(text.find("85073003328") == std::string::npos);
  CHECK(text.find("Peeters") == std::string::npos);

  // The projector applied the registration; nothing waits in any partition.
  CHECK(sample(text, "kassa_projector_events_applied_total").value_or(0) >= 1.0);
  CHECK(sample(text, "kassa_projector_running") == 1.0);
  CHECK(sample(text, "kassa_projector_quarantined_total") == 0.0);
  CHECK(sample(text, R"m(kassa_projector_lag_records{topic="person.events",partition="0"})m") ==
        0.0);
  CHECK(sample(text, R"m(kassa_log_writable{kind="journal"})m") == 1.0);
  CHECK(sample(text, R"m(kassa_store_writable{store="access_log"})m") == 1.0);
  // Disk per folder, and no rebuild so far (issue 20: "RocksDB sizes",
  // "rebuild progress"; both families were absent).
  for (const char* store : {"journal", "projections", "keys", "idempotency", "access_log"}) {
    INFO(store);
    CHECK(sample(text, std::string(R"m(kassa_store_disk_bytes{store=")m") + store + "\"}")
              .value_or(0) > 0.0);
  }
  CHECK(sample(text, "kassa_projections_rebuild_running") == 0.0);
  CHECK(sample(text, R"m(kassa_projections_rebuilds_total{outcome="completed"})m") == 0.0);
  CHECK(sample(text, "kassa_projections_rebuild_progress_ratio") == 0.0);
  // Three statement reads, three access records, durable.
  CHECK(sample(text, "kassa_access_log_records_total") == 3.0);
  CHECK(sample(text, "kassa_access_log_writes_total").value_or(0) >= 1.0);

  // After an in-process rebuild: its passes and records, all read.
  REQUIRE(k.post("/v1/admin/projections/rebuild", nlohmann::json::object(), "admin").status == 200);
  auto after = k.raw_get("/metrics", "");
  REQUIRE(after);
  const std::string rebuilt = after->body;
  INFO(rebuilt);
  CHECK(sample(rebuilt, R"m(kassa_projections_rebuilds_total{outcome="completed"})m") == 1.0);
  CHECK(sample(rebuilt, "kassa_projections_rebuild_running") == 0.0);
  CHECK(sample(rebuilt, "kassa_projections_rebuild_progress_ratio") == 1.0);
  CHECK(sample(rebuilt, R"m(kassa_projections_rebuild_pass{of="current"})m") == 1.0);
  CHECK(sample(rebuilt, R"m(kassa_projections_rebuild_pass{of="total"})m") == 1.0);
  const double cut =
      sample(rebuilt, R"m(kassa_projections_rebuild_records{of="total"})m").value_or(0);
  CHECK(cut >= 1.0);  // the registration at least
  CHECK(sample(rebuilt, R"m(kassa_projections_rebuild_records{of="read"})m") == cut);
  CHECK(sample(text, "process_resident_memory_bytes").value_or(0) > 1e6);
  CHECK(sample(text, "process_start_time_seconds").value_or(0) > 1.7e9);
}

TEST_CASE("kassad logs one line per request at info, without personal data or tokens",
          "[e2e][logs]") {
  // Before: at info nothing logged requests or refused tokens.
  KassadProcess k("", "");
  const std::string party = register_jan(k);
  REQUIRE(k.get("/v1/persons/" + party + "/debt").status == 200);
  REQUIRE(k.post("/v1/runs/assessment", {{"quarter", "2025-Q1"}, {"date", "2025-01-05"}}, "batch")
              .status == 200);
  auto refused = k.raw_get("/v1/persons/" + party + "/debt", "");
  REQUIRE(refused);
  REQUIRE(refused->status == 401);
  const std::string log = k.log_text();
  INFO(log);
  CHECK(log.find("msg=request method=POST route=/v1/persons status=201 ms=") != std::string::npos);
  CHECK(log.find("msg=request method=GET route=/v1/persons/{party_id}/debt status=200 ms=") !=
        std::string::npos);
  CHECK(log.find("principal=e2e-staff") != std::string::npos);
  CHECK(log.find("route=/v1/persons/{party_id}/debt status=401") != std::string::npos);
  // A batch run: one line with its counts.
  CHECK(log.find("msg=batch run=assessment business_date=2025-01-05 aggregates=1 changed=1 "
                 "events_written=2 rejected=0 principal=e2e-batch") != std::string::npos);
  CHECK(log.find(party) == std::string::npos);
  CHECK(log.find("85073003328") == std::string::npos);
  CHECK(log.find("Peeters") == std::string::npos);
  CHECK(log.find("Bearer") == std::string::npos);
}

TEST_CASE("GET /metrics counts the events appended by type and times each append",
          "[e2e][metrics]") {
  // Before: nothing said what the write side appended or how long the log
  // took to make it durable.
  KassadProcess k("", "");
  const std::string party = register_jan(k);
  auto before = k.raw_get("/metrics", "");
  REQUIRE(before);
  CHECK(sample(before->body, R"m(kassa_events_appended_total{type="PersonRegistered"})m") == 1.0);
  CHECK(sample(before->body, R"m(kassa_events_appended_total{type="ContributionAssessed"})m") ==
        std::nullopt);
  const double appends_before =
      sample(before->body, "kassa_append_duration_seconds_count").value_or(0);
  CHECK(appends_before >= 1.0);

  // A write load: an assessment run and three payments.
  REQUIRE(k.post("/v1/runs/assessment", {{"quarter", "2025-Q1"}, {"date", "2025-01-05"}}, "batch")
              .status == 200);
  for (int i = 0; i < 3; ++i) {
    auto paid = k.post("/v1/persons/" + party + "/payments",
                       {{"amount", "100.00"},
                        {"value_date", "2025-02-0" + std::to_string(i + 1)},
                        {"bank_ref", "CODA-" + std::to_string(i)},
                        {"date", "2025-02-10"}});
    INFO(paid.body.dump());
    REQUIRE(paid.status == 201);
  }
  auto after = k.raw_get("/metrics", "");
  REQUIRE(after);
  const std::string text = after->body;
  INFO(text);
  CHECK(sample(text, R"m(kassa_events_appended_total{type="PersonRegistered"})m") == 1.0);
  CHECK(sample(text, R"m(kassa_events_appended_total{type="ContributionAssessed"})m") == 1.0);
  CHECK(sample(text, R"m(kassa_events_appended_total{type="PaymentReceived"})m") == 3.0);
  const double appends = sample(text, "kassa_append_duration_seconds_count").value_or(0);
  CHECK(appends >= appends_before + 4);  // the run's write and one per payment
  CHECK(sample(text, R"m(kassa_append_duration_seconds_bucket{le="+Inf"})m") == appends);
  CHECK(sample(text, "kassa_append_duration_seconds_sum").value_or(0) > 0.0);
  CHECK(sample(text, "kassa_append_failures_total") == 0.0);

  // Commands by name and result: the same run again decides nothing, a
  // cessation before the start is the domain's rejection.
  REQUIRE(k.post("/v1/runs/assessment", {{"quarter", "2025-Q1"}, {"date", "2025-01-05"}}, "batch")
              .status == 200);
  auto refused = k.post("/v1/persons/" + party + "/cessation",
                        {{"end", "2024-06-30"}, {"date", "2025-02-10"}});
  CHECK(refused.status == 400);
  CHECK(refused.body["error"] == "EndBeforeStart");
  auto last = k.raw_get("/metrics", "");
  REQUIRE(last);
  const auto command = [&last](const char* name, const char* result) {
    return sample(last->body, std::string(R"(kassa_commands_total{aggregate="person",command=")") +
                                  name + R"(",result=")" + result + R"("})");
  };
  INFO(last->body);
  CHECK(command("RegisterPerson", "written") == 1.0);
  CHECK(command("AssessQuarter", "written") == 1.0);
  CHECK(command("AssessQuarter", "unchanged") == 1.0);
  CHECK(command("RecordPayment", "written") == 3.0);
  CHECK(command("CeaseActivity", "rejected") == 1.0);
  CHECK(command("CeaseActivity", "written") == std::nullopt);
  CHECK(last->body.find("# TYPE kassa_commands_total counter") != std::string::npos);
  // The journal has no Kafka client to describe.
  CHECK(last->body.find("kassa_kafka_") == std::string::npos);
}
