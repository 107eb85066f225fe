// projector_runner — catches a projection store up with a generated journal
// (tests/projections/generated_ledger.h), then exits 0. The crash test kills
// it with SIGKILL at random moments; run by hand it prints its throughput:
//   projector_runner generate DIR N     write a ledger of N events
//   projector_runner project DIR STORE  catch STORE up with DIR's journal

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "generated_ledger.h"
#include "log/rocksdb_key_store.h"

using namespace kassa::projections;
using namespace kassa::projections::testing;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: projector_runner generate DIR N | project DIR STORE\n");
    return 2;
  }
  try {
    const std::string dir = argv[2];
    const auto t0 = std::chrono::steady_clock::now();
    if (std::strcmp(argv[1], "generate") == 0) {
      const auto n = generate_ledger(dir, std::stoul(argv[3]));
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("generated %zu events in %.2f s\n", n, s);
      return 0;
    }
    auto log = must(kassa::log::open_event_log(generated_log_config(dir)));
    auto keys = must(kassa::log::RocksDbKeyStore::open(dir + "/keys"));
    const auto rulebook = kassa::domain::Rulebook::belgian_default();
    auto store = must(Store::open(argv[3]));
    ProjectorOptions options;
    if (const char* b = std::getenv("KASSA_PROJECTOR_BATCH")) options.max_batch = std::stoul(b);
    Projector projector(*log, *store, make_projections(generated_deps(rulebook, keys.get())),
                        options);
    must(projector.catch_up());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto applied = projector.stats().applied;
    std::printf("applied %llu events in %.2f s (%.0f events/s)\n",
                static_cast<unsigned long long>(applied), s, static_cast<double>(applied) / s);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "projector_runner: %s\n", e.what());
    return 1;
  }
}
