#pragma once
// A store and a projector over a test ledger's log, with its checksums.

#include <map>
#include <memory>
#include <string>

#include "projections/projector.h"
#include "projections/store.h"
#include "test_basics.h"

namespace kassa::projections::testing {

// A store plus a projector over a ledger's log.
struct Projected {
  std::unique_ptr<Store> store;
  std::unique_ptr<Projector> projector;

  // Over a test ledger: anything with log() and deps().
  template <typename L>
  Projected(L& ledger, const std::string& path, ProjectorOptions options = {}) {
    store = must(Store::open(path));
    projector =
        std::make_unique<Projector>(ledger.log(), *store, make_projections(ledger.deps()), options);
  }
  std::map<std::string, std::string> checksums() const {
    std::map<std::string, std::string> out;
    for (const NamedCf& n : kChecksummedCfs) out[std::string(n.name)] = must(store->checksum(n.cf));
    return out;
  }
};

}  // namespace kassa::projections::testing
