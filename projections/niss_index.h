#pragma once
// The NISS -> PartyId index, rebuilt from the decrypted PersonRegistered
// (and PersonalDataChanged carrying a new NISS) through the key store; a
// PersonalDataErased removes it, and a rebuild after an erasure cannot
// recreate it (the key is gone). The national number is never stored: the
// key is BLAKE2b-256 keyed with the fund's secret (niss_secret.key beside
// the key store), so the index cannot be reversed by hashing every NISS.
//
// Column family "niss":
//   'h' [keyed hash 32]  -> PartyId
//   'p' [PartyId]        -> keyed hash 32   (to remove it on erasure)
//   'i' [keyed hash 32 of "iban:" + IBAN] -> PartyId   (bank matching on the
//   'j' [PartyId]        -> that hash                   payer's account)
//   'm' [8 digits]       -> 'P' PartyId | 'C' company number  (member numbers,
//                           not personal: what a structured communication names)
//   'b' [bank line id]   -> [kind tag][aggregate key]  where a bank line was booked
//                           (a payment or a suspense item), first booking wins
//   'n' [keyed hash 32 of "name:" + word][PartyId] -> ""   one per word of the
//                           person's names (domain/name_words.h: folded, a name
//                           of several words also as one), for the name search
//   'w' [PartyId]        -> [u8 n][n hashes of the first name's words][hashes of
//                           the last name's words]   (to replace and remove them)
//   's' [PartyId]        -> be64 sequences of the person's events whose sealed
//                           blocks opened (registration, changes): the identity
//                           is read from these events (projections/person_search.h)
// Erasure removes 'h'/'p', 'i'/'j', 'n'/'w' and 's': after it nobody finds the
// person by NISS, account or name, and the identity is gone with the key.
// An IBAN that two persons gave names nobody (kAmbiguous): its payments wait
// in suspense.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "log/personal_data.h"
#include "projections/projection.h"

namespace kassa::projections {

using NissSecret = std::array<std::uint8_t, 32>;

// Reads the secret from `path`, creating it (32 random bytes, mode 0600) if
// absent. Errors: kUnavailable (NissSecretIo).
Result<NissSecret> load_or_create_niss_secret(const std::string& path);

// The index key of an 11-digit NISS.
std::string niss_hash(const NissSecret& secret, std::string_view niss);

class NissIndexProjection final : public Projection {
 public:
  // REQUIRES: keys outlives the projection.
  NissIndexProjection(const log::KeyStore& keys, NissSecret secret)
      : keys_(keys), secret_(secret) {}
  std::string_view name() const override { return "niss"; }
  Cf cf() const override { return Cf::kNiss; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext&) override { batch_.clear(); }
  void reset() override { batch_.clear(); }
  // A rebuild (into a fresh store) remembers which keys it wrote, in a
  // Bloom filter: a key it never wrote is absent without a store read (a
  // payment's bank line used to cost a RocksDB Get each, ~10 % of the
  // projector's thread). A false "maybe" only costs that read again.
  void set_write_back(bool on, std::size_t max_entries) override;
  // Order across persons matters (a shared account, a NISS registered twice).
  bool per_aggregate() const override { return false; }

 private:
  Result<std::optional<std::string>> current(ApplyContext& context, const std::string& key);
  void write(ApplyContext& context, const std::string& key, std::optional<std::string> value);
  Status link(ApplyContext& context, std::string_view back, std::string_view forward,
              const std::string& party, const std::string& hash);
  Status unlink(ApplyContext& context, const std::string& party);
  Status unlink_pair(ApplyContext& context, std::string_view back, std::string_view forward,
                     const std::string& party);
  // Replaces the person's name words: a name left empty (a change of the
  // other one) keeps its words.
  Status index_names(ApplyContext& context, const std::string& party,
                     const schemas::PersonalDataT& data);
  Status unindex_names(ApplyContext& context, const std::string& party);
  Status remember_sealed(ApplyContext& context, const std::string& party, std::uint64_t sequence);

  const log::KeyStore& keys_;
  NissSecret secret_;
  // This batch's entries (nullopt = removed), read before the store.
  std::unordered_map<std::string, std::optional<std::string>> batch_;
  // Write-back only: bits of every key written since it began (empty off).
  std::vector<std::uint64_t> written_;
  bool maybe_written(std::string_view key) const;
  void mark_written(std::string_view key);
};

inline constexpr const char* kAmbiguous = "*";

std::string iban_hash(const NissSecret& secret, std::string_view iban);
// Where a bank line was booked: [kind tag][aggregate key], if anywhere.
Result<std::optional<std::string>> find_bank_line(const KvView& view, std::string_view bank_ref);
std::string member_key(std::uint32_t number);

// The person whose registration (or latest personal data) names this IBAN.
Result<std::optional<std::string>> find_party_by_iban(const KvView& view, const NissSecret& secret,
                                                      std::string_view iban);
struct MemberEntry {
  schemas::AggregateKind kind = schemas::AggregateKind::Person;
  std::string key;  // PartyId or company number
};
Result<std::optional<MemberEntry>> find_member(const KvView& view, std::uint32_t number);
// The highest member number registered (0: none). Scans the member keys.
Result<std::uint32_t> highest_member_number(const KvView& view);

// The sealed personal data a person's event carries (registration, change),
// or nullptr: the blocks the index and the identity open.
const schemas::Sealed* person_sealed_block(const log::DecodedEvent& event);

// The index key of a name word (domain::name_words), without the PartyId.
std::string name_word_key(const NissSecret& secret, std::string_view word);

// The PartyId registered under this NISS, if any.
Result<std::optional<std::string>> find_party_by_niss(const KvView& view, const NissSecret& secret,
                                                      std::string_view niss);

}  // namespace kassa::projections
