#include "projections/niss_index.h"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <fstream>

#include "domain/name_words.h"
#include "log/random.h"

namespace kassa::projections {

namespace s = kassa::schemas;

Result<NissSecret> load_or_create_niss_secret(const std::string& path) {
  NissSecret secret{};
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      in.read(reinterpret_cast<char*>(secret.data()), secret.size());
      if (in.gcount() != static_cast<std::streamsize>(secret.size())) {
        return Error::unavailable("NissSecretIo", "the NISS index secret file is truncated");
      }
      return secret;
    }
  }
  log::ensure_sodium();
  randombytes_buf(secret.data(), secret.size());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(secret.data()), secret.size());
    out.flush();
    if (!out) return Error::unavailable("NissSecretIo", "cannot write the NISS index secret");
  }
  ::chmod(tmp.c_str(), 0600);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Error::unavailable("NissSecretIo", "cannot install the NISS index secret");
  }
  return secret;
}

std::string niss_hash(const NissSecret& secret, std::string_view niss) {
  log::ensure_sodium();
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(niss.data()), niss.size(),
                     secret.data(), secret.size());
  return out;
}

namespace {

// 2^27 bits (16 MB) and three probes: for the ~400,000 keys of 20,000
// persons' five years nearly no false "maybe"; at tens of millions it
// degrades towards the store reads it saves, never to a wrong answer.
constexpr std::size_t kWrittenBits = std::size_t{1} << 27;
constexpr int kWrittenProbes = 3;

template <typename F>
void probes(std::string_view key, F&& bit) {
  const std::uint64_t h1 = std::hash<std::string_view>{}(key);
  const std::uint64_t h2 = (h1 >> 29 | h1 << 35) | 1;
  for (int i = 0; i < kWrittenProbes; ++i) {
    bit((h1 + static_cast<std::uint64_t>(i) * h2) % kWrittenBits);
  }
}

}  // namespace

void NissIndexProjection::set_write_back(bool on, std::size_t /*max_entries*/) {
  if (on && written_.empty()) written_.assign(kWrittenBits / 64, 0);
  if (!on) std::vector<std::uint64_t>().swap(written_);
}

bool NissIndexProjection::maybe_written(std::string_view key) const {
  bool all = true;
  probes(key, [&](std::uint64_t b) { all = all && (written_[b / 64] >> (b % 64) & 1) != 0; });
  return all;
}

void NissIndexProjection::mark_written(std::string_view key) {
  probes(key, [&](std::uint64_t b) { written_[b / 64] |= std::uint64_t{1} << (b % 64); });
}

Result<std::optional<std::string>> NissIndexProjection::current(ApplyContext& context,
                                                                const std::string& key) {
  auto it = batch_.find(key);
  if (it != batch_.end()) return it->second;
  // Rebuilding into a fresh store: what this build never wrote is not there.
  if (!written_.empty() && !maybe_written(key)) return std::optional<std::string>();
  return context.base().get(Cf::kNiss, key);
}

void NissIndexProjection::write(ApplyContext& context, const std::string& key,
                                std::optional<std::string> value) {
  if (value) {
    context.sink().put(Cf::kNiss, key, *value);
  } else {
    context.sink().del(Cf::kNiss, key);
  }
  if (!written_.empty()) mark_written(key);
  batch_[key] = std::move(value);
}

Status NissIndexProjection::unlink(ApplyContext& context, const std::string& party) {
  KASSA_TRY(unlink_pair(context, "p", "h", party));
  KASSA_TRY(unlink_pair(context, "j", "i", party));
  KASSA_TRY(unindex_names(context, party));
  write(context, "s" + party, std::nullopt);
  return {};
}

namespace {

constexpr std::size_t kHash = 32;

// 'w' value -> the hashes of the first name's words and of the last name's.
struct NameHashes {
  std::vector<std::string> first;
  std::vector<std::string> last;
};

NameHashes parse_names(const std::optional<std::string>& value) {
  NameHashes out;
  if (!value.has_value() || value->empty()) return out;
  const std::size_t first = static_cast<std::uint8_t>((*value)[0]);
  for (std::size_t at = 1, i = 0; at + kHash <= value->size(); at += kHash, ++i) {
    (i < first ? out.first : out.last).push_back(value->substr(at, kHash));
  }
  return out;
}

// A name word's index key for one person: "n" + the word's hash + PartyId.
std::string name_key(const std::string& hash, const std::string& party) {
  std::string key;
  key.reserve(1 + hash.size() + party.size());
  key += 'n';
  key += hash;
  key += party;
  return key;
}

std::vector<std::string> hashes_of(const NissSecret& secret,
                                   const std::vector<std::string>& words) {
  std::vector<std::string> out;
  out.reserve(words.size());
  for (const auto& w : words) out.push_back(name_word_key(secret, w).substr(1));
  return out;
}

}  // namespace

Status NissIndexProjection::unindex_names(ApplyContext& context, const std::string& party) {
  KASSA_ASSIGN_OR_RETURN(auto stored, current(context, "w" + party));
  if (!stored.has_value()) return {};
  const NameHashes old = parse_names(stored);
  for (const auto* list : {&old.first, &old.last}) {
    for (const auto& h : *list) write(context, name_key(h, party), std::nullopt);
  }
  write(context, "w" + party, std::nullopt);
  return {};
}

Status NissIndexProjection::index_names(ApplyContext& context, const std::string& party,
                                        const s::PersonalDataT& data) {
  if (data.first_name.empty() && data.last_name.empty()) return {};
  KASSA_ASSIGN_OR_RETURN(auto stored, current(context, "w" + party));
  NameHashes names = parse_names(stored);
  KASSA_TRY(unindex_names(context, party));
  if (!data.first_name.empty())
    names.first = hashes_of(secret_, domain::index_words(data.first_name, ""));
  if (!data.last_name.empty())
    names.last = hashes_of(secret_, domain::index_words("", data.last_name));
  // At most 255 words of a first name are indexed (a name is a few).
  if (names.first.size() > 255) names.first.resize(255);
  std::string value(1, static_cast<char>(names.first.size()));
  for (const auto* list : {&names.first, &names.last}) {
    for (const auto& h : *list) {
      write(context, name_key(h, party), std::string());
      value += h;
    }
  }
  write(context, "w" + party, std::move(value));
  return {};
}

Status NissIndexProjection::remember_sealed(ApplyContext& context, const std::string& party,
                                            std::uint64_t sequence) {
  KASSA_ASSIGN_OR_RETURN(auto stored, current(context, "s" + party));
  std::string value = stored.value_or(std::string());
  const std::size_t n = value.size() / 8;
  if (n > 0 && get_be(value, (n - 1) * 8, 8) >= sequence) return {};  // applied again
  put_be64(value, sequence);
  write(context, "s" + party, std::move(value));
  return {};
}

Status NissIndexProjection::unlink_pair(ApplyContext& context, std::string_view back,
                                        std::string_view forward, const std::string& party) {
  const std::string pkey = std::string(back) + party;
  KASSA_ASSIGN_OR_RETURN(auto hash, current(context, pkey));
  if (!hash.has_value()) return {};
  const std::string hkey = std::string(forward) + *hash;
  KASSA_ASSIGN_OR_RETURN(auto owner, current(context, hkey));
  // Only the entry that still names this party (a duplicate NISS may have
  // been registered for another one since).
  if (owner.has_value() && *owner == party) write(context, hkey, std::nullopt);
  write(context, pkey, std::nullopt);
  return {};
}

Status NissIndexProjection::link(ApplyContext& context, std::string_view back,
                                 std::string_view forward, const std::string& party,
                                 const std::string& hash) {
  KASSA_TRY(unlink_pair(context, back, forward, party));
  std::string owner = party;
  if (forward == "i") {
    // One account, several persons (a household's joint account): the
    // account names nobody, so its payments wait in suspense for staff
    // instead of going to whoever registered last.
    KASSA_ASSIGN_OR_RETURN(auto current_owner, current(context, std::string(forward) + hash));
    if (current_owner.has_value() && *current_owner != party) owner = kAmbiguous;
  }
  write(context, std::string(forward) + hash, owner);
  write(context, std::string(back) + party, hash);
  return {};
}

Status NissIndexProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                                  ApplyContext& context) {
  const s::Envelope& env = event.envelope();
  // Member numbers (not personal data): persons and companies alike.
  if (event.type() == s::EventBody::PersonRegistered ||
      event.type() == s::EventBody::CompanyRegistered) {
    const std::uint32_t number = event.type() == s::EventBody::PersonRegistered
                                     ? env.body_as_PersonRegistered()->member_number()
                                     : env.body_as_CompanyRegistered()->member_number();
    if (number != 0) {
      const char kind = event.aggregate_kind() == s::AggregateKind::Person ? 'P' : 'C';
      write(context, member_key(number), kind + std::string(event.aggregate_key()));
    }
  }
  // Bank lines (not personal: the fund's account, statement and line
  // numbers): where each was booked, so a line is booked once in all.
  const flatbuffers::String* bank_ref = nullptr;
  if (event.type() == s::EventBody::PaymentReceived) {
    bank_ref = env.body_as_PaymentReceived()->bank_ref();
  } else if (event.type() == s::EventBody::SuspenseItemRecorded) {
    bank_ref = env.body_as_SuspenseItemRecorded()->bank_ref();
  }
  if (bank_ref != nullptr && bank_ref->size() != 0) {
    const std::string key = "b" + bank_ref->str();
    KASSA_ASSIGN_OR_RETURN(auto booked, current(context, key));
    if (!booked.has_value()) {
      write(context, key,
            std::string(1, kind_tag(event.aggregate_kind())) + std::string(event.aggregate_key()));
    }
  }
  if (event.aggregate_kind() != s::AggregateKind::Person) return {};
  if (event.type() == s::EventBody::PersonalDataErased) {
    return unlink(context, std::string(event.aggregate_key()));
  }
  const s::Sealed* sealed = person_sealed_block(event);
  if (sealed == nullptr) return {};
  const std::string party(event.aggregate_key());
  auto data = log::open(keys_, party, event.event_id(), *sealed);
  if (!data.ok()) {
    if (data.error().code == Errc::kUnavailable) return data.error();  // retry the batch
    // Erased or missing key, or a block that does not open: no index entry.
    if (data.error().code != Errc::kNotFound) {
      spdlog::warn("niss index: sealed block does not open party={} rule={}", party,
                   data.error().rule);
    }
    return {};
  }
  KASSA_TRY(remember_sealed(context, party, event.sequence()));
  KASSA_TRY(index_names(context, party, *data));
  if (!data->iban.empty()) {
    KASSA_TRY(link(context, "j", "i", party, iban_hash(secret_, data->iban)));
  }
  if (data->niss.empty()) return {};
  return link(context, "p", "h", party, niss_hash(secret_, data->niss));
}

std::string iban_hash(const NissSecret& secret, std::string_view iban) {
  return niss_hash(secret, "iban:" + std::string(iban));
}

const s::Sealed* person_sealed_block(const log::DecodedEvent& event) {
  const auto& env = event.envelope();
  switch (event.type()) {
    case s::EventBody::PersonRegistered: return env.body_as_PersonRegistered()->personal();
    case s::EventBody::PersonalDataChanged: return env.body_as_PersonalDataChanged()->personal();
    default: return nullptr;
  }
}

std::string name_word_key(const NissSecret& secret, std::string_view word) {
  return "n" + niss_hash(secret, "name:" + std::string(word));
}

std::string member_key(std::uint32_t number) {
  std::string key = "m00000000";
  for (std::size_t i = key.size() - 1; number != 0 && i > 0; --i, number /= 10) {
    key[i] = static_cast<char>('0' + number % 10);
  }
  return key;
}

Result<std::optional<std::string>> find_party_by_iban(const KvView& view, const NissSecret& secret,
                                                      std::string_view iban) {
  KASSA_ASSIGN_OR_RETURN(auto found, view.get(Cf::kNiss, "i" + iban_hash(secret, iban)));
  if (found.has_value() && *found == kAmbiguous) return std::optional<std::string>{};
  return found;
}

Result<std::optional<std::string>> find_bank_line(const KvView& view, std::string_view bank_ref) {
  return view.get(Cf::kNiss, "b" + std::string(bank_ref));
}

Result<std::optional<MemberEntry>> find_member(const KvView& view, std::uint32_t number) {
  KASSA_ASSIGN_OR_RETURN(auto found, view.get(Cf::kNiss, member_key(number)));
  if (!found.has_value() || (found)->size() < 2) return std::optional<MemberEntry>{};
  MemberEntry entry;
  entry.kind = (*found)[0] == 'C' ? s::AggregateKind::Company : s::AggregateKind::Person;
  entry.key = (found)->substr(1);
  return std::optional<MemberEntry>{std::move(entry)};
}

Result<std::uint32_t> highest_member_number(const KvView& view) {
  std::uint32_t highest = 0;
  KASSA_TRY(view.scan(Cf::kNiss, "m", [&](std::string_view key, std::string_view) {
    std::uint32_t n = 0;
    for (char c : key.substr(1)) n = n * 10 + static_cast<std::uint32_t>(c - '0');
    highest = std::max(highest, n);
    return true;
  }));
  return highest;
}

Result<std::optional<std::string>> find_party_by_niss(const KvView& view, const NissSecret& secret,
                                                      std::string_view niss) {
  return view.get(Cf::kNiss, "h" + niss_hash(secret, niss));
}

}  // namespace kassa::projections
