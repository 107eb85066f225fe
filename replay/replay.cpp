// The replay tool arrives with the replay issue.
namespace kassa::replay {
const char* module_name() { return "replay"; }
}  // namespace kassa::replay
