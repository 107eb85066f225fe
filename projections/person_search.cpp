#include "projections/person_search.h"

#include <algorithm>

#include "projections/event_index.h"

namespace kassa::projections {

namespace s = kassa::schemas;

Result<NameMatches> find_parties_by_name(const KvView& view, const NissSecret& secret,
                                         const std::vector<std::string>& words, std::size_t limit) {
  // The longest word is likely the rarest: its persons are scanned, and each
  // is kept if the other words name it too (one point read each).
  std::vector<std::string> keys;
  keys.reserve(words.size());
  for (const auto& w : words) keys.push_back(name_word_key(secret, w));
  const std::size_t longest = static_cast<std::size_t>(
      std::max_element(words.begin(), words.end(),
                       [](const auto& a, const auto& b) { return a.size() < b.size(); }) -
      words.begin());
  NameMatches out;
  Status failed;
  KASSA_TRY(view.scan(Cf::kNiss, keys[longest], [&](std::string_view key, std::string_view) {
    const std::string party(key.substr(keys[longest].size()));
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i == longest || keys[i] == keys[longest]) continue;
      auto found = view.get(Cf::kNiss, keys[i] + party);
      if (!found.ok()) {
        failed = found.error();
        return false;
      }
      if (!found->has_value()) return true;
    }
    if (out.parties.size() == limit) {
      out.more = true;
      return false;
    }
    out.parties.push_back(party);
    return true;
  }));
  KASSA_TRY(failed);
  return out;
}

namespace {

void overlay(s::PersonalDataT& into, s::PersonalDataT&& change) {
  for (auto [field, value] : {std::pair{&into.niss, &change.niss},
                              {&into.first_name, &change.first_name},
                              {&into.last_name, &change.last_name},
                              {&into.iban, &change.iban},
                              {&into.bic, &change.bic},
                              {&into.email, &change.email},
                              {&into.phone, &change.phone}}) {
    if (!value->empty()) *field = std::move(*value);
  }
  if (change.address != nullptr) into.address = std::move(change.address);
  if (change.has_birth_days) {
    into.birth_days = change.birth_days;
    into.has_birth_days = true;
  }
}

}  // namespace

Result<std::optional<Identity>> read_identity(const KvView& view, const log::KeyStore& keys,
                                              std::string_view party) {
  KASSA_ASSIGN_OR_RETURN(auto first,
                         read_indexed_events(view, s::AggregateKind::Person, party, 0, 1));
  if (first.events.empty() || first.events[0].event.type() != s::EventBody::PersonRegistered) {
    return std::optional<Identity>{};
  }
  Identity out;
  out.member_number = first.events[0].event.envelope().body_as_PersonRegistered()->member_number();
  KASSA_ASSIGN_OR_RETURN(auto sequences, view.get(Cf::kNiss, "s" + std::string(party)));
  if (!sequences.has_value()) return std::optional<Identity>{std::move(out)};
  s::PersonalDataT data;
  for (std::size_t at = 0; at + 8 <= sequences->size(); at += 8) {
    const std::uint64_t sequence = get_be(*sequences, at, 8);
    KASSA_ASSIGN_OR_RETURN(
        auto page, read_indexed_events(view, s::AggregateKind::Person, party, sequence - 1, 1));
    if (page.events.empty() || page.events[0].event.sequence() != sequence) {
      return Error::corrupt("IdentityIndex", "the name index names an event the index lacks");
    }
    const auto& event = page.events[0].event;
    const s::Sealed* sealed = person_sealed_block(event);
    if (sealed == nullptr) {
      return Error::corrupt("IdentityIndex", "the name index names an event without personal data");
    }
    auto opened = log::open(keys, party, event.event_id(), *sealed);
    if (!opened.ok()) {
      // Erased since the index was read: no identity.
      if (opened.error().code == Errc::kNotFound) return std::optional<Identity>{std::move(out)};
      return opened.error();
    }
    overlay(data, std::move(opened).value());
  }
  out.data = std::move(data);
  return std::optional<Identity>{std::move(out)};
}

}  // namespace kassa::projections
