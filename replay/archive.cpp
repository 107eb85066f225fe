#include "replay/archive.h"

#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "log/random.h"
#include "schemas/archive_generated.h"

namespace kassa::replay {

namespace s = kassa::schemas;

// BLAKE2b-256 over a stream of bytes (the archive's file hash).
class StreamHash {
 public:
  StreamHash() {
    log::ensure_sodium();
    crypto_generichash_init(&state_, nullptr, 0, crypto_generichash_BYTES);
  }
  void update(const uint8_t* data, std::size_t n) { crypto_generichash_update(&state_, data, n); }
  log::Hash final() {
    log::Hash h{};
    crypto_generichash_final(&state_, h.data(), h.size());
    return h;
  }

 private:
  crypto_generichash_state state_;
};

namespace {

constexpr std::array<uint8_t, 4> kTrailerMagic = {'K', 'A', 'T', '1'};

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void put_le(uint8_t* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint32_t get_le32(const uint8_t* in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(in[i]) << (8 * i);
  return v;
}

std::string where(log::Topic topic, int32_t partition) {
  return std::string(log::topic_suffix(topic)) + "/" + std::to_string(partition);
}

s::ArchiveTopic to_archive(log::Topic t) { return static_cast<s::ArchiveTopic>(t); }

std::vector<s::TopicPartitionCount> counts_vector(const PartitionCounts& counts) {
  std::vector<s::TopicPartitionCount> out;
  for (log::Topic t : log::kAllTopics) {
    out.emplace_back(to_archive(t), counts[static_cast<std::size_t>(t)]);
  }
  return out;
}

Result<PartitionCounts> counts_from(const flatbuffers::Vector<const s::TopicPartitionCount*>* v) {
  PartitionCounts counts{};
  if (v == nullptr || v->size() != 3) {
    return Error::corrupt("ArchiveHeader", "the partition counts of the three topics are missing");
  }
  for (const s::TopicPartitionCount* c : *v) {
    const auto t = static_cast<std::size_t>(c->topic());
    if (t > 2 || c->partitions() <= 0 || counts[t] != 0) {
      return Error::corrupt("ArchiveHeader", "bad partition count entry");
    }
    counts[t] = c->partitions();
  }
  return counts;
}

Error io_error(const std::string& what) {
  return Error::unavailable("ArchiveIo", what + ": " + std::strerror(errno));
}

// Writes length-prefixed records and hashes every byte written.
class RecordWriter {
 public:
  RecordWriter(std::FILE* f, StreamHash& hash) : f_(f), hash_(hash) {}
  bool write(const uint8_t* data, std::size_t n) {
    uint8_t len[4];
    put_le(len, n, 4);
    return raw(len, 4) && raw(data, n);
  }
  bool raw(const uint8_t* data, std::size_t n) {
    hash_.update(data, n);
    bytes_ += n;
    return std::fwrite(data, 1, n, f_) == n;
  }
  uint64_t bytes() const { return bytes_; }

 private:
  std::FILE* f_;
  StreamHash& hash_;
  uint64_t bytes_ = 0;
};

flatbuffers::Offset<s::PartitionSummary> pack_summary(flatbuffers::FlatBufferBuilder& fbb,
                                                      const PartitionStats& st) {
  const auto head = fbb.CreateVector(st.hash_head.data(), st.hash_head.size());
  return s::CreatePartitionSummary(fbb, to_archive(st.topic), st.partition, st.count,
                                   st.first_offset, st.last_offset, head, st.aggregates);
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};

}  // namespace

void advance_hash_head(log::Hash& head, int64_t offset, std::span<const uint8_t> frame) {
  log::ensure_sodium();
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, head.size());
  crypto_generichash_update(&st, head.data(), head.size());
  uint8_t fixed[12];
  put_le(fixed, static_cast<uint64_t>(offset), 8);
  put_le(fixed + 8, frame.size(), 4);
  crypto_generichash_update(&st, fixed, sizeof fixed);
  crypto_generichash_update(&st, frame.data(), frame.size());
  crypto_generichash_final(&st, head.data(), head.size());
}

std::string to_hex(const log::Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : hash) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// ---- PartitionTally ---------------------------------------------------------

PartitionTally::PartitionTally(const PartitionCounts& counts) {
  for (log::Topic t : log::kAllTopics) {
    for (int32_t p = 0; p < counts[static_cast<std::size_t>(t)]; ++p) {
      Entry& e = entries_[{static_cast<int>(t), p}];
      e.stats.topic = t;
      e.stats.partition = p;
    }
  }
}

std::string PartitionTally::add(const log::StoredRecord& r) {
  auto it = entries_.find({static_cast<int>(r.topic), r.partition});
  if (it == entries_.end()) {
    return "record at " + where(r.topic, r.partition) + " offset " + std::to_string(r.offset) +
           ": no such partition";
  }
  PartitionStats& st = it->second.stats;
  if (st.count > 0 && r.offset <= st.last_offset) {
    return "record at " + where(r.topic, r.partition) + " offset " + std::to_string(r.offset) +
           " does not follow offset " + std::to_string(st.last_offset);
  }
  if (st.count == 0) st.first_offset = r.offset;
  st.last_offset = r.offset;
  ++st.count;
  ++total_;
  advance_hash_head(
      st.hash_head, r.offset,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(r.value.data()), r.value.size()));
  if (it->second.keys.insert(r.key).second) st.aggregates = it->second.keys.size();
  versions_[r.schema_version] = true;
  return {};
}

std::vector<PartitionStats> PartitionTally::stats() const {
  std::vector<PartitionStats> out;
  out.reserve(entries_.size());
  for (const auto& [k, e] : entries_) out.push_back(e.stats);
  return out;
}

std::vector<uint16_t> PartitionTally::schema_versions() const {
  std::vector<uint16_t> out;
  out.reserve(versions_.size());
  for (const auto& [v, seen] : versions_) out.push_back(v);
  return out;
}

// ---- export -----------------------------------------------------------------

Result<ExportSummary> export_archive(RecordStream& in, const std::string& path,
                                     const ExportOptions& options, Progress* progress) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Error::conflict("ArchiveExists", path + " exists; an export never overwrites a file");
  }
  const std::string partial = path + ".partial";
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(partial.c_str(), "wb"));
  if (!file) return io_error("creating " + partial);
  std::vector<char> buffer(1 << 20);
  std::setvbuf(file.get(), buffer.data(), _IOFBF, buffer.size());

  StreamHash hash;
  RecordWriter out(file.get(), hash);
  const int64_t created = options.created_at_us != 0 ? options.created_at_us : now_us();
  const PartitionCounts counts = in.partition_counts();
  flatbuffers::FlatBufferBuilder fbb(1 << 16);
  {
    const auto src = fbb.CreateString(options.source_url);
    const auto tool = fbb.CreateString(options.tool_version);
    const auto cv = counts_vector(counts);
    const auto parts = fbb.CreateVectorOfStructs(cv);
    const auto header =
        s::CreateArchiveHeader(fbb, kArchiveFormatVersion, created, src, tool, parts);
    s::FinishArchiveRecordBuffer(
        fbb, s::CreateArchiveRecord(fbb, s::ArchiveBody::ArchiveHeader, header.Union()));
    if (!out.write(fbb.GetBufferPointer(), fbb.GetSize())) return io_error("writing " + partial);
  }

  PartitionTally tally(counts);
  uint64_t events = 0;
  for (;;) {
    auto batch = in.next(1000);
    if (!batch.ok()) {
      file.reset();
      std::filesystem::remove(partial, ec);
      return batch.error();
    }
    if (batch->empty()) break;
    for (const log::StoredRecord& r : *batch) {
      const std::string problem = tally.add(r);
      KASSA_ASSERT(problem.empty(), "a source delivered records out of order");
      fbb.Clear();
      const auto key = fbb.CreateString(r.key);
      const auto type = fbb.CreateString(r.event_type);
      const auto frame =
          fbb.CreateVector(reinterpret_cast<const uint8_t*>(r.value.data()), r.value.size());
      flatbuffers::Offset<flatbuffers::String> reason;
      if (r.quarantine) reason = fbb.CreateString(r.quarantine->reason);
      s::ArchivedEventBuilder b(fbb);
      b.add_topic(to_archive(r.topic));
      b.add_partition(r.partition);
      b.add_offset(r.offset);
      b.add_key(key);
      b.add_event_type(type);
      b.add_schema_version(r.schema_version);
      b.add_timestamp_us(r.timestamp_us);
      b.add_frame(frame);
      if (r.quarantine) {
        b.add_quarantine_reason(reason);
        b.add_source_topic(to_archive(r.quarantine->source_topic));
        b.add_source_partition(r.quarantine->source_partition);
        b.add_source_offset(r.quarantine->source_offset);
      }
      const auto ev = b.Finish();
      s::FinishArchiveRecordBuffer(
          fbb, s::CreateArchiveRecord(fbb, s::ArchiveBody::ArchivedEvent, ev.Union()));
      if (!out.write(fbb.GetBufferPointer(), fbb.GetSize())) return io_error("writing " + partial);
      ++events;
    }
    if (progress != nullptr) progress->update(in.progress_done(), in.progress_total(), events);
  }

  ExportSummary summary;
  summary.partitions = tally.stats();
  {
    fbb.Clear();
    std::vector<flatbuffers::Offset<s::PartitionSummary>> sums;
    sums.reserve(summary.partitions.size());
    for (const PartitionStats& st : summary.partitions) sums.push_back(pack_summary(fbb, st));
    const auto sums_v = fbb.CreateVector(sums);
    const auto src = fbb.CreateString(options.source_url);
    const auto cv = counts_vector(counts);
    const auto parts = fbb.CreateVectorOfStructs(cv);
    const auto versions = fbb.CreateVector(tally.schema_versions());
    const auto manifest = s::CreateArchiveManifest(fbb, kArchiveFormatVersion, created, now_us(),
                                                   src, parts, sums_v, tally.total(), versions);
    s::FinishArchiveRecordBuffer(
        fbb, s::CreateArchiveRecord(fbb, s::ArchiveBody::ArchiveManifest, manifest.Union()));
    if (!out.write(fbb.GetBufferPointer(), fbb.GetSize())) return io_error("writing " + partial);
  }
  const log::Hash file_hash = hash.final();
  uint8_t trailer[kTrailerSize];
  std::copy(kTrailerMagic.begin(), kTrailerMagic.end(), trailer);
  put_le(trailer + 4, file_hash.size(), 4);
  std::copy(file_hash.begin(), file_hash.end(), trailer + 8);
  summary.bytes = out.bytes() + kTrailerSize;
  if (std::fwrite(trailer, 1, sizeof trailer, file.get()) != sizeof trailer ||
      std::fflush(file.get()) != 0 || ::fsync(fileno(file.get())) != 0) {
    return io_error("writing " + partial);
  }
  if (std::fclose(file.release()) != 0) return io_error("closing " + partial);
  std::filesystem::rename(partial, path, ec);
  if (ec) return Error::unavailable("ArchiveIo", "renaming " + partial + ": " + ec.message());
  summary.events = events;
  summary.file_hash = to_hex(file_hash);
  if (progress != nullptr) summary.seconds = progress->finish(events);
  return summary;
}

// ---- ArchiveReader ----------------------------------------------------------

ArchiveReader::ArchiveReader(std::string path) : path_(std::move(path)) {}
ArchiveReader::~ArchiveReader() = default;

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::open(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error::not_found("ArchiveMissing", "cannot read " + path + ": " + ec.message());
  std::unique_ptr<ArchiveReader> r(new ArchiveReader(path));
  r->in_.open(path, std::ios::binary);
  if (!r->in_) return Error::not_found("ArchiveMissing", "cannot open " + path);
  r->size_ = size;
  r->hash_ = std::make_unique<StreamHash>();
  if (size < kTrailerSize + 4) {
    return Error::corrupt("ArchiveHeader", path + " is too short to be a replay archive");
  }
  std::vector<uint8_t> buf;
  if (!r->read_record(buf)) {
    return Error::corrupt("ArchiveHeader", path + " does not start with an archive header record");
  }
  flatbuffers::Verifier v(buf.data(), buf.size());
  if (!s::VerifyArchiveRecordBuffer(v) ||
      s::GetArchiveRecord(buf.data())->body_type() != s::ArchiveBody::ArchiveHeader) {
    return Error::corrupt("ArchiveHeader", path + " does not start with an archive header record");
  }
  const s::ArchiveHeader* h = s::GetArchiveRecord(buf.data())->body_as_ArchiveHeader();
  ArchiveHeaderInfo info;
  info.format_version = h->format_version();
  info.created_at_us = h->created_at_us();
  info.source = h->source() ? h->source()->str() : "";
  info.tool_version = h->tool_version() ? h->tool_version()->str() : "";
  KASSA_ASSIGN_OR_RETURN(auto counts, counts_from(h->partitions()));
  info.partitions = counts;
  if (info.format_version != kArchiveFormatVersion) {
    return Error::corrupt("ArchiveFormatVersion",
                          "archive format " + std::to_string(info.format_version) +
                              " (this build reads " + std::to_string(kArchiveFormatVersion) + ")");
  }
  r->counts_ = info.partitions;
  r->check_.header = std::move(info);
  r->tally_ = std::make_unique<PartitionTally>(r->counts_);
  return r;
}

std::vector<PartitionExtent> ArchiveReader::extents() const {
  std::vector<PartitionExtent> out;
  for (log::Topic t : log::kAllTopics) {
    for (int32_t p = 0; p < counts_[static_cast<std::size_t>(t)]; ++p) out.push_back({t, p, -1});
  }
  return out;
}

bool ArchiveReader::read_record(std::vector<uint8_t>& buf) {
  const uint64_t end = size_ - kTrailerSize;
  if (position_ == end) return false;
  if (position_ + 4 > end) {
    check_.structure_problems.push_back("truncated record length at byte " +
                                        std::to_string(position_));
    return false;
  }
  uint8_t len[4];
  if (!in_.read(reinterpret_cast<char*>(len), 4)) {
    check_.structure_problems.push_back("read error at byte " + std::to_string(position_));
    return false;
  }
  hash_->update(len, 4);
  const uint32_t n = get_le32(len);
  if (n > kMaxArchiveRecord || position_ + 4 + n > end) {
    check_.structure_problems.push_back("record " + std::to_string(records_) + " at byte " +
                                        std::to_string(position_) + " claims " + std::to_string(n) +
                                        " bytes, beyond the end of the records; the rest of the "
                                        "file cannot be framed");
    position_ += 4;
    return false;
  }
  buf.resize(n);
  if (!in_.read(reinterpret_cast<char*>(buf.data()), n)) {
    check_.structure_problems.push_back("read error at byte " + std::to_string(position_));
    position_ += 4;
    return false;
  }
  hash_->update(buf.data(), n);
  position_ += 4 + n;
  ++records_;
  return true;
}

Result<std::vector<log::StoredRecord>> ArchiveReader::next(std::size_t max) {
  std::vector<log::StoredRecord> out;
  std::vector<uint8_t> buf;
  while (!finished_ && out.size() < max) {
    const uint64_t at = position_;
    if (!read_record(buf)) {
      finish();
      break;
    }
    const std::string record_name =
        "record " + std::to_string(records_ - 1) + " at byte " + std::to_string(at);
    flatbuffers::Verifier v(buf.data(), buf.size());
    if (!s::VerifyArchiveRecordBuffer(v)) {
      check_.structure_problems.push_back(record_name + " fails the FlatBuffers verifier; skipped");
      continue;
    }
    const s::ArchiveRecord* rec = s::GetArchiveRecord(buf.data());
    switch (rec->body_type()) {
      case s::ArchiveBody::ArchivedEvent: {
        if (check_.manifest) {
          check_.structure_problems.push_back(record_name + ": an event after the manifest");
        }
        const s::ArchivedEvent* e = rec->body_as_ArchivedEvent();
        if (static_cast<int>(e->topic()) > 2 ||
            (e->quarantine_reason() != nullptr && static_cast<int>(e->source_topic()) > 2)) {
          check_.structure_problems.push_back(record_name + ": unknown topic; skipped");
          continue;
        }
        log::StoredRecord r;
        r.topic = static_cast<log::Topic>(e->topic());
        r.partition = e->partition();
        r.offset = e->offset();
        if (e->key() != nullptr) r.key = e->key()->str();
        if (e->event_type() != nullptr) r.event_type = e->event_type()->str();
        r.schema_version = e->schema_version();
        r.timestamp_us = e->timestamp_us();
        if (e->frame() != nullptr) {
          r.value.assign(reinterpret_cast<const char*>(e->frame()->data()), e->frame()->size());
        }
        if (e->quarantine_reason() != nullptr) {
          r.quarantine = log::QuarantineInfo{e->quarantine_reason()->str(),
                                             static_cast<log::Topic>(e->source_topic()),
                                             e->source_partition(), e->source_offset()};
        }
        const std::string problem = tally_->add(r);
        if (!problem.empty()) {
          check_.structure_problems.push_back(record_name + ": ");
          check_.structure_problems.back() += problem + "; skipped";
          continue;
        }
        out.push_back(std::move(r));
        break;
      }
      case s::ArchiveBody::ArchiveManifest: {
        if (check_.manifest) {
          check_.structure_problems.push_back(record_name + ": a second manifest");
          break;
        }
        const s::ArchiveManifest* m = rec->body_as_ArchiveManifest();
        ArchiveManifestInfo info;
        info.created_at_us = m->created_at_us();
        info.finished_at_us = m->finished_at_us();
        info.source = m->source() ? m->source()->str() : "";
        auto counts = counts_from(m->partitions());
        if (counts.ok()) info.partitions = *counts;
        info.total_events = m->total_events();
        if (m->schema_versions() != nullptr) {
          info.schema_versions.assign(m->schema_versions()->begin(), m->schema_versions()->end());
        }
        if (m->summaries() != nullptr) {
          for (const s::PartitionSummary* ps : *m->summaries()) {
            PartitionStats st;
            st.topic = static_cast<log::Topic>(std::min<int>(static_cast<int>(ps->topic()), 2));
            st.partition = ps->partition();
            st.count = ps->count();
            st.first_offset = ps->first_offset();
            st.last_offset = ps->last_offset();
            if (ps->hash_head() != nullptr && ps->hash_head()->size() == 32) {
              std::copy(ps->hash_head()->begin(), ps->hash_head()->end(), st.hash_head.begin());
            }
            st.aggregates = ps->aggregates();
            info.summaries.push_back(st);
          }
        }
        check_.manifest = std::move(info);
        break;
      }
      default: check_.structure_problems.push_back(record_name + ": unexpected record type"); break;
    }
  }
  return out;
}

void ArchiveReader::finish() {
  finished_ = true;
  // Hash whatever could not be framed, so the file hash still covers every
  // byte before the trailer.
  const uint64_t end = size_ - kTrailerSize;
  std::vector<uint8_t> rest(1 << 16);
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(position_));
  while (position_ < end) {
    const auto n = static_cast<std::size_t>(std::min<uint64_t>(rest.size(), end - position_));
    if (!in_.read(reinterpret_cast<char*>(rest.data()), static_cast<std::streamsize>(n))) break;
    hash_->update(rest.data(), n);
    position_ += n;
  }
  uint8_t trailer[kTrailerSize];
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(end));
  const log::Hash computed = hash_->final();
  check_.file_hash_computed = to_hex(computed);
  if (!in_.read(reinterpret_cast<char*>(trailer), kTrailerSize) ||
      !std::equal(kTrailerMagic.begin(), kTrailerMagic.end(), trailer) ||
      get_le32(trailer + 4) != 32) {
    check_.structure_problems.push_back("the 40-byte trailer is missing or damaged");
  } else {
    log::Hash stored{};
    std::copy(trailer + 8, trailer + 40, stored.begin());
    check_.file_hash_stored = to_hex(stored);
    check_.file_hash_ok = stored == computed;
  }
  position_ = size_;

  // The manifest against what the records actually hold.
  auto& problems = check_.manifest_problems;
  if (!check_.manifest) {
    problems.push_back("the archive has no manifest");
    return;
  }
  const ArchiveManifestInfo& m = *check_.manifest;
  if (m.partitions != counts_)
    problems.push_back("the manifest's partition counts differ from the header's");
  if (m.total_events != tally_->total()) {
    problems.push_back("the manifest counts " + std::to_string(m.total_events) +
                       " records, the archive holds " + std::to_string(tally_->total()));
  }
  if (m.schema_versions != tally_->schema_versions()) {
    problems.push_back("the manifest's schema versions differ from the records'");
  }
  const std::vector<PartitionStats> actual = tally_->stats();
  std::map<std::pair<int, int32_t>, const PartitionStats*> listed;
  for (const PartitionStats& st : m.summaries)
    listed[{static_cast<int>(st.topic), st.partition}] = &st;
  for (const PartitionStats& a : actual) {
    const std::string name = where(a.topic, a.partition);
    auto it = listed.find({static_cast<int>(a.topic), a.partition});
    if (it == listed.end()) {
      problems.push_back(name + ": missing from the manifest");
      continue;
    }
    const PartitionStats& e = *it->second;
    if (e.count != a.count) {
      problems.push_back(name + ": the manifest counts " + std::to_string(e.count) +
                         " records, the archive holds " + std::to_string(a.count));
    }
    if (e.first_offset != a.first_offset || e.last_offset != a.last_offset) {
      problems.push_back(name + ": the manifest's offsets " + std::to_string(e.first_offset) +
                         ".." + std::to_string(e.last_offset) + " differ from the records' " +
                         std::to_string(a.first_offset) + ".." + std::to_string(a.last_offset));
    }
    if (e.hash_head != a.hash_head) {
      problems.push_back(name + ": hash head " + to_hex(a.hash_head) +
                         " of the records differs from the manifest's " + to_hex(e.hash_head));
    }
    if (e.aggregates != a.aggregates) {
      problems.push_back(name + ": the manifest counts " + std::to_string(e.aggregates) +
                         " aggregates, the records " + std::to_string(a.aggregates));
    }
    listed.erase(it);
  }
  for (const auto& [k, st] : listed) {
    problems.push_back(where(st->topic, st->partition) + ": in the manifest but not in the header");
  }
}

Result<ArchiveCheck> check_archive(const std::string& path, Progress* progress) {
  KASSA_ASSIGN_OR_RETURN(auto reader, ArchiveReader::open(path));
  uint64_t events = 0;
  for (;;) {
    KASSA_ASSIGN_OR_RETURN(auto batch, (reader)->next(1000));
    if (batch.empty()) break;
    events += batch.size();
    if (progress != nullptr) {
      progress->update((reader)->progress_done(), (reader)->progress_total(), events);
    }
  }
  return (reader)->check();
}

}  // namespace kassa::replay
