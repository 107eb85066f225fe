#pragma once
// `kassa events tail`: a log's events, decoded, for a downstream team or an
// operator.
//
//   kassa events tail --from kafka://HOST:PORT[?prefix=P]|journal://DIR
//                     [--json] [--follow] [--type T] [--aggregate KEY]
//
// One line per event of the person and company topics, partition by
// partition as the log delivers them: with --json a JSON object in
// business units (projections/event_json.h: amounts "906.14", dates
// ISO, quarters "2025-Q1", personal data sealed), else a short text line.
// Without --follow it stops at the high-water marks it found when it
// started; with --follow it waits for new events (Kafka; a journal is read
// read-only, so it sees what was there when it opened). A record that does
// not decode is reported on stderr with its place and rule, and the exit
// code is then 1.

#include <CLI/CLI.hpp>

namespace kassa::app {

void add_events_commands(CLI::App& app);

}  // namespace kassa::app
