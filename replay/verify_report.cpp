// The two faces of a VerifyReport: one JSON document (--json) and a text
// account for a person at a terminal. Neither carries personal data: events
// are named by id, offset and opaque aggregate key.
#include <iomanip>
#include <nlohmann/json.hpp>

#include "replay/verify.h"

namespace kassa::replay {

namespace {

std::string where(log::Topic topic, int32_t partition) {
  return std::string(log::topic_suffix(topic)) + "/" + std::to_string(partition);
}

nlohmann::json finding_json(const Finding& f) {
  return {{"kind", to_string(f.kind)},    {"topic", log::topic_suffix(f.topic)},
          {"partition", f.partition},     {"offset", f.offset},
          {"event_id", f.event_id},       {"event_id_verified", f.event_id_verified},
          {"aggregate", f.aggregate_key}, {"sequence", f.sequence},
          {"event_type", f.event_type},   {"rule", f.rule},
          {"message", f.message}};
}

nlohmann::json stats_json(const PartitionStats& st) {
  return {{"topic", log::topic_suffix(st.topic)},
          {"partition", st.partition},
          {"events", st.count},
          {"first_offset", st.first_offset},
          {"last_offset", st.last_offset},
          {"hash_head", to_hex(st.hash_head)},
          {"aggregates", st.aggregates}};
}

nlohmann::json archive_json(const ArchiveCheck& a) {
  nlohmann::json j = {{"ok", a.ok()},
                      {"file_hash_ok", a.file_hash_ok},
                      {"file_hash_stored", a.file_hash_stored},
                      {"file_hash_computed", a.file_hash_computed},
                      {"structure_problems", a.structure_problems},
                      {"manifest_problems", a.manifest_problems}};
  if (a.header) {
    j["header"] = {{"format_version", a.header->format_version},
                   {"created_at_us", a.header->created_at_us},
                   {"source", a.header->source},
                   {"tool_version", a.header->tool_version},
                   {"partitions", a.header->partitions}};
  }
  if (a.manifest) {
    nlohmann::json parts = nlohmann::json::array();
    for (const auto& st : a.manifest->summaries) parts.push_back(stats_json(st));
    j["manifest"] = {{"total_events", a.manifest->total_events},
                     {"schema_versions", a.manifest->schema_versions},
                     {"created_at_us", a.manifest->created_at_us},
                     {"finished_at_us", a.manifest->finished_at_us},
                     {"partitions", parts}};
  }
  return j;
}

}  // namespace

nlohmann::json to_json(const VerifyReport& r) {
  nlohmann::json parts = nlohmann::json::array();
  for (const PartitionReport& p : r.partitions) {
    nlohmann::json j = stats_json(p.stats);
    j["failures"] = p.failures;
    j["following_broken_chain"] = p.following;
    j["duplicates"] = p.duplicates;
    parts.push_back(std::move(j));
  }
  nlohmann::json failures = nlohmann::json::array();
  nlohmann::json duplicates = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    (f.kind == FindingKind::kDuplicate ? duplicates : failures).push_back(finding_json(f));
  }
  nlohmann::json quarantined = nlohmann::json::array();
  for (const QuarantinedItem& q : r.quarantined) {
    quarantined.push_back({{"partition", q.partition},
                           {"offset", q.offset},
                           {"source_topic", log::topic_suffix(q.source_topic)},
                           {"source_partition", q.source_partition},
                           {"source_offset", q.source_offset},
                           {"reason", q.reason}});
  }
  nlohmann::json j = {
      {"ok", r.ok()},
      {"source", r.source},
      {"events", r.events},
      {"aggregates", r.aggregates},
      {"broken_aggregates", r.broken_aggregates},
      {"seconds", r.seconds},
      {"events_per_second", r.seconds > 0 ? static_cast<double>(r.events) / r.seconds : 0.0},
      {"partitions", parts},
      {"failures", failures},
      {"failures_total", r.findings_total},
      {"failures_truncated", r.findings_total > failures.size()},
      {"duplicates", duplicates},
      {"quarantined", quarantined},
      {"quarantined_total", r.quarantined_total},
  };
  nlohmann::json damage = nlohmann::json::array();
  for (const log::journal::Damage& d : r.damage) {
    damage.push_back(
        {{"topic", log::topic_suffix(d.topic)},
         {"partition", d.partition},
         {"from_offset", d.from_offset},
         {"to_offset", d.to_offset >= 0 ? nlohmann::json(d.to_offset) : nlohmann::json()},
         {"detail", d.detail}});
  }
  j["damaged_ranges"] = damage;
  if (r.archive) j["archive"] = archive_json(*r.archive);
  return j;
}

void print_report(const VerifyReport& r, std::ostream& out) {
  out << "source: " << r.source << "\n";
  for (const PartitionReport& p : r.partitions) {
    const PartitionStats& st = p.stats;
    out << "  " << std::left << std::setw(18) << where(st.topic, st.partition) << std::right << " "
        << st.count << (st.topic == log::Topic::kQuarantine ? " items" : " events");
    if (st.count > 0) {
      out << ", offsets " << st.first_offset << ".." << st.last_offset << ", " << st.aggregates
          << " keys, head " << to_hex(st.hash_head).substr(0, 16);
    }
    if (p.failures > 0) out << ", " << p.failures << " FAILED";
    if (p.following > 0) out << ", " << p.following << " following a broken chain";
    if (p.duplicates > 0) out << ", " << p.duplicates << " duplicates";
    out << "\n";
  }
  for (const Finding& f : r.findings) {
    const char* label = f.kind == FindingKind::kFollows     ? "FOLLOWS"
                        : f.kind == FindingKind::kDuplicate ? "DUPLICATE"
                                                            : "FAIL";
    out << label << " " << where(f.topic, f.partition) << " offset " << f.offset;
    if (!f.event_id.empty()) {
      out << " event " << f.event_id << (f.event_id_verified ? "" : " (claimed, unverified)");
    }
    if (!f.aggregate_key.empty()) {
      out << " [" << f.aggregate_key;
      if (f.sequence > 0) out << " #" << f.sequence;
      out << "]";
    }
    out << " " << f.rule << ": " << f.message << "\n";
  }
  if (r.findings_total > r.findings.size()) {
    out << "... " << (r.findings_total - r.findings.size()) << " more failures not listed\n";
  }
  for (const log::journal::Damage& d : r.damage) {
    out << "DAMAGED " << where(d.topic, d.partition) << " offsets " << d.from_offset << "..";
    if (d.to_offset >= 0) {
      out << d.to_offset - 1 << " (" << d.to_offset - d.from_offset << " records unreadable)";
    } else {
      out << "the partition's end (how many records it held is unknown)";
    }
    out << ": " << d.detail << "\n";
  }
  for (const QuarantinedItem& q : r.quarantined) {
    out << "QUARANTINED quarantine/" << q.partition << " offset " << q.offset << " <- "
        << where(q.source_topic, q.source_partition) << " offset " << q.source_offset << ": "
        << q.reason << "\n";
  }
  if (r.archive) {
    const ArchiveCheck& a = *r.archive;
    if (a.file_hash_ok) {
      out << "archive: file hash ok (" << a.file_hash_computed << ")\n";
    } else {
      out << "archive: FILE HASH MISMATCH: the trailer says "
          << (a.file_hash_stored.empty() ? "(none)" : a.file_hash_stored) << ", the bytes hash to "
          << a.file_hash_computed << "\n";
    }
    for (const auto& p : a.structure_problems) out << "archive: STRUCTURE: " << p << "\n";
    for (const auto& p : a.manifest_problems) out << "archive: MANIFEST: " << p << "\n";
    if (a.manifest && a.manifest_problems.empty()) {
      out << "archive: manifest ok (" << a.manifest->total_events << " records)\n";
    }
  }
  out << "verified " << r.events << " events of " << r.aggregates << " aggregates";
  if (r.seconds > 0) {
    out << " in " << std::fixed << std::setprecision(2) << r.seconds << " s ("
        << static_cast<uint64_t>(static_cast<double>(r.events) / r.seconds) << " ev/s)";
  }
  out << ": " << (r.ok() ? "OK" : "FAILED");
  if (!r.damage.empty()) out << " (" << r.damage.size() << " damaged ranges)";
  if (r.findings_total > 0) {
    out << " (" << r.findings_total << " failures, " << r.broken_aggregates
        << " broken aggregates)";
  }
  out << "\n";
}

}  // namespace kassa::replay
