#include "projections/event_index.h"

namespace kassa::projections {

Status EventIndexProjection::apply(const log::DecodedEvent& event, const EventPosition& position,
                                   ApplyContext& context) {
  thread_local std::string key;
  thread_local std::string value;
  key.clear();
  key.push_back(kind_tag(event.aggregate_kind()));
  key.append(event.aggregate_key());
  put_be64(key, event.sequence());
  value.clear();
  value.push_back(static_cast<char>(position.topic));
  put_be32(value, static_cast<std::uint32_t>(position.partition));
  put_be64(value, static_cast<std::uint64_t>(position.offset));
  const auto frame = event.frame();
  value.append(reinterpret_cast<const char*>(frame.data()), frame.size());
  context.sink().put(Cf::kIndex, key, value);
  return {};
}

namespace {

// Scans one aggregate's entries from the first sequence above
// `after_sequence`; visit returns false to stop.
Status scan_indexed(const KvView& view, schemas::AggregateKind kind, std::string_view key,
                    std::uint64_t after_sequence,
                    const std::function<Result<bool>(const IndexedEvent&)>& visit) {
  std::string prefix;
  prefix.push_back(kind_tag(kind));
  prefix.append(key);
  const std::size_t want = prefix.size() + 8;
  std::string start;
  if (after_sequence > 0) {
    start = prefix;
    put_be64(start, after_sequence == UINT64_MAX ? after_sequence : after_sequence + 1);
  }
  Status failed;
  KASSA_TRY(view.scan(Cf::kIndex, prefix, start, [&](std::string_view k, std::string_view v) {
    if (k.size() != want) return true;  // another aggregate whose key extends this one
    if (v.size() < 13) {
      failed = Error::corrupt("IndexEntry", "an index entry is too short");
      return false;
    }
    const auto* frame = reinterpret_cast<const std::uint8_t*>(v.data() + 13);
    auto decoded = log::decode_event(std::span<const std::uint8_t>(frame, v.size() - 13));
    if (!decoded.ok()) {
      failed = decoded.error();
      return false;
    }
    IndexedEvent e{EventPosition{static_cast<log::Topic>(static_cast<std::uint8_t>(v[0])),
                                 static_cast<std::int32_t>(get_be(v, 1, 4)),
                                 static_cast<std::int64_t>(get_be(v, 5, 8))},
                   std::move(decoded).value()};
    Result<bool> visited = visit(e);
    if (!visited.ok()) {
      failed = visited.error();
      return false;
    }
    return *visited;
  }));
  return failed;
}

}  // namespace

Status for_each_indexed_event(const KvView& view, schemas::AggregateKind kind, std::string_view key,
                              const std::function<Status(const IndexedEvent&)>& visit) {
  return scan_indexed(view, kind, key, 0, [&](const IndexedEvent& e) -> Result<bool> {
    KASSA_TRY(visit(e));
    return true;
  });
}

Result<IndexedPage> read_indexed_events(const KvView& view, schemas::AggregateKind kind,
                                        std::string_view key, std::uint64_t after_sequence,
                                        std::size_t limit) {
  IndexedPage page;
  KASSA_TRY(
      scan_indexed(view, kind, key, after_sequence, [&](const IndexedEvent& e) -> Result<bool> {
        if (page.events.size() == limit) {
          page.more = true;
          return false;
        }
        page.events.push_back(e);
        return true;
      }));
  return page;
}

}  // namespace kassa::projections
