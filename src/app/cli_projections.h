#pragma once
// `kassa projections ...`: the projection store from the command line.
//
//   kassa projections rebuild [--data-dir DIR] [--brokers ...]
//       kassad stopped: builds a fresh store from offset 0 beside the live
//       one (<data-dir>/projections/store-<n+1>), swaps it in atomically
//       (rename of <data-dir>/projections/CURRENT) and deletes the old one;
//       prints each projection's checksum before and after.
//   kassa projections rebuild --url http://HOST:PORT --token TOKEN
//       kassad running: asks it to do the same in-process
//       (POST /v1/admin/projections/rebuild, admin token); kassad keeps
//       answering from the old store until the swap.
//   kassa projections checksums [--data-dir DIR]
//       prints the live store's checksums (kassad stopped).
//
// Exit 0 when the checksums after equal those before (or there was no store
// before), 1 otherwise or on failure.

#include <CLI/CLI.hpp>

namespace kassa::app {

void add_projections_commands(CLI::App& app);

}  // namespace kassa::app
