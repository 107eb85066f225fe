#pragma once
// The person states the demo generator's writer dropped from its cache,
// kept as snapshots (domain/snapshot.h, with the chain tip) in a scratch
// RocksDB on disk: what the generator's Loader answers from once a
// population outgrows the states it keeps in memory
// (PopulationSpec::cached_persons). A million persons' states take ~4.2 GiB
// resident when live; as snapshots they are on disk (RocksDB's default
// compression), in the page cache rather than the process.
//
// Scratch: the folder (and its parents) is created, emptied when opened and
// removed when closed, so give it a folder of its own; nothing else reads
// it, so no WAL and no fsync.
//
// A failure is sticky: get() and status() answer it from then on, so no
// command is ever decided on a state older than the log (the generation
// stops).
//
// Thread-safety: one thread (the generator's).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "domain/person_state.h"
#include "domain/result.h"
#include "log/chain_verifier.h"

namespace rocksdb {
class DB;
}

namespace kassa::demo {

class StateSpill {
 public:
  struct Entry {
    domain::PersonState state;
    log::ChainTip tip;
  };

  // Rules: "ScratchDir" (kUnavailable) when the folder cannot be emptied or
  // the store opened.
  static Result<std::unique_ptr<StateSpill>> open(const std::string& dir);
  ~StateSpill();
  StateSpill(const StateSpill&) = delete;
  StateSpill& operator=(const StateSpill&) = delete;

  // Keeps the state as of its tip, replacing any earlier one of the key.
  void put(const std::string& key, const domain::PersonState& state, const log::ChainTip& tip);
  // The last state put for the key; nullopt when none was. After a failed
  // put, that failure. Rules: "ScratchStore" (kUnavailable), and the
  // snapshot's own ("SnapshotInvalid", ...) when the bytes do not read back.
  Result<std::optional<Entry>> get(const std::string& key);

  // The first failure of a put or a get, if any.
  Status status() const;

  std::size_t puts() const { return puts_; }
  std::size_t gets() const { return gets_; }  // states read back (Loader and visits)

 private:
  StateSpill(std::string dir, std::unique_ptr<rocksdb::DB> db);
  Result<std::optional<Entry>> read(const std::string& key);

  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
  std::optional<Error> failed_;
  std::size_t puts_ = 0;
  std::size_t gets_ = 0;
};

}  // namespace kassa::demo
