#include "projections/rebuild.h"

#include <malloc.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace kassa::projections {

namespace fs = std::filesystem;

Result<Checksums> store_checksums(const Store& store) {
  Checksums out;
  for (const NamedCf& n : kChecksummedCfs) {
    KASSA_ASSIGN_OR_RETURN(auto sum, store.checksum(n.cf));
    out[std::string(n.name)] = sum;
  }
  return out;
}

namespace {

Error io(const std::string& what) { return Error::unavailable("ProjectionFolderIo", what); }

Result<std::string> read_current(const std::string& root) {
  std::ifstream in(root + "/CURRENT");
  if (!in) return std::string();
  std::string name;
  std::getline(in, name);
  if (name.rfind("store-", 0) != 0)
    return Error::corrupt("ProjectionCurrent", root + "/CURRENT is not store-<n>");
  return name;
}

int number_of(const std::string& name) { return std::atoi(name.c_str() + 6); }

}  // namespace

Status make_live(const std::string& root, const std::string& store_path) {
  const std::string name = fs::path(store_path).filename().string();
  const std::string tmp = root + "/CURRENT.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << name << "\n";
    out.flush();
    if (!out) return io("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), (root + "/CURRENT").c_str()) != 0) {
    return io("cannot rename " + tmp);
  }
  return {};
}

Result<std::string> live_store_path(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return io("cannot create " + root + ": " + ec.message());
  KASSA_ASSIGN_OR_RETURN(auto current, read_current(root));
  if (current.empty()) {
    KASSA_TRY(make_live(root, root + "/store-1"));
    return root + "/store-1";
  }
  return root + "/" + current;
}

Result<std::string> next_store_path(const std::string& root) {
  KASSA_ASSIGN_OR_RETURN(auto current, read_current(root));
  const int n = current.empty() ? 1 : number_of(current) + 1;
  const std::string path = root + "/store-" + std::to_string(n);
  std::error_code ec;
  fs::remove_all(path, ec);  // a leftover of a rebuild that did not finish
  if (ec) return io("cannot remove " + path + ": " + ec.message());
  return path;
}

std::uint32_t passes_for(std::uint64_t records) {
  const std::uint64_t passes = (records + kRecordsPerPass - 1) / kRecordsPerPass;
  return static_cast<std::uint32_t>(std::max<std::uint64_t>(1, passes));
}

Result<std::vector<log::Position>> event_high_water_marks(log::EventLog& log) {
  std::vector<log::Position> out;
  for (log::Topic topic : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
    for (std::int32_t p = 0; p < log.partition_count(topic); ++p) {
      KASSA_ASSIGN_OR_RETURN(auto hwm, log.high_water_mark(topic, p));
      out.push_back({topic, p, hwm});
    }
  }
  return out;
}

Result<BuildStats> build_in_passes(
    log::EventLog& log, Store& store, const std::vector<log::Position>& until,
    const ProjectionFactory& make, const RebuildPlan& plan,
    const std::function<void(std::uint32_t, std::uint32_t, std::uint64_t)>& progress) {
  KASSA_ASSIGN_OR_RETURN(auto stored, store.offsets());
  // Fresh: the rebuild's projections take what they did not write as
  // absent (the identifier index's filter of written keys relies on it).
  bool holds = false;
  for (Cf cf : {Cf::kParties, Cf::kNiss}) {
    KASSA_TRY(store.scan(cf, "", [&](std::string_view, std::string_view) {
      holds = true;
      return false;
    }));
  }
  if (!stored.empty() || holds) {
    return Error::conflict("StoreNotFresh",
                           "a rebuild writes into a store that holds no offsets, no parties and no "
                           "identifier index");
  }
  BuildStats out;
  for (const log::Position& u : until) out.records += static_cast<std::uint64_t>(u.offset);
  out.passes = plan.passes != 0 ? plan.passes : passes_for(out.records);
  for (std::uint32_t pass = 0; pass < out.passes; ++pass) {
    const auto started = std::chrono::steady_clock::now();
    ProjectorOptions options;
    options.max_batch = plan.max_batch;
    options.rebuild = RebuildPass{out.passes, pass, until, plan.cache_entries};
    Projector projector(log, store, make(), options);
    KASSA_TRY(projector.catch_up([&](const std::vector<log::Position>& at) {
      if (!progress) return;
      std::uint64_t done = 0;
      for (const log::Position& p : at) done += static_cast<std::uint64_t>(p.offset);
      progress(pass, out.passes, done);
    }));
    const ProjectorStats s = projector.stats();
    out.projector += s;
    spdlog::info("projections rebuild pass={}/{} cut_records={} applied={} seconds={:.1f}",
                 pass + 1, out.passes, out.records, s.applied,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return out;
}

double BuildProgress::ratio() const {
  if (passes == 0) return 0.0;
  const double in_pass =
      total == 0 ? 1.0 : std::min(1.0, static_cast<double>(records) / static_cast<double>(total));
  return (static_cast<double>(pass) + in_pass) / static_cast<double>(passes);
}

Result<std::unique_ptr<Store>> build_store(
    log::EventLog& log, const std::string& path, const ProjectionDeps& deps, BuildStats* stats,
    RebuildPlan plan, const std::function<void(const BuildProgress&)>& progress) {
  KASSA_ASSIGN_OR_RETURN(auto until, event_high_water_marks(log));
  std::uint64_t total = 0;
  for (const auto& p : until)
    total += static_cast<std::uint64_t>(std::max<std::int64_t>(p.offset, 0));
  std::function<void(std::uint32_t, std::uint32_t, std::uint64_t)> report;
  if (progress) {
    report = [&progress, total](std::uint32_t pass, std::uint32_t passes, std::uint64_t records) {
      progress(BuildProgress{pass, passes, records, total});
    };
  }
  KASSA_ASSIGN_OR_RETURN(auto store, Store::open(path, Durability::kIngest));
  KASSA_ASSIGN_OR_RETURN(
      auto built,
      build_in_passes(log, *store, until, [&] { return make_projections(deps); }, plan, report));
  if (stats != nullptr) *stats = built;
  KASSA_TRY((store)->flush());
  return store;
}

ProjectionRunner::ProjectionRunner(log::EventLog& log, std::string root, ProjectionDeps deps,
                                   std::shared_ptr<Store> store)
    : log_(log), root_(std::move(root)), deps_(deps), handle_(std::move(store)) {}

ProjectionRunner::~ProjectionRunner() { stop(); }

Result<std::unique_ptr<ProjectionRunner>> ProjectionRunner::open(log::EventLog& log,
                                                                 const std::string& root,
                                                                 ProjectionDeps deps) {
  KASSA_ASSIGN_OR_RETURN(auto path, live_store_path(root));
  KASSA_ASSIGN_OR_RETURN(auto store, Store::open(path));
  // Read models of an older format are rebuilt from the log before anything
  // reads them: they are derived data, and reading them as current would
  // answer with what an older model computed.
  KASSA_ASSIGN_OR_RETURN(auto format, (store)->format());
  KASSA_ASSIGN_OR_RETURN(auto offsets, (store)->offsets());
  if (format > kStoreFormat) {
    return Error::unavailable(
        "StoreFormatNewer", "the projections at " + path + " have format " +
                                std::to_string(format) +
                                ", written by a newer build (this one reads " +
                                std::to_string(kStoreFormat) + "); run that build or rebuild them");
  }
  if (format < kStoreFormat && offsets.empty()) KASSA_TRY((store)->mark_current_format());
  if (format < kStoreFormat && !offsets.empty()) {
    spdlog::warn(
        "projections store={} has format {} (this build reads {}): rebuilding it from the log",
        path, format, kStoreFormat);
    store.reset();
    KASSA_ASSIGN_OR_RETURN(auto next, next_store_path(root));
    KASSA_ASSIGN_OR_RETURN(auto built, build_store(log, next, deps));
    built.reset();
    KASSA_TRY(make_live(root, next));
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    spdlog::info("projections rebuilt in the current format store={}", next);
    KASSA_ASSIGN_OR_RETURN(store, Store::open(next));
  }
  std::unique_ptr<ProjectionRunner> runner(
      new ProjectionRunner(log, root, deps, std::shared_ptr<Store>(std::move(store))));
  runner->projector_ =
      std::make_shared<Projector>(log, *runner->handle_.get(), make_projections(deps));
  return runner;
}

std::shared_ptr<Projector> ProjectionRunner::projector() {
  std::lock_guard lock(mu_);
  return projector_;
}

Status ProjectionRunner::start() {
  std::lock_guard lock(mu_);
  return projector_->start();
}

void ProjectionRunner::stop() {
  std::lock_guard lock(mu_);
  if (projector_) projector_->stop();
}

ProjectionRunner::RebuildState ProjectionRunner::rebuild_state() const {
  std::lock_guard lock(state_mu_);
  return state_;
}

Result<ProjectionRunner::Report> ProjectionRunner::rebuild(bool accept_different) {
  std::lock_guard lock(mu_);
  {
    std::lock_guard state(state_mu_);
    state_.running = true;
    state_.progress = BuildProgress{};
  }
  auto report = rebuild_locked(accept_different);
  std::lock_guard state(state_mu_);
  state_.running = false;
  ++(report.ok() ? state_.completed : state_.failed);
  return report;
}

Result<ProjectionRunner::Report> ProjectionRunner::rebuild_locked(bool accept_different) {
  Report report;
  std::shared_ptr<Store> old = handle_.get();
  KASSA_ASSIGN_OR_RETURN(auto path, next_store_path(root_));
  report.path = path;
  // 1. Build from offset 0 while the live projector and queries go on.
  KASSA_ASSIGN_OR_RETURN(
      auto built, build_store(log_, path, deps_, nullptr, {}, [this](const BuildProgress& p) {
        std::lock_guard state(state_mu_);
        state_.progress = p;
      }));
  built.reset();  // reopen with the WAL for live use
  // The passes' read models are freed, but glibc keeps the pages: kassad
  // stayed at 629 MB resident after a rebuild that peaked at 954 MB
  // (20,000 persons, five years) where it serves in ~60 MB. Give them back.
  ::malloc_trim(0);
  KASSA_ASSIGN_OR_RETURN(auto fresh, Store::open(path));
  std::shared_ptr<Store> next(std::move(fresh));
  // 2. Stop the live projector, compare at one position, catch up the tail.
  projector_->stop();
  KASSA_ASSIGN_OR_RETURN(auto before, store_checksums(*old));
  report.before = before;
  auto projector = std::make_shared<Projector>(log_, *next, make_projections(deps_));
  // The new store must reach exactly the old one's offsets to compare.
  const auto target = projector_->positions();
  while (!projector->wait_until(target, std::chrono::milliseconds(0))) {
    KASSA_TRY(projector->step(std::chrono::milliseconds(50)));
  }
  KASSA_ASSIGN_OR_RETURN(auto after, store_checksums(*next));
  report.after = after;
  if (report.before != report.after && !accept_different) {
    // A store that disagrees with the live one replaces nothing unasked.
    spdlog::warn("projections rebuilt but not swapped: checksums differ path={} live={}", path,
                 old->path());
    KASSA_TRY(projector_->start());
    return report;
  }
  // 3. Swap: the handle first (new queries), then CURRENT, then go on.
  handle_.replace(next);
  KASSA_TRY(make_live(root_, path));
  projector_ = projector;
  KASSA_TRY(projector_->start());
  const std::string old_path = old->path();
  // Queries in flight may still hold the old store: give them time to end.
  for (int i = 0; i < 50 && old.use_count() > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const bool unused = old.use_count() == 1;
  old.reset();
  report.swapped = true;
  spdlog::info("projections rebuilt and swapped path={}", path);
  if (report.before != report.after) {
    report.kept = old_path;
    spdlog::warn("projections differed from the previous store, kept for comparison path={}",
                 old_path);
  } else if (unused) {
    std::error_code ec;
    fs::remove_all(old_path, ec);
  } else {
    report.kept = old_path;
    spdlog::warn("old projection store still in use; left in place path={}", old_path);
  }
  return report;
}

}  // namespace kassa::projections
