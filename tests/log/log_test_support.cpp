#include "log_test_support.h"

#include <cstdlib>
#include <filesystem>
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
  for (int i = 0; i < count; ++i) out.push_back(make_record(std::string(prefix) + "#" + std::to_string(i)));
  return out;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "kassa-log-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace kassa::log::testing
