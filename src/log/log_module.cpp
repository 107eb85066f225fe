// The event log module; its adapters arrive with the event-log issue.
namespace kassa::log {
const char* module_name() { return "log"; }
}  // namespace kassa::log
