#include "log/personal_data.h"

#include <sodium.h>

#include <vector>

namespace kassa::log {

namespace {

constexpr std::string_view kAdPrefix = "kassa.sealed.v1";

// "kassa.sealed.v1" 0x00 subject 0x00 event_id(16 bytes)
std::string associated_data(std::string_view subject, const Uuid& event_id) {
  std::string ad;
  ad.reserve(kAdPrefix.size() + subject.size() + 2 + 16);
  ad.append(kAdPrefix);
  ad.push_back('\0');
  ad.append(subject);
  ad.push_back('\0');
  for (std::uint8_t b : event_id.bytes()) ad.push_back(static_cast<char>(b));
  return ad;
}

Error key_not_found(std::string_view subject) {
  return Error::not_found(rules::kKeyNotFound,
                          "no personal-data key for subject " + std::string(subject), "subject");
}
Error key_erased(std::string_view subject) {
  return Error::not_found(
      rules::kKeyErased, "the personal-data key of subject " + std::string(subject) + " was erased",
      "subject");
}

}  // namespace

DataKey::~DataKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

// ---- InMemoryKeyStore -------------------------------------------------------

Status KeyStore::create_keys(std::span<const std::string> subjects) {
  for (const auto& subject : subjects) {
    auto created = create_key(subject);
    if (!created && created.error().rule != rules::kKeyExists) return created.error();
  }
  return {};
}

Result<DataKey> InMemoryKeyStore::create_key(std::string_view subject) {
  std::array<std::uint8_t, DataKey::kSize> bytes{};
  random_->fill(bytes);
  DataKey key(1, bytes);
  sodium_memzero(bytes.data(), bytes.size());
  KASSA_TRY(import_key(subject, key));
  return key;
}

Status InMemoryKeyStore::import_key(std::string_view subject, const DataKey& key) {
  std::lock_guard lock(mu_);
  if (erased_.find(subject) != erased_.end()) return key_erased(subject);
  if (keys_.find(subject) != keys_.end()) {
    return Error::conflict(rules::kKeyExists,
                           "subject " + std::string(subject) + " already has a key", "subject");
  }
  keys_.emplace(std::string(subject), key);
  return {};
}

Result<DataKey> InMemoryKeyStore::get(std::string_view subject) const {
  std::lock_guard lock(mu_);
  if (erased_.find(subject) != erased_.end()) return key_erased(subject);
  auto it = keys_.find(subject);
  if (it == keys_.end()) return key_not_found(subject);
  return it->second;
}

Status InMemoryKeyStore::erase(std::string_view subject) {
  std::lock_guard lock(mu_);
  auto it = keys_.find(subject);
  if (it != keys_.end()) keys_.erase(it);  // ~DataKey zeroes the bytes
  erased_.emplace(std::string(subject), true);
  return {};
}

// ---- seal / open ------------------------------------------------------------

Result<schemas::SealedT> seal(const KeyStore& keys, std::string_view subject, const Uuid& event_id,
                              const schemas::PersonalDataT& data, Random& random) {
  ensure_sodium();
  KASSA_ASSIGN_OR_RETURN(auto key, keys.get(subject));

  flatbuffers::FlatBufferBuilder fbb(256);
  schemas::FinishPersonalDataBuffer(fbb, schemas::PersonalData::Pack(fbb, &data));

  schemas::SealedT out;
  out.key_id = std::string(subject);
  out.key_version = key.version();
  out.nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  random.fill(out.nonce);
  out.ciphertext.resize(fbb.GetSize() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  const auto ad = associated_data(subject, event_id);
  unsigned long long written = 0;
  const auto* ad_bytes = reinterpret_cast<const unsigned char*>(ad.data());
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.ciphertext.data(), &written, fbb.GetBufferPointer(), fbb.GetSize(), ad_bytes, ad.size(),
      nullptr, out.nonce.data(), key.bytes().data());
  out.ciphertext.resize(static_cast<std::size_t>(written));
  sodium_memzero(fbb.GetBufferPointer(), fbb.GetSize());
  return out;
}

Result<schemas::PersonalDataT> open(const KeyStore& keys, std::string_view subject,
                                    const Uuid& event_id, const schemas::Sealed& sealed) {
  ensure_sodium();
  if (sealed.key_id() == nullptr || sealed.key_id()->string_view() != subject) {
    return Error::corrupt(rules::kSealedSubject,
                          "the Sealed block does not belong to subject " + std::string(subject));
  }
  KASSA_ASSIGN_OR_RETURN(auto key, keys.get(subject));
  if (sealed.key_version() != key.version()) {
    return Error::corrupt(rules::kSealedOpenFailed, "the Sealed block names key version " +
                                                        std::to_string(sealed.key_version()));
  }
  const auto* nonce = sealed.nonce();
  const auto* ct = sealed.ciphertext();
  if (nonce == nullptr || nonce->size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      ct == nullptr || ct->size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Error::corrupt(rules::kSealedOpenFailed, "the Sealed block is malformed");
  }
  // Aligned scratch for the plaintext FlatBuffer.
  std::vector<std::uint8_t> plain(ct->size() - crypto_aead_xchacha20poly1305_ietf_ABYTES);
  const auto ad = associated_data(subject, event_id);
  unsigned long long plain_len = 0;
  const auto* ad_bytes = reinterpret_cast<const unsigned char*>(ad.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), &plain_len, nullptr, ct->data(),
                                                 ct->size(), ad_bytes, ad.size(), nonce->data(),
                                                 key.bytes().data()) != 0) {
    return Error::corrupt(rules::kSealedOpenFailed,
                          "the Sealed block does not authenticate under subject " +
                              std::string(subject) + "'s key for this event");
  }
  plain.resize(static_cast<std::size_t>(plain_len));
  flatbuffers::Verifier verifier(plain.data(), plain.size());
  if (!schemas::VerifyPersonalDataBuffer(verifier)) {
    sodium_memzero(plain.data(), plain.size());
    return Error::corrupt(rules::kSealedOpenFailed,
                          "the opened block is not a PersonalData buffer");
  }
  schemas::PersonalDataT out;
  schemas::GetPersonalData(plain.data())->UnPackTo(&out);
  sodium_memzero(plain.data(), plain.size());
  return out;
}

}  // namespace kassa::log
