#include "replay/verify.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "log/chain_verifier.h"
#include "log/event_codec.h"

namespace kassa::replay {

namespace s = kassa::schemas;

namespace {

struct BreakPoint {
  int64_t offset = -1;
  std::string event_id;
  std::string rule;
};

// What an envelope claims about itself when its frame did not verify. Each
// field is read only if its own bytes pass the FlatBuffers bounds checks, so
// damage elsewhere in the buffer still lets verify name the event; the
// values are marked unverified in the report.
struct Claimed {
  std::string event_id;
  std::string aggregate_key;
  uint64_t sequence = 0;
  std::string event_type;
};

std::optional<Claimed> peek(const std::string& value) {
  if (value.size() < log::kFrameHeaderSize + 8) return std::nullopt;
  // An aligned copy: FlatBuffers reads scalars in place.
  std::vector<uint8_t> env(value.begin() + static_cast<std::ptrdiff_t>(log::kFrameHeaderSize),
                           value.end());
  const uint8_t* buf = env.data();
  const auto root = flatbuffers::ReadScalar<flatbuffers::uoffset_t>(buf);
  if (root > env.size() - 4) return std::nullopt;
  flatbuffers::Verifier v(buf, env.size());
  const auto* table = reinterpret_cast<const flatbuffers::Table*>(buf + root);
  const auto* e = reinterpret_cast<const s::Envelope*>(table);
  if (!table->VerifyTableStart(v) ||
      !table->VerifyFieldRequired<s::Uuid>(v, s::Envelope::VT_EVENT_ID, 1)) {
    return std::nullopt;
  }
  Claimed c;
  c.event_id = log::Uuid::from_schema(e->event_id()).to_string();
  if (table->VerifyField<uint64_t>(v, s::Envelope::VT_SEQUENCE, 8)) c.sequence = e->sequence();
  if (table->VerifyOffsetRequired(v, s::Envelope::VT_AGGREGATE_KEY) &&
      v.VerifyString(e->aggregate_key())) {
    c.aggregate_key = e->aggregate_key()->str();
  }
  if (table->VerifyField<uint8_t>(v, s::Envelope::VT_BODY_TYPE, 1)) {
    c.event_type = std::string(log::event_type_name(e->body_type()));
  }
  return c;
}

class Verifier {
 public:
  Verifier(VerifyReport& report, const PartitionCounts& counts)
      : report_(report), counts_(counts), tally_(counts) {}

  void add(const log::StoredRecord& r) {
    const std::string problem = tally_.add(r);
    if (!problem.empty()) {
      Finding f = at(r, FindingKind::kHeader);
      f.rule = "OffsetOrder";
      f.message = problem;
      record(std::move(f));
      return;
    }
    if (r.topic == log::Topic::kQuarantine) {
      ++report_.quarantined_total;
      if (report_.quarantined.size() < kMaxListedFindings) {
        QuarantinedItem q;
        q.partition = r.partition;
        q.offset = r.offset;
        if (r.quarantine) {
          q.source_topic = r.quarantine->source_topic;
          q.source_partition = r.quarantine->source_partition;
          q.source_offset = r.quarantine->source_offset;
          q.reason = r.quarantine->reason;
        }
        report_.quarantined.push_back(std::move(q));
      }
      return;
    }
    ++report_.events;
    auto decoded = log::decode_event(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(r.value.data()), r.value.size()));
    if (!decoded.ok()) {
      Finding f = at(r, FindingKind::kBreak);
      f.rule = decoded.error().rule;
      f.message = decoded.error().message;
      f.aggregate_key = r.key;
      if (auto claimed = peek(r.value)) {
        f.event_id = claimed->event_id;
        if (!claimed->aggregate_key.empty()) f.aggregate_key = claimed->aggregate_key;
        f.sequence = claimed->sequence;
        f.event_type = claimed->event_type;
      }
      broke(f);
      record(std::move(f));
      return;
    }
    const log::DecodedEvent& ev = *decoded;
    const std::string key(ev.aggregate_key());
    if (auto bad = header_break(r, ev)) {
      if (!broken_.count(key)) broke(*bad);
      record(std::move(*bad));
      return;
    }
    check_partition(r, ev);
    if (auto it = broken_.find(key); it != broken_.end()) {
      Finding f = named(r, ev, FindingKind::kFollows);
      f.rule = kFollowsBrokenChain;
      f.message = "follows the chain of " + key + " broken at offset " +
                  std::to_string(it->second.offset) +
                  (it->second.event_id.empty() ? "" : " (event " + it->second.event_id + ")") +
                  " by " + it->second.rule + "; not chain-checked";
      record(std::move(f));
      return;
    }
    auto fed = chain_.feed(ev);
    if (fed.ok()) return;
    if (fed.error().rule == log::rules::kDuplicateEvent) {
      ++part(r).duplicates;
      Finding f = named(r, ev, FindingKind::kDuplicate);
      f.rule = fed.error().rule;
      f.message = fed.error().message;
      if (duplicates_listed_++ < kMaxListedFindings) report_.findings.push_back(std::move(f));
      return;
    }
    Finding f = named(r, ev, FindingKind::kBreak);
    f.rule = fed.error().rule;
    f.message = fed.error().message;
    broke(f);
    record(std::move(f));
  }

  void finish() {
    for (const PartitionStats& st : tally_.stats())
      report_partition(st.topic, st.partition).stats = st;
    std::sort(report_.partitions.begin(), report_.partitions.end(),
              [](const PartitionReport& a, const PartitionReport& b) {
                return std::pair(static_cast<int>(a.stats.topic), a.stats.partition) <
                       std::pair(static_cast<int>(b.stats.topic), b.stats.partition);
              });
    report_.aggregates = chain_.aggregate_count() + unseen_broken();
    report_.broken_aggregates = broken_.size();
  }

 private:
  Finding at(const log::StoredRecord& r, FindingKind kind) const {
    Finding f;
    f.kind = kind;
    f.topic = r.topic;
    f.partition = r.partition;
    f.offset = r.offset;
    f.event_type = r.event_type;
    return f;
  }

  Finding named(const log::StoredRecord& r, const log::DecodedEvent& ev, FindingKind kind) const {
    Finding f = at(r, kind);
    f.event_id = ev.event_id().to_string();
    f.event_id_verified = true;
    f.aggregate_key = std::string(ev.aggregate_key());
    f.sequence = ev.sequence();
    f.event_type = std::string(ev.type_name());
    return f;
  }

  // The checks log::verify_record makes before the chain (a reader
  // quarantines the record, so its aggregate's chain breaks there): the
  // record key and headers must be the envelope's, and person events live on
  // the person topic, company and fund events on the company topic.
  std::optional<Finding> header_break(const log::StoredRecord& r,
                                      const log::DecodedEvent& ev) const {
    std::string rule;
    std::string problem;
    const bool company_topic = r.topic == log::Topic::kCompanyEvents;
    const bool company_event = ev.aggregate_kind() != s::AggregateKind::Person;
    if (r.key != ev.aggregate_key()) {
      rule = "RecordKeyMismatch";
      problem = "the record key is not the envelope's aggregate key";
    } else if (r.event_type != ev.type_name() || r.schema_version != ev.schema_version()) {
      rule = "RecordHeaderMismatch";
      problem = "the headers (" + r.event_type + " v" + std::to_string(r.schema_version) +
                ") disagree with the envelope (" + std::string(ev.type_name()) + " v" +
                std::to_string(ev.schema_version()) + ")";
    } else if (company_topic != company_event) {
      rule = "TopicMismatch";
      problem = std::string("a ") + s::EnumNameAggregateKind(ev.aggregate_kind()) +
                " event on the " + std::string(log::topic_suffix(r.topic)) + " topic";
    }
    if (rule.empty()) return std::nullopt;
    Finding f = named(r, ev, FindingKind::kBreak);
    f.rule = rule;
    f.message = problem;
    return f;
  }

  // Not checked by readers (they trust the partitioner), but a record in the
  // wrong partition would be read out of order with its aggregate.
  void check_partition(const log::StoredRecord& r, const log::DecodedEvent& ev) {
    const int32_t count = counts_[static_cast<std::size_t>(r.topic)];
    const int32_t expected = log::partition_for_key(ev.aggregate_key(), count);
    if (expected != r.partition) {
      Finding f = named(r, ev, FindingKind::kHeader);
      f.rule = kWrongPartition;
      f.message = "the aggregate key belongs in partition " + std::to_string(expected) + " of " +
                  std::to_string(count);
      record(std::move(f));
    }
  }

  void broke(const Finding& f) {
    if (f.aggregate_key.empty()) return;
    broken_.try_emplace(f.aggregate_key, BreakPoint{f.offset, f.event_id, f.rule});
  }

  void record(Finding f) {
    PartitionReport& p = report_partition(f.topic, f.partition);
    if (f.kind == FindingKind::kFollows) {
      ++p.following;
    } else {
      ++p.failures;
    }
    ++report_.findings_total;
    if (listed_++ < kMaxListedFindings) report_.findings.push_back(std::move(f));
  }

  PartitionReport& part(const log::StoredRecord& r) {
    return report_partition(r.topic, r.partition);
  }

  PartitionReport& report_partition(log::Topic topic, int32_t partition) {
    auto [it, inserted] = index_.try_emplace({static_cast<int>(topic), partition}, 0);
    if (inserted) {
      it->second = report_.partitions.size();
      PartitionReport p;
      p.stats.topic = topic;
      p.stats.partition = partition;
      report_.partitions.push_back(p);
    }
    return report_.partitions[it->second];
  }

  // Broken aggregates whose first event never reached the chain verifier.
  uint64_t unseen_broken() const {
    uint64_t n = 0;
    for (const auto& [key, bp] : broken_) {
      bool seen = false;
      for (auto kind :
           {s::AggregateKind::Person, s::AggregateKind::Company, s::AggregateKind::Fund}) {
        if (chain_.tip(kind, key)) seen = true;
      }
      if (!seen) ++n;
    }
    return n;
  }

  VerifyReport& report_;
  PartitionCounts counts_;
  PartitionTally tally_;
  log::ChainVerifier chain_;
  std::unordered_map<std::string, BreakPoint> broken_;
  std::map<std::pair<int, int32_t>, std::size_t> index_;
  std::size_t listed_ = 0;
  std::size_t duplicates_listed_ = 0;
};

}  // namespace

std::string_view to_string(FindingKind kind) {
  switch (kind) {
    case FindingKind::kBreak: return "break";
    case FindingKind::kFollows: return "follows";
    case FindingKind::kHeader: return "header";
    case FindingKind::kDuplicate: return "duplicate";
  }
  return "break";
}

Result<VerifyReport> verify_stream(RecordStream& in, const ArchiveReader* archive,
                                   Progress* progress) {
  VerifyReport report;
  report.source = in.describe();
  Verifier verifier(report, in.partition_counts());
  uint64_t seen = 0;
  for (;;) {
    KASSA_ASSIGN_OR_RETURN(auto batch, in.next(1000));
    if (batch.empty()) break;
    for (const log::StoredRecord& r : batch) verifier.add(r);
    seen += batch.size();
    if (progress != nullptr) progress->update(in.progress_done(), in.progress_total(), seen);
  }
  verifier.finish();
  if (archive != nullptr) report.archive = archive->check();
  if (progress != nullptr) report.seconds = progress->finish(seen);
  return report;
}

Result<VerifyReport> verify_source(const SourceSpec& source, Progress* progress) {
  if (source.kind == SourceKind::kArchive) {
    KASSA_ASSIGN_OR_RETURN(auto reader, ArchiveReader::open(source.location));
    return verify_stream(*reader, reader.get(), progress);
  }
  KASSA_ASSIGN_OR_RETURN(auto log, open_existing_log(source));
  std::vector<log::journal::Damage> damage;
  if (auto* journal = dynamic_cast<log::journal::JournalLog*>(log.get())) {
    KASSA_ASSIGN_OR_RETURN(damage, journal->scrub());
  }
  KASSA_ASSIGN_OR_RETURN(auto stream, make_log_stream(*log, source.url(), damage));
  auto report = verify_stream(*stream, nullptr, progress);
  if (report.ok()) report->damage = std::move(damage);
  return report;
}

}  // namespace kassa::replay
