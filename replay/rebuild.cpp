#include "replay/rebuild.h"

#include <rocksdb/db.h>

#include <filesystem>

#include "domain/rulebook.h"
#include "log/event_codec.h"
#include "projections/as_of.h"
#include "projections/projector.h"
#include "projections/rebuild.h"
#include "replay/archive.h"
#include "replay/readonly_log.h"

namespace kassa::replay {

namespace fs = std::filesystem;

namespace {

bool empty_or_missing(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

// The as-of rebuild: a projection that passes on only the events the view
// admits. The projector still reads, verifies and chain-checks every record
// and moves its offsets past the ones left out, so the chains hold (a later
// event of an aggregate whose middle was left out still verifies) and the
// events kept are indexed at their own topic/partition/offset.
class AsOfProjection final : public projections::Projection {
 public:
  // REQUIRES: `left_out` outlives this object.
  AsOfProjection(std::unique_ptr<projections::Projection> inner, const projections::AsOf& as_of,
                 uint64_t* left_out)
      : inner_(std::move(inner)), as_of_(as_of), left_out_(left_out) {}
  std::string_view name() const override { return inner_->name(); }
  projections::Cf cf() const override { return inner_->cf(); }
  Status apply(const log::DecodedEvent& event, const projections::EventPosition& position,
               projections::ApplyContext& context) override {
    if (!as_of_.admits(event.envelope())) {
      // Counted once per event: by the first projection of the list.
      if (left_out_ != nullptr) ++*left_out_;
      return {};
    }
    return inner_->apply(event, position, context);
  }
  void flush(projections::ApplyContext& context) override { inner_->flush(context); }
  void reset() override { inner_->reset(); }
  void set_write_back(bool on, std::size_t max_entries) override {
    inner_->set_write_back(on, max_entries);
  }
  bool per_aggregate() const override { return inner_->per_aggregate(); }

 private:
  std::unique_ptr<projections::Projection> inner_;
  projections::AsOf as_of_;
  uint64_t* left_out_;
};

Result<RebuildSummary> rebuild_from_log(log::EventLog& source, const std::string& into,
                                        const RebuildOptions& options, Progress* progress) {
  ReadOnlyLog log(source);
  KASSA_ASSIGN_OR_RETURN(auto targets, projections::event_high_water_marks(log));
  uint64_t total = 0;
  for (const log::Position& t : targets) total += static_cast<uint64_t>(t.offset);

  KASSA_ASSIGN_OR_RETURN(auto store,
                         projections::Store::open(into, projections::Durability::kIngest));
  const domain::Rulebook rulebook = domain::Rulebook::belgian_default();
  projections::ProjectionDeps deps;
  deps.rulebook = &rulebook;
  deps.keys = options.keys;
  deps.niss_secret = options.niss_secret;
  projections::RebuildPlan plan;
  plan.max_batch = options.max_batch;
  plan.passes = options.passes;
  projections::AsOf as_of;
  as_of.decided_up_to_days = options.at_days;
  as_of.recorded_up_to_us = options.known_at_us;
  if (as_of.active()) deps.history = projections::History::kPartial;
  // Counted once per event: by the first projection of the list, which is
  // per-aggregate (parties), so once over all passes. A rebuild pass keeps
  // its chain tips in memory, so an as-of store's parties summary (which
  // stops at the last event kept) is never where a tip is reloaded from.
  uint64_t left_out = 0;
  auto make = [&]() {
    auto projections = projections::make_projections(deps);
    if (!as_of.active()) return projections;
    std::vector<std::unique_ptr<projections::Projection>> wrapped;
    wrapped.reserve(projections.size());
    for (auto& p : projections) {
      wrapped.push_back(std::make_unique<AsOfProjection>(std::move(p), as_of,
                                                         wrapped.empty() ? &left_out : nullptr));
    }
    return wrapped;
  };
  auto report = [&](uint32_t pass, uint32_t passes, uint64_t done) {
    // Progress over all passes, in records of the log.
    if (progress != nullptr)
      progress->update((pass * total + done) / passes, total, pass * total + done);
  };
  KASSA_ASSIGN_OR_RETURN(auto built,
                         projections::build_in_passes(log, *store, targets, make, plan, report));
  KASSA_TRY((store)->flush());
  const uint64_t done = total;

  RebuildSummary summary;
  KASSA_ASSIGN_OR_RETURN(summary.checksums, replay::store_checksums(*store));
  const projections::ProjectorStats& stats = built.projector;
  summary.records = done;
  summary.applied = stats.applied - left_out;
  summary.left_out = left_out;
  summary.at_days = options.at_days;
  summary.known_at_us = options.known_at_us;
  summary.quarantined = stats.quarantined;
  summary.skipped = stats.skipped;
  summary.cut = targets;
  summary.passes = built.passes;
  summary.niss_index = options.keys != nullptr;
  if (progress != nullptr) summary.seconds = progress->finish(done);
  return summary;
}

}  // namespace

Result<std::vector<ProjectionChecksum>> store_checksums(const projections::Store& store) {
  std::vector<ProjectionChecksum> out;
  for (const projections::NamedCf& n : projections::kChecksummedCfs) {
    KASSA_ASSIGN_OR_RETURN(auto sum, store.checksum(n.cf));
    out.push_back({std::string(n.name), sum});
  }
  return out;
}

Result<RebuildSummary> rebuild(const SourceSpec& from, const std::string& into,
                               const RebuildOptions& options, Progress* progress) {
  if (!empty_or_missing(into)) {
    return Error::conflict("StoreNotEmpty",
                           into + " exists and is not empty; rebuild writes a fresh store");
  }
  if (from.kind != SourceKind::kArchive) {
    KASSA_ASSIGN_OR_RETURN(auto log, open_existing_log(from));
    return rebuild_from_log(*log, into, options, progress);
  }
  // An archive: through a temporary journal with the archive's layout.
  fs::path target = fs::path(into).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();  // "store/" -> "store"
  const std::string journal = target.string() + ".source-journal";
  if (!empty_or_missing(journal)) {
    return Error::conflict("StoreNotEmpty", journal + " (the temporary journal) exists");
  }
  SourceSpec temp;
  temp.kind = SourceKind::kJournal;
  temp.location = journal;
  auto imported = import_archive(from.location, temp, nullptr);
  if (!imported.ok()) {
    std::error_code ec;
    fs::remove_all(journal, ec);
    return imported.error();
  }
  Result<RebuildSummary> result = Error::internal("not run");
  {
    KASSA_ASSIGN_OR_RETURN(auto log, open_existing_log(temp));
    result = rebuild_from_log(*log, into, options, progress);
  }
  std::error_code ec;
  fs::remove_all(journal, ec);
  return result;
}

Result<std::unique_ptr<projections::Store>> open_existing_store(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return Error::not_found("StoreMissing", "no projection store at " + dir);
  }
  return projections::Store::open(dir);
}

std::string printable_key(std::string_view key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : key) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f && c != '\\') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kDigits[b >> 4]);
      out.push_back(kDigits[b & 15]);
    }
  }
  return out;
}

std::string_view to_string(KeyDifference d) {
  switch (d) {
    case KeyDifference::kOnlyLive: return "only_live";
    case KeyDifference::kOnlyRebuilt: return "only_rebuilt";
    case KeyDifference::kValueDiffers: return "value_differs";
  }
  return "value_differs";
}

bool DiffReport::equal() const {
  for (const auto& p : projections) {
    if (!p.equal()) return false;
  }
  return true;
}

Result<DiffReport> diff_stores(const std::string& live_dir, const std::string& rebuilt_dir,
                               std::size_t max_keys) {
  KASSA_ASSIGN_OR_RETURN(auto live, open_existing_store(live_dir));
  KASSA_ASSIGN_OR_RETURN(auto rebuilt, open_existing_store(rebuilt_dir));
  DiffReport report;
  for (const projections::NamedCf& n : projections::kChecksummedCfs) {
    ProjectionDiff d;
    d.name = std::string(n.name);
    auto a_sum = (live)->checksum(n.cf);
    auto b_sum = (rebuilt)->checksum(n.cf);
    if (!a_sum.ok()) return a_sum.error();
    if (!b_sum.ok()) return b_sum.error();
    d.live_checksum = *a_sum;
    d.rebuilt_checksum = *b_sum;
    if (d.live_checksum != d.rebuilt_checksum) {
      std::unique_ptr<rocksdb::Iterator> a(
          (live)->db().NewIterator(rocksdb::ReadOptions(), (live)->handle(n.cf)));
      std::unique_ptr<rocksdb::Iterator> b(
          (rebuilt)->db().NewIterator(rocksdb::ReadOptions(), (rebuilt)->handle(n.cf)));
      a->SeekToFirst();
      b->SeekToFirst();
      auto note = [&](std::string_view key, KeyDifference kind) {
        if (d.first.size() < max_keys) d.first.push_back({printable_key(key), kind});
      };
      while (a->Valid() || b->Valid()) {
        const int cmp = !a->Valid() ? 1 : !b->Valid() ? -1 : a->key().compare(b->key());
        if (cmp < 0) {
          ++d.only_live;
          note(a->key().ToStringView(), KeyDifference::kOnlyLive);
          a->Next();
        } else if (cmp > 0) {
          ++d.only_rebuilt;
          note(b->key().ToStringView(), KeyDifference::kOnlyRebuilt);
          b->Next();
        } else {
          if (a->value() != b->value()) {
            ++d.value_differs;
            note(a->key().ToStringView(), KeyDifference::kValueDiffers);
          }
          a->Next();
          b->Next();
        }
      }
      if (!a->status().ok() || !b->status().ok()) {
        return Error::unavailable(
            "ProjectionStoreIo",
            "reading " + d.name + ": " + a->status().ToString() + " / " + b->status().ToString());
      }
    }
    report.projections.push_back(std::move(d));
  }
  return report;
}

}  // namespace kassa::replay
