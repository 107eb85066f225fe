#pragma once
// Header names of Kassa's Kafka records. Values are UTF-8 text (numbers in
// decimal) so kcat and the console consumer show them as they are.

namespace kassa::log::kafka {

inline constexpr const char* kHeaderEventType = "kassa.event_type";
inline constexpr const char* kHeaderSchemaVersion = "kassa.schema_version";
// Quarantine records only: why, and where the original record was.
inline constexpr const char* kHeaderReason = "kassa.reason";
inline constexpr const char* kHeaderSourceTopic = "kassa.source_topic";
inline constexpr const char* kHeaderSourcePartition = "kassa.source_partition";
inline constexpr const char* kHeaderSourceOffset = "kassa.source_offset";

}  // namespace kassa::log::kafka
