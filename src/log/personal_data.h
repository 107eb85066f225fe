#pragma once
// Personal data in events: per-subject keys and the Sealed blocks they open.
//
// A subject is a person (its PartyId), a company (its number) or a suspense
// item ("S" + hex of the SuspenseItemRecorded event id). Each subject has one
// 32-byte key in a KeyStore that lives OUTSIDE the event log. seal() encrypts
// a PersonalData FlatBuffer with crypto_aead_xchacha20poly1305_ietf:
//
//   nonce      24 random bytes (from the Random passed in)
//   associated "kassa.sealed.v1" 0x00 subject 0x00 event_id (16 bytes)
//   ciphertext = AEAD(PersonalData bytes, id "KPD1") || 16-byte tag
//
// so a block cannot be moved to another subject or another event. Erasing
// the subject's key (crypto-shredding) makes every block of it unreadable
// while the events still verify: the hash chain covers the ciphertext.
//
// Keys are never logged or printed; DataKey zeroes its bytes on destruction.
// Key rotation is not supported yet: every key is version 1.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "log/random.h"
#include "log/uuid.h"
#include "schemas/personal_data_generated.h"

namespace kassa::log {

// Error rules of the key store and of seal/open.
namespace rules {
inline constexpr const char* kKeyNotFound = "KeyNotFound";            // kNotFound
inline constexpr const char* kKeyErased = "KeyErased";                // kNotFound
inline constexpr const char* kKeyExists = "KeyExists";                // kConflict
inline constexpr const char* kKeyStoreIo = "KeyStoreIo";              // kUnavailable
inline constexpr const char* kSealedSubject = "SealedSubject";        // kCorrupt
inline constexpr const char* kSealedOpenFailed = "SealedOpenFailed";  // kCorrupt
}  // namespace rules

class DataKey {
 public:
  static constexpr std::size_t kSize = 32;
  DataKey() = default;
  DataKey(std::uint32_t version, const std::array<std::uint8_t, kSize>& bytes)
      : version_(version), bytes_(bytes) {}
  DataKey(const DataKey&) = default;
  DataKey& operator=(const DataKey&) = default;
  ~DataKey();

  std::uint32_t version() const { return version_; }
  const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }

 private:
  std::uint32_t version_ = 1;
  std::array<std::uint8_t, kSize> bytes_{};
};

// Thread-safety: implementations are safe to call from any thread.
class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // A fresh random key. KeyExists if the subject has one, KeyErased if its
  // key was erased (a subject is never re-keyed: register a new PartyId).
  virtual Result<DataKey> create_key(std::string_view subject) = 0;
  // Creates a key for each subject that has none yet, durable when it
  // returns ok; subjects with a key keep it. KeyErased as create_key. The
  // default calls create_key per subject; RocksDbKeyStore writes them all
  // with one synced write (bulk registration: the demo generator).
  virtual Status create_keys(std::span<const std::string> subjects);
  // As create_key, but the key need only be durable once sync_keys()
  // returns ok. The write side creates a command's or a run chunk's keys
  // this way and syncs once before appending its events: a key must be
  // durable before any event sealed with it is, and a bank file of 200,000
  // unmatched lines (one subject each) then costs one sync, not 200,000.
  // The default is create_key (durable at once).
  virtual Result<DataKey> create_key_unsynced(std::string_view subject) {
    return create_key(subject);
  }
  // Makes every key created so far durable: one sync, none when nothing is
  // pending. The default has nothing pending.
  virtual Status sync_keys() { return {}; }
  // KeyNotFound if never created, KeyErased after erase().
  virtual Result<DataKey> get(std::string_view subject) const = 0;
  // Destroys the key for good and remembers that it was erased. Idempotent;
  // durable when it returns ok.
  virtual Status erase(std::string_view subject) = 0;
};

// In-memory KeyStore for tests and tools.
class InMemoryKeyStore final : public KeyStore {
 public:
  explicit InMemoryKeyStore(Random& random = system_random()) : random_(&random) {}
  Result<DataKey> create_key(std::string_view subject) override;
  Result<DataKey> get(std::string_view subject) const override;
  Status erase(std::string_view subject) override;
  // Installs a known key (golden files). KeyExists / KeyErased as create_key.
  Status import_key(std::string_view subject, const DataKey& key);

 private:
  mutable std::mutex mu_;
  Random* random_;
  std::map<std::string, DataKey, std::less<>> keys_;  // erased: absent + in erased_
  std::map<std::string, bool, std::less<>> erased_;
};

// Serializes and encrypts personal data under the subject's key.
// REQUIRES: event_id is the id of the event that will carry the block.
Result<schemas::SealedT> seal(const KeyStore& keys, std::string_view subject, const Uuid& event_id,
                              const schemas::PersonalDataT& data, Random& random = system_random());

// Decrypts and verifies a Sealed block. SealedSubject when the block's key_id
// is not `subject`; KeyNotFound / KeyErased from the store; SealedOpenFailed
// when authentication fails (wrong key, wrong event, tampered bytes) or the
// plaintext is not a valid PersonalData buffer.
Result<schemas::PersonalDataT> open(const KeyStore& keys, std::string_view subject,
                                    const Uuid& event_id, const schemas::Sealed& sealed);

}  // namespace kassa::log
