#include "log_test_support.h"

#include <rocksdb/db.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace kassa::log::testing {

uint32_t crc32(std::string_view data) {
  uint32_t crc = 0xffffffffu;
  for (char c : data) {
    crc ^= static_cast<unsigned char>(c);
    for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string sealed(std::string_view payload) {
  std::string out(1, kMagic);
  out.append(payload);
  const uint32_t c = crc32(out);
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((c >> (8 * i)) & 0xff));
  return out;
}

std::string unsealed(std::string_view value) {
  return std::string(value.substr(1, value.size() - 5));
}

RecordVerifier test_verifier() {
  return [](const StoredRecord& r) -> Status {
    if (r.event_type != kEventA && r.event_type != kEventB) {
      return Error::corrupt("UnknownEventType", "event type '" + r.event_type + "' is not known");
    }
    if (r.schema_version != 1) return Error::corrupt("SchemaVersion", "unknown schema version");
    if (r.value.size() < 5 || r.value[0] != kMagic) {
      return Error::corrupt("BufferVerification", "the buffer does not start with the magic byte");
    }
    const std::string_view body(r.value.data(), r.value.size() - 4);
    uint32_t stored = 0;
    for (std::size_t i = body.size(); i < r.value.size(); ++i) {
      stored = (stored << 8) | static_cast<unsigned char>(r.value[i]);
    }
    if (crc32(body) != stored) return Error::corrupt("BufferVerification", "checksum mismatch");
    return {};
  };
}

Record make_record(std::string_view payload) {
  return Record{sealed(payload), std::string(kEventA), 1};
}

std::vector<Record> make_records(std::string_view prefix, int count) {
  std::vector<Record> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    out.push_back(make_record(std::string(prefix) + "#" + std::to_string(i)));
  return out;
}

void flush_journal(const std::string& path) {
  rocksdb::Options options;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, {}}, {"journal", {}}, {"meta", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(options, path, cfs, &handles, &raw);
  if (!s.ok()) throw std::runtime_error("flush_journal: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  s = db->Flush(rocksdb::FlushOptions(), handles);
  for (auto* h : handles) (void)db->DestroyColumnFamilyHandle(h);
  if (!s.ok()) throw std::runtime_error("flush_journal: " + s.ToString());
}

std::string largest_table(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path table;
  for (const auto& e : fs::directory_iterator(path)) {
    if (e.path().extension() == ".sst" && (table.empty() || e.file_size() > fs::file_size(table))) {
      table = e.path();
    }
  }
  if (table.empty()) throw std::runtime_error("largest_table: no table in " + path);
  return table.string();
}

void flip_byte(const std::string& file, std::uintmax_t at) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(at));
  f.put(static_cast<char>(c ^ 0x5a));
  if (!f) throw std::runtime_error("flip_byte: cannot rewrite " + file);
}

}  // namespace kassa::log::testing
