#include "log/chain_verifier.h"

namespace kassa::log {

namespace {
std::string name(const ChainLink& l) {
  return "event " + l.event_id.to_string() + " (" +
         schemas::EnumNameAggregateKind(l.aggregate_kind) + " " + std::string(l.aggregate_key) +
         " #" + std::to_string(l.sequence) + ")";
}
}  // namespace

std::string ChainVerifier::map_key(schemas::AggregateKind kind, std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k.push_back(static_cast<char>('0' + static_cast<int>(kind)));
  k.append(key);
  return k;
}

Status ChainVerifier::feed(const DecodedEvent& event) {
  return feed(ChainLink{event.event_id(), event.aggregate_kind(), event.aggregate_key(),
                        event.sequence(), event.prev_hash(), event.hash()});
}

Status ChainVerifier::feed(const ChainLink& link) {
  std::string key = map_key(link.aggregate_kind, link.aggregate_key);
  auto it = tips_.find(key);
  const ChainTip current = it == tips_.end() ? ChainTip{} : it->second;
  const std::uint64_t expected = current.sequence + 1;
  if (link.sequence > expected) {
    return Error::corrupt(rules::kSequenceGap,
                          name(link) + ": expected sequence " + std::to_string(expected) +
                              ", events " + std::to_string(expected) + ".." +
                              std::to_string(link.sequence - 1) + " are missing");
  }
  if (link.sequence == current.sequence && link.sequence > 0 && link.hash == current.hash) {
    return Error::corrupt(rules::kDuplicateEvent,
                          name(link) + ": identical to the aggregate's last event (a redelivery)");
  }
  if (link.sequence < expected) {
    return Error::corrupt(rules::kSequenceRepeat, name(link) + ": sequence " +
                                                      std::to_string(link.sequence) +
                                                      " repeats; the aggregate is already at " +
                                                      std::to_string(current.sequence));
  }
  if (link.prev_hash != current.hash) {
    return Error::corrupt(rules::kPrevHashMismatch,
                          name(link) + ": prev_hash " +
                              to_hex(link.prev_hash.data(), link.prev_hash.size()) +
                              " is not the hash of #" + std::to_string(current.sequence) + " (" +
                              to_hex(current.hash.data(), current.hash.size()) + ")");
  }
  const ChainTip next{link.sequence, link.hash};
  if (it == tips_.end()) {
    tips_.emplace(std::move(key), next);
  } else {
    it->second = next;
  }
  return {};
}

void ChainVerifier::set_tip(schemas::AggregateKind kind, std::string_view key,
                            const ChainTip& tip) {
  tips_[map_key(kind, key)] = tip;
}

std::optional<ChainTip> ChainVerifier::tip(schemas::AggregateKind kind,
                                           std::string_view key) const {
  auto it = tips_.find(map_key(kind, key));
  if (it == tips_.end()) return std::nullopt;
  return it->second;
}

}  // namespace kassa::log
