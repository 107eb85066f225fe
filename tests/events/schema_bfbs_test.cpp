// The binary schemas shipped to the topics' consumers (schemas/CMakeLists.txt):
// with envelope.bfbs alone, FlatBuffers reflection verifies every event of
// the sample stream against the schema and reads its key, sequence and
// body type, as a consumer in another language would.

#include <catch2/catch.hpp>

#include <flatbuffers/reflection.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

#include "log/personal_data.h"
#include "log/random.h"
#include "sample_stream.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// By name, walking the list: the generated LookupByKey's strcmp trips
// GCC 12's -Wstringop-overread (a false positive) in the sanitizer build.
template <typename T>
const T* named(const flatbuffers::Vector<flatbuffers::Offset<T>>* list, std::string_view name) {
  for (const T* item : *list) {
    if (item->name()->string_view() == name) return item;
  }
  return nullptr;
}

const reflection::Schema& schema_of(const std::string& bytes) {
  flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  REQUIRE(reflection::VerifySchemaBuffer(verifier));
  return *reflection::GetSchema(bytes.data());
}

}  // namespace

TEST_CASE("envelope.bfbs alone reads every event of the sample stream", "[events][schemas]") {
  const std::string bytes = read_file(std::string(KASSA_BFBS_DIR) + "/envelope.bfbs");
  const reflection::Schema& schema = schema_of(bytes);
  REQUIRE(schema.root_table() != nullptr);
  CHECK(schema.root_table()->name()->str() == "kassa.schemas.Envelope");
  CHECK(schema.file_ident()->str() == "KEV1");
  // The file names inside are relative: the bytes do not depend on the build folder.
  for (const auto* file : *schema.fbs_files()) {
    CHECK(file->filename()->str().find(KASSA_SOURCE_DIR) == std::string::npos);
  }

  const reflection::Enum* bodies = named(schema.enums(), "kassa.schemas.EventBody");
  REQUIRE(bodies != nullptr);
  CHECK(bodies->values()->size() ==
        static_cast<std::size_t>(kassa::schemas::EventBody::MAX) + 1);  // NONE and every event

  kassa::log::SeededRandom random(kassa::log::testing::kGoldenSeed);
  kassa::log::InMemoryKeyStore keys(random);
  const auto stream = kassa::log::testing::build_sample_stream(keys, random);
  const reflection::Object& envelope = *schema.root_table();
  const reflection::Field* key = named(envelope.fields(), "aggregate_key");
  const reflection::Field* sequence = named(envelope.fields(), "sequence");
  const reflection::Field* body_type = named(envelope.fields(), "body_type");
  REQUIRE(key != nullptr);
  REQUIRE(sequence != nullptr);
  REQUIRE(body_type != nullptr);
  std::set<std::string> types;
  for (const auto& event : stream.events) {
    const auto envelope_bytes = event.event.envelope_bytes();
    // A consumer's checks: the buffer verifies against the schema alone.
    CHECK(flatbuffers::Verify(schema, envelope, envelope_bytes.data(), envelope_bytes.size()));
    const flatbuffers::Table& root = *flatbuffers::GetAnyRoot(envelope_bytes.data());
    CHECK(flatbuffers::GetAnyFieldS(root, *key, &schema) == event.event.aggregate_key());
    CHECK(flatbuffers::GetAnyFieldI(root, *sequence) ==
          static_cast<std::int64_t>(event.event.sequence()));
    const auto type = flatbuffers::GetAnyFieldI(root, *body_type);
    const reflection::EnumVal* value = nullptr;
    for (const reflection::EnumVal* v : *bodies->values()) {
      if (v->value() == type) value = v;
    }
    REQUIRE(value != nullptr);
    CHECK(value->name()->str() == event.type_name());
    types.insert(value->name()->str());
  }
  // One of every event type: the schema names them all.
  CHECK(types.size() == static_cast<std::size_t>(kassa::schemas::EventBody::MAX));
}

TEST_CASE("personal_data.bfbs and archive.bfbs are shipped with their roots", "[events][schemas]") {
  const std::string personal = read_file(std::string(KASSA_BFBS_DIR) + "/personal_data.bfbs");
  CHECK(schema_of(personal).root_table()->name()->str() == "kassa.schemas.PersonalData");
  CHECK(schema_of(personal).file_ident()->str() == "KPD1");
  const std::string archive = read_file(std::string(KASSA_BFBS_DIR) + "/archive.bfbs");
  CHECK(schema_of(archive).root_table()->name()->str() == "kassa.schemas.ArchiveRecord");
  CHECK(schema_of(archive).file_ident()->str() == "KAR1");
}
