#pragma once
// Structured logging set-up for kassad and kassa: one line per record,
// "ts=... level=... logger=... msg=..." with key=value fields in the message.
// Never log personal data: log the pseudonymous PartyId instead.

#include <string>

namespace kassa::app {

// level: trace, debug, info, warn, error. Logs go to stderr.
void init_logging(const std::string& program, const std::string& level);

}  // namespace kassa::app
