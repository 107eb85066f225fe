// KeyStore contract (in-memory and RocksDB) and RocksDB durability/shredding.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <thread>

#include "log/rocksdb_key_store.h"
#include "support/file_size_limit.h"
#include "support/temp_dir.h"

using namespace kassa::log;
namespace fs = std::filesystem;

namespace {

const std::string kAnna = "P" + std::string(32, 'a');

using kassa::testing::TempDir;

struct InMemoryFixture {
  std::unique_ptr<KeyStore> store = std::make_unique<InMemoryKeyStore>();
};

struct RocksFixture {
  TempDir dir;
  std::unique_ptr<KeyStore> store;
  RocksFixture() {
    auto opened = RocksDbKeyStore::open((fs::path(dir.path()) / "keys").string());
    REQUIRE(opened.ok());
    store = std::move(opened).value();
  }
};

bool any_file_contains(const fs::path& dir, const std::array<std::uint8_t, 32>& needle) {
  const std::string n(needle.begin(), needle.end());
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    if (content.find(n) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEMPLATE_TEST_CASE("KeyStore contract", "[keys]", InMemoryFixture, RocksFixture) {
  TestType fixture;
  KeyStore& keys = *fixture.store;

  auto missing = keys.get(kAnna);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().rule == rules::kKeyNotFound);

  auto created = keys.create_key(kAnna);
  REQUIRE(created.ok());
  CHECK(created->version() == 1);
  auto got = keys.get(kAnna);
  REQUIRE(got.ok());
  CHECK(got->bytes() == created->bytes());

  auto again = keys.create_key(kAnna);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().rule == rules::kKeyExists);

  const std::string other = "P" + std::string(32, 'b');
  auto other_key = keys.create_key(other);
  REQUIRE(other_key.ok());
  CHECK(other_key->bytes() != created->bytes());

  REQUIRE(keys.erase(kAnna).ok());
  REQUIRE(keys.erase(kAnna).ok());  // idempotent
  auto erased = keys.get(kAnna);
  REQUIRE_FALSE(erased.ok());
  CHECK(erased.error().rule == rules::kKeyErased);
  auto recreate = keys.create_key(kAnna);
  REQUIRE_FALSE(recreate.ok());
  CHECK(recreate.error().rule == rules::kKeyErased);
  CHECK(keys.get(other).ok());
}

TEST_CASE("the RocksDB key store survives reopen and remembers erasure", "[keys]") {
  TempDir dir;
  const std::string path = (fs::path(dir.path()) / "keys").string();
  const std::string bert = "P" + std::string(32, 'b');
  std::array<std::uint8_t, 32> anna_bytes{};
  {
    auto store = RocksDbKeyStore::open(path);
    REQUIRE(store.ok());
    auto anna = (*store)->create_key(kAnna);
    REQUIRE(anna.ok());
    anna_bytes = anna->bytes();
    REQUIRE((*store)->create_key(bert).ok());
  }
  {
    auto store = RocksDbKeyStore::open(path);
    REQUIRE(store.ok());
    auto anna = (*store)->get(kAnna);
    REQUIRE(anna.ok());
    CHECK(anna->bytes() == anna_bytes);
    CHECK(any_file_contains(dir.path(), anna_bytes));  // the scan does find keys
    REQUIRE((*store)->erase(kAnna).ok());
  }
  {
    auto store = RocksDbKeyStore::open(path);
    REQUIRE(store.ok());
    auto anna = (*store)->get(kAnna);
    REQUIRE_FALSE(anna.ok());
    CHECK(anna.error().rule == rules::kKeyErased);
    CHECK((*store)->get(bert).ok());
  }
  // Crypto-shredding: no file of the store still holds the erased key bytes.
  CHECK_FALSE(any_file_contains(dir.path(), anna_bytes));
}

TEST_CASE("a full disk: the key store refuses, keeps every key and recovers by itself",
          "[keys][nospace]") {
  // Before: the synced write after a failed one aborted the process inside
  // RocksDB (WritableFileWriter::AssertFalseAndGetStatusForPrevError), and
  // once space returned the store failed every write until a restart.
  TempDir dir;
  auto store = RocksDbKeyStore::open((fs::path(dir.path()) / "keys").string());
  REQUIRE(store.ok());
  std::map<std::string, std::array<std::uint8_t, 32>> kept;
  for (int i = 0; i < 20; ++i) {
    const std::string subject = "P" + std::to_string(1000 + i) + std::string(28, 'k');
    auto key = (*store)->create_key(subject);
    REQUIRE(key.ok());
    kept[subject] = key->bytes();
  }
  int refused = 0;
  {
    kassa::testing::FileSizeLimit full(1);  // no file may grow
    for (int i = 0; i < 100; ++i) {
      const std::string subject = "P" + std::to_string(2000 + i) + std::string(28, 'f');
      auto key = (*store)->create_key(subject);
      if (key.ok()) {
        kept[subject] = key->bytes();
        continue;
      }
      ++refused;
      CHECK(key.error().rule == rules::kKeyStoreIo);
      CHECK(key.error().code == kassa::Errc::kUnavailable);
    }
    CHECK(refused == 100);
    CHECK_FALSE((*store)->writable());
    // Reads go on.
    CHECK((*store)->get(kept.begin()->first).ok());
  }
  // Room again: within a few seconds the store is reopened and writes.
  bool recovered = false;
  for (int i = 0; i < 50 && !recovered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::string subject = "P" + std::to_string(3000 + i) + std::string(28, 'r');
    auto key = (*store)->create_key(subject);
    if (key.ok()) {
      recovered = true;
      kept[subject] = key->bytes();
    }
  }
  REQUIRE(recovered);
  CHECK((*store)->writable());
  for (const auto& [subject, bytes] : kept) {
    auto key = (*store)->get(subject);
    REQUIRE(key.ok());
    CHECK(key->bytes() == bytes);
  }
}

TEST_CASE("a key store that cannot open is KeyStoreIo", "[keys]") {
  TempDir dir;
  const fs::path file = fs::path(dir.path()) / "not-a-dir";
  std::ofstream(file) << "x";
  auto store = RocksDbKeyStore::open((file / "keys").string());
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().rule == rules::kKeyStoreIo);
  CHECK(store.error().code == kassa::Errc::kUnavailable);
}

TEMPLATE_TEST_CASE("create_keys makes the missing keys at once and keeps the existing ones",
                   "[keys]", InMemoryFixture, RocksFixture) {
  TestType fixture;
  KeyStore& keys = *fixture.store;
  auto anna = keys.create_key(kAnna);
  REQUIRE(anna.ok());
  const std::string bob = "P" + std::string(32, 'b');
  const std::string carla = "P" + std::string(32, 'c');
  const std::vector<std::string> subjects{kAnna, bob, carla, bob};
  REQUIRE(keys.create_keys(subjects).ok());
  CHECK(keys.get(kAnna)->bytes() == anna->bytes());  // kept
  REQUIRE(keys.get(bob).ok());
  REQUIRE(keys.get(carla).ok());
  CHECK(keys.get(bob)->bytes() != keys.get(carla)->bytes());

  REQUIRE(keys.erase(carla).ok());
  auto again = keys.create_keys(std::vector<std::string>{carla});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().rule == rules::kKeyErased);
}
