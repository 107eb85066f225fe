#pragma once
// Projection tests' ledger: decided by the domain, never hand-made.

#include "decided_ledger.h"
#include "projected.h"
#include "projections/projector.h"
#include "test_basics.h"

namespace kassa::projections::testing {

namespace s = kassa::schemas;

// A ledger for projection tests: every event decided by the domain, sealed,
// encoded and appended as the service does (tests/support/decided_ledger.h),
// with what a projector over it needs.
class Ledger : public kassa::testing::DecidedLedger {
 public:
  using DecidedLedger::DecidedLedger;
  ProjectionDeps deps() {
    ProjectionDeps d;
    d.rulebook = &rulebook();
    d.keys = &keys();
    d.niss_secret.fill(7);
    return d;
  }
};

}  // namespace kassa::projections::testing
