// kassa::replay on the embedded journal: SOURCE parsing, the archive round
// trip, and verify finding exactly the event that was tampered with.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "history.h"
#include "log/journal/journal_log.h"
#include "log_test_support.h"
#include "replay/archive.h"
#include "replay/source.h"
#include "replay/verify.h"

namespace rp = kassa::replay;
namespace lg = kassa::log;
using kassa::log::testing::TempDir;
using namespace kassa::replay::testing;

namespace {

lg::LogConfig journal_config(const std::string& dir) {
  lg::LogConfig c;
  c.journal_path = dir;
  c.person_partitions = 4;
  c.company_partitions = 2;
  return c;
}

std::unique_ptr<lg::EventLog> open_journal(const std::string& dir) {
  auto log = lg::open_event_log(journal_config(dir));
  REQUIRE(log.ok());
  return std::move(log).value();
}

rp::SourceSpec journal_spec(const std::string& dir) {
  auto s = rp::parse_source("journal://" + dir);
  REQUIRE(s.ok());
  return *s;
}

rp::SourceSpec archive_spec(const std::string& path) {
  auto s = rp::parse_source(path);
  REQUIRE(s.ok());
  return *s;
}

rp::VerifyReport verify(const rp::SourceSpec& spec) {
  auto report = rp::verify_source(spec, nullptr);
  REQUIRE(report.ok());
  return std::move(report).value();
}

// A journal holding a generated history and one quarantine record.
void fill_journal(const std::string& dir, const std::vector<GeneratedEvent>& history) {
  auto log = open_journal(dir);
  append_history(*log, history);
  const int32_t p = log->partition_for(lg::Topic::kPersonEvents, history.front().key);
  auto first = log->read(lg::Topic::kPersonEvents, p, 0, 1, std::chrono::milliseconds(0));
  REQUIRE(first.ok());
  REQUIRE(!first->empty());
  REQUIRE(log->append_quarantine(first->front(), "BufferInvalid: a test reason").ok());
}

rp::ExportSummary export_journal(const std::string& dir, const std::string& file) {
  auto log = rp::open_existing_log(journal_spec(dir));
  REQUIRE(log.ok());
  auto stream = rp::make_log_stream(**log, "journal://" + dir);
  REQUIRE(stream.ok());
  rp::ExportOptions options;
  options.source_url = "journal://" + dir;
  options.tool_version = "test";
  auto summary = rp::export_archive(**stream, file, options, nullptr);
  REQUIRE(summary.ok());
  return std::move(summary).value();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::vector<const rp::Finding*> failures(const rp::VerifyReport& r, rp::FindingKind kind) {
  std::vector<const rp::Finding*> out;
  for (const auto& f : r.findings) {
    if (f.kind == kind) out.push_back(&f);
  }
  return out;
}

}  // namespace

TEST_CASE("SOURCE URLs parse, and bad ones say what is accepted", "[replay][source]") {
  auto kafka = rp::parse_source("kafka://127.0.0.1:9392?prefix=t-1");
  REQUIRE(kafka.ok());
  CHECK(kafka->kind == rp::SourceKind::kKafka);
  CHECK(kafka->location == "127.0.0.1:9392");
  CHECK(kafka->prefix == "t-1");
  auto two = rp::parse_source("kafka://a:1,b:2");
  REQUIRE(two.ok());
  CHECK(two->prefix == "kassa");
  auto journal = rp::parse_source("journal:///var/lib/kassa/journal");
  REQUIRE(journal.ok());
  CHECK(journal->kind == rp::SourceKind::kJournal);
  CHECK(journal->location == "/var/lib/kassa/journal");
  auto file = rp::parse_source("audit/2025.kassa");
  REQUIRE(file.ok());
  CHECK(file->kind == rp::SourceKind::kArchive);
  CHECK(rp::parse_source("file:///tmp/x.kassa")->location == "/tmp/x.kassa");

  const char* bad = GENERATE("", "kafka://", "kafka://host", "kafka://host:0", "kafka://h:99999",
                             "kafka://h:1?topic=x", "kafka://h:1?prefix=", "kafka://h:1?prefix=a/b",
                             "journal://", "s3://bucket/x.kassa", "history.zip", ".kassa");
  auto parsed = rp::parse_source(bad);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().rule == "SourceSyntax");
  CHECK(parsed.error().message.find("kafka://HOST:PORT") != std::string::npos);
}

TEST_CASE("an archive round trip reproduces every record, offset for offset", "[replay][archive]") {
  TempDir dir;
  const std::string a = dir.path() + "/a";
  const std::string b = dir.path() + "/b";
  const std::string file = dir.path() + "/history.kassa";
  const auto history = generate_history({20, 5, 10, 7});
  fill_journal(a, history);

  const rp::ExportSummary exported = export_journal(a, file);
  CHECK(exported.events == history.size() + 1);
  CHECK(exported.bytes == std::filesystem::file_size(file));

  // The archive reads back as the same records, and its checks pass.
  std::vector<lg::StoredRecord> archived;
  {
    auto reader = rp::ArchiveReader::open(file);
    REQUIRE(reader.ok());
    for (;;) {
      auto batch = (*reader)->next(77);
      REQUIRE(batch.ok());
      if (batch->empty()) break;
      archived.insert(archived.end(), batch->begin(), batch->end());
    }
    CHECK((*reader)->check().ok());
    CHECK((*reader)->check().file_hash_ok);
    CHECK((*reader)->check().manifest->total_events == history.size() + 1);
    CHECK((*reader)->check().manifest->schema_versions == std::vector<uint16_t>{1});
  }
  const auto original = read_all(*open_journal(a));
  CHECK(same_records(original, archived));

  // Import into a fresh journal: same records, same layout.
  auto imported = rp::import_archive(file, journal_spec(b), nullptr);
  REQUIRE(imported.ok());
  CHECK(imported->events == history.size());
  CHECK(imported->quarantined == 1);
  auto counts = rp::journal_partition_counts(b);
  REQUIRE(counts.ok());
  CHECK(**counts == rp::PartitionCounts{4, 2, 1});
  CHECK(same_records(original, read_all(*open_journal(b))));

  // Verify passes on all three, with the same hash heads everywhere.
  const auto va = verify(journal_spec(a));
  const auto vb = verify(journal_spec(b));
  const auto vf = verify(archive_spec(file));
  for (const auto* r : {&va, &vb, &vf}) {
    CHECK(r->ok());
    CHECK(r->events == history.size());
    CHECK(r->aggregates == 25);
    CHECK(r->quarantined_total == 1);
    REQUIRE(r->partitions.size() == 7);
  }
  for (std::size_t i = 0; i < va.partitions.size(); ++i) {
    CHECK(va.partitions[i].stats.hash_head == vb.partitions[i].stats.hash_head);
    CHECK(va.partitions[i].stats.hash_head == vf.partitions[i].stats.hash_head);
    CHECK(va.partitions[i].stats.count == vf.partitions[i].stats.count);
  }
  REQUIRE(vf.archive.has_value());
  CHECK(vf.archive->ok());
  // The JSON document carries the same.
  const auto json = rp::to_json(vf);
  CHECK(json["ok"] == true);
  CHECK(json["events"] == history.size());
  CHECK(json["archive"]["file_hash_ok"] == true);
  CHECK(json["partitions"].size() == 7);
}

TEST_CASE("import refuses a non-empty target, other partition counts, and export an existing file",
          "[replay][archive]") {
  TempDir dir;
  const std::string a = dir.path() + "/a";
  const std::string file = dir.path() + "/h.kassa";
  fill_journal(a, generate_history({3, 1, 3, 1}));
  export_journal(a, file);

  auto into_self = rp::import_archive(file, journal_spec(a), nullptr);
  REQUIRE_FALSE(into_self.ok());
  CHECK(into_self.error().rule == "TargetNotEmpty");

  const std::string other = dir.path() + "/other";
  {
    lg::LogConfig c = journal_config(other);
    c.person_partitions = 3;
    REQUIRE(lg::open_event_log(c).ok());
  }
  auto mismatch = rp::import_archive(file, journal_spec(other), nullptr);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().rule == "PartitionCount");

  auto log = rp::open_existing_log(journal_spec(a));
  REQUIRE(log.ok());
  auto stream = rp::make_log_stream(**log, "a");
  REQUIRE(stream.ok());
  auto again = rp::export_archive(**stream, file, {}, nullptr);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().rule == "ArchiveExists");

  auto missing = rp::verify_source(journal_spec(dir.path() + "/nothing"), nullptr);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().rule == "JournalMissing");
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/nothing"));
}

TEST_CASE("one flipped byte of one event in an archive: verify names that event",
          "[replay][verify]") {
  TempDir dir;
  const std::string a = dir.path() + "/a";
  const std::string file = dir.path() + "/h.kassa";
  const auto history = generate_history({10, 2, 6, 11});
  fill_journal(a, history);
  export_journal(a, file);

  // The target: person #4's third event; flip one byte inside its envelope
  // (or, second section, inside its frame magic). Nothing else is updated.
  const GeneratedEvent* target = nullptr;
  for (const auto& e : history) {
    if (e.topic == lg::Topic::kPersonEvents && e.key == history[3].key && e.sequence == 3)
      target = &e;
  }
  REQUIRE(target != nullptr);
  std::string bytes = slurp(file);
  const std::string frame(target->event.frame.begin(), target->event.frame.end());
  const auto at = bytes.find(frame);
  REQUIRE(at != std::string::npos);
  REQUIRE(bytes.find(frame, at + 1) == std::string::npos);

  std::size_t flip = 0;
  std::string rule;
  SECTION("inside the envelope") {
    flip = at + lg::kFrameHeaderSize + frame.size() / 2;
    rule = "HashMismatch";
  }
  SECTION("inside the frame magic") {
    flip = at + 1;
    rule = "BufferInvalid";
  }
  bytes[flip] = static_cast<char>(bytes[flip] ^ 0x20);
  spit(file, bytes);

  const auto report = verify(archive_spec(file));
  CHECK_FALSE(report.ok());
  const auto breaks = failures(report, rp::FindingKind::kBreak);
  REQUIRE(breaks.size() == 1);
  const rp::Finding& f = *breaks.front();
  CHECK(f.rule == rule);
  CHECK(f.topic == lg::Topic::kPersonEvents);
  CHECK(f.aggregate_key == target->key);
  // The offset is that of the event in the journal it came from.
  auto log = open_journal(a);
  const int32_t partition = log->partition_for(lg::Topic::kPersonEvents, target->key);
  CHECK(f.partition == partition);
  auto stored =
      log->read(lg::Topic::kPersonEvents, partition, f.offset, 1, std::chrono::milliseconds(0));
  REQUIRE(stored.ok());
  CHECK(stored->front().value == frame);
  if (rule == "HashMismatch") {
    CHECK(f.event_id == target->event_id);  // claimed from the unverified envelope
    CHECK_FALSE(f.event_id_verified);
    CHECK(f.sequence == 3);
  }
  // The rest of that person's chain follows the break; nobody else is hit.
  const auto follows = failures(report, rp::FindingKind::kFollows);
  CHECK(follows.size() == 3);
  for (const auto* x : follows) {
    CHECK(x->aggregate_key == target->key);
    CHECK(x->rule == rp::kFollowsBrokenChain);
  }
  CHECK(report.broken_aggregates == 1);
  // The file itself no longer verifies: file hash and the partition's head.
  REQUIRE(report.archive.has_value());
  CHECK_FALSE(report.archive->file_hash_ok);
  REQUIRE(report.archive->manifest_problems.size() == 1);
  CHECK(report.archive->manifest_problems[0].find("person.events/" + std::to_string(partition) +
                                                  ": hash head") == 0);
  std::ostringstream text;
  rp::print_report(report, text);
  CHECK(text.str().find("FILE HASH MISMATCH") != std::string::npos);
  CHECK(text.str().find("offset " + std::to_string(f.offset)) != std::string::npos);

  // And import refuses it.
  auto imported = rp::import_archive(file, journal_spec(dir.path() + "/b"), nullptr);
  REQUIRE_FALSE(imported.ok());
  CHECK(imported.error().rule == "ArchiveUnverified");
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/b"));
}

TEST_CASE("a valid buffer with a wrong prev_hash fails verify as PrevHashMismatch",
          "[replay][verify]") {
  TempDir dir;
  auto history = generate_history({8, 2, 5, 3});
  // Person #2's fourth event, re-encoded: its own hash is right, its link is not.
  std::string event_id;
  for (auto& e : history) {
    if (e.key == history[2].key && e.sequence == 4) {
      lg::Hash wrong{};
      wrong.fill(0xab);
      e.event = with_prev_hash(e.event, wrong);
      REQUIRE(lg::decode_event(e.event.frame).ok());
      event_id = e.event_id;
    }
  }
  REQUIRE(!event_id.empty());
  auto log = open_journal(dir.path());
  append_history(*log, history);
  log.reset();

  const auto report = verify(journal_spec(dir.path()));
  CHECK_FALSE(report.ok());
  const auto breaks = failures(report, rp::FindingKind::kBreak);
  REQUIRE(breaks.size() == 1);
  CHECK(breaks[0]->rule == "PrevHashMismatch");
  CHECK(breaks[0]->event_id == event_id);
  CHECK(breaks[0]->event_id_verified);
  CHECK(breaks[0]->sequence == 4);
  CHECK(failures(report, rp::FindingKind::kFollows).size() == 1);  // its #5
  CHECK(rp::to_json(report)["failures"][0]["rule"] == "PrevHashMismatch");
}

TEST_CASE("verify reports every break, a gap, headers, and tolerates a redelivery",
          "[replay][verify]") {
  TempDir dir;
  auto history = generate_history({6, 2, 4, 5});
  std::vector<GeneratedEvent> written;
  std::string gap_id, other_id;
  for (const auto& e : history) {
    if (e.key == history[1].key && e.sequence == 2) continue;  // lost: a gap
    written.push_back(e);
    if (e.key == history[1].key && e.sequence == 3) gap_id = e.event_id;
    if (e.key == history[4].key && e.sequence == 2) {
      written.push_back(e);  // a redelivery of the same event
    }
  }
  auto log = open_journal(dir.path());
  append_history(*log, written);
  // A record whose header disagrees with its envelope.
  auto other = generate_history({0, 1, 1, 99})[0];
  lg::Record wrong_type = to_record(other.event);
  wrong_type.event_type = "PaymentReceived";
  REQUIRE(log->append(lg::Topic::kCompanyEvents, other.key, std::span(&wrong_type, 1)).ok());
  other_id = other.event_id;
  log.reset();

  const auto report = verify(journal_spec(dir.path()));
  CHECK_FALSE(report.ok());
  const auto breaks = failures(report, rp::FindingKind::kBreak);
  REQUIRE(breaks.size() == 2);
  CHECK(breaks[0]->rule == "SequenceGap");
  CHECK(breaks[0]->event_id == gap_id);
  CHECK(breaks[1]->rule == "RecordHeaderMismatch");
  CHECK(breaks[1]->event_id == other_id);
  CHECK(failures(report, rp::FindingKind::kFollows).size() == 1);
  const auto dups = failures(report, rp::FindingKind::kDuplicate);
  REQUIRE(dups.size() == 1);
  CHECK(dups[0]->aggregate_key == history[4].key);
  CHECK(report.findings_total == 3);  // the duplicate is listed, not counted
}

TEST_CASE("an archive cut short or with a damaged trailer does not verify", "[replay][archive]") {
  TempDir dir;
  const std::string file = dir.path() + "/h.kassa";
  fill_journal(dir.path() + "/a", generate_history({3, 1, 3, 1}));
  export_journal(dir.path() + "/a", file);
  std::string bytes = slurp(file);
  SECTION("truncated") { bytes.resize(bytes.size() - 100); }
  SECTION("trailer hash changed") { bytes[bytes.size() - 1] = static_cast<char>(bytes.back() ^ 1); }
  SECTION("not an archive") { bytes = std::string(200, 'x'); }
  spit(file, bytes);
  auto report = rp::verify_source(archive_spec(file), nullptr);
  if (!report.ok()) {
    CHECK(report.error().rule == "ArchiveHeader");
    return;
  }
  CHECK_FALSE(report->ok());
  REQUIRE(report->archive.has_value());
  CHECK_FALSE(report->archive->ok());
}
