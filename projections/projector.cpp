// The projector arrives with the read-side issue.
namespace kassa::projections {
const char* module_name() { return "projections"; }
}  // namespace kassa::projections
