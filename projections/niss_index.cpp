#include "projections/niss_index.h"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <fstream>

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

Result<std::optional<std::string>> NissIndexProjection::current(ApplyContext& context,
                                                                const std::string& key) {
  auto it = batch_.find(key);
  if (it != batch_.end()) return it->second;
  return context.base().get(Cf::kNiss, key);
}

void NissIndexProjection::write(ApplyContext& context, const std::string& key,
                                std::optional<std::string> value) {
  if (value) {
    context.sink().put(Cf::kNiss, key, *value);
  } else {
    context.sink().del(Cf::kNiss, key);
  }
  batch_[key] = std::move(value);
}

Status NissIndexProjection::unlink(ApplyContext& context, const std::string& party) {
  const std::string pkey = "p" + party;
  auto hash = current(context, pkey);
  if (!hash.ok()) return hash.error();
  if (!hash->has_value()) return {};
  const std::string hkey = "h" + **hash;
  auto owner = current(context, hkey);
  if (!owner.ok()) return owner.error();
  // Only the entry that still names this party (a duplicate NISS may have
  // been registered for another one since).
  if (owner->has_value() && **owner == party) write(context, hkey, std::nullopt);
  write(context, pkey, std::nullopt);
  return {};
}

Status NissIndexProjection::link(ApplyContext& context, const std::string& party,
                                 const std::string& hash) {
  KASSA_TRY(unlink(context, party));
  write(context, "h" + hash, party);
  write(context, "p" + party, hash);
  return {};
}

Status NissIndexProjection::apply(const log::DecodedEvent& event, const EventPosition&,
                                  ApplyContext& context) {
  if (event.aggregate_kind() != s::AggregateKind::Person) return {};
  const s::Envelope& env = event.envelope();
  const s::Sealed* sealed = nullptr;
  switch (event.type()) {
    case s::EventBody::PersonRegistered:
      sealed = env.body_as_PersonRegistered()->personal();
      break;
    case s::EventBody::PersonalDataChanged:
      sealed = env.body_as_PersonalDataChanged()->personal();
      break;
    case s::EventBody::PersonalDataErased:
      return unlink(context, std::string(event.aggregate_key()));
    default:
      return {};
  }
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
  if (data->niss.empty()) return {};
  return link(context, party, niss_hash(secret_, data->niss));
}

Result<std::optional<std::string>> find_party_by_niss(const KvView& view, const NissSecret& secret,
                                                      std::string_view niss) {
  return view.get(Cf::kNiss, "h" + niss_hash(secret, niss));
}

}  // namespace kassa::projections
