#include "projections/projector.h"

#include <spdlog/spdlog.h>

#include "log/event_verifier.h"

#include "projections/event_index.h"
#include "projections/ledger.h"
#include "projections/parties.h"

namespace kassa::projections {

namespace s = kassa::schemas;

std::vector<std::unique_ptr<Projection>> make_projections(const ProjectionDeps& deps) {
  KASSA_ASSERT(deps.rulebook != nullptr, "projections need a rulebook");
  std::vector<std::unique_ptr<Projection>> out;
  out.push_back(std::make_unique<PartiesProjection>());
  out.push_back(std::make_unique<EventIndexProjection>());
  out.push_back(std::make_unique<LedgerProjection>(*deps.rulebook, deps.history));
  if (deps.keys != nullptr) {
    out.push_back(std::make_unique<NissIndexProjection>(*deps.keys, deps.niss_secret));
  }
  return out;
}

std::uint32_t rebuild_share(log::Topic topic, std::string_view key, std::uint32_t count) {
  std::uint64_t h = 1469598103934665603ULL;
  const auto mix = [&h](unsigned char c) { h = (h ^ c) * 1099511628211ULL; };
  mix(static_cast<unsigned char>(topic));
  for (char c : key) mix(static_cast<unsigned char>(c));
  return count <= 1 ? 0 : static_cast<std::uint32_t>(h % count);
}

ProjectorStats& ProjectorStats::operator+=(const ProjectorStats& o) {
  applied += o.applied;
  quarantined += o.quarantined;
  skipped += o.skipped;
  batches += o.batches;
  read_seconds += o.read_seconds;
  wait_seconds += o.wait_seconds;
  apply_seconds += o.apply_seconds;
  commit_seconds += o.commit_seconds;
  return *this;
}

Projector::Projector(log::EventLog& log, Store& store,
                     std::vector<std::unique_ptr<Projection>> projections, ProjectorOptions options)
    : log_(log), store_(store), projections_(std::move(projections)), options_(std::move(options)) {
  if (options_.rebuild) {
    KASSA_ASSERT(options_.rebuild->count > 0 && options_.rebuild->index < options_.rebuild->count,
                 "a rebuild pass outside its passes");
    for (auto& p : projections_) p->set_write_back(true, options_.rebuild->cache_entries);
  }
}

bool Projector::applies(const Projection& p, const Decoded& d) const {
  if (!options_.rebuild) return true;
  if (d.scope == Scope::kElsewhere) return !p.per_aggregate();  // only pass 0 decodes these
  return p.per_aggregate() || options_.rebuild->index == 0;
}

Projector::~Projector() {
  stop();
  stop_reading();
}

Status Projector::open_reader() {
  stop_reading();  // the reading thread uses the reader this replaces
  KASSA_ASSIGN_OR_RETURN(auto stored, store_.offsets());
  std::vector<log::Position> from;
  for (log::Topic topic : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
    for (std::int32_t p = 0; p < log_.partition_count(topic); ++p) {
      log::Position pos{topic, p, 0};
      for (const log::Position& s_pos : stored) {
        if (s_pos.topic == topic && s_pos.partition == p) pos.offset = s_pos.offset;
      }
      // The projections have read further than the log now holds: the log
      // lost acknowledged records (damage, a restore from an older copy,
      // or another log). Going on would write new events over old offsets.
      KASSA_ASSIGN_OR_RETURN(auto hwm, log_.high_water_mark(topic, p));
      if (pos.offset > hwm) {
        return Error::corrupt(
            "LogBehindProjections",
            "the log's partition " + log_.config().topic_name(topic) + "/" + std::to_string(p) +
                " ends at offset " + std::to_string(hwm) +
                ", but the projections have read it up to " + std::to_string(pos.offset) +
                ": the log lost records it had acknowledged (damage, a "
                "restore from an older copy, or another log). Nothing was written. Check it with "
                "`kassa replay verify` and restore it (src/log/README.md, Damage); rebuild the "
                "projections only if this log is the right one");
      }
      from.push_back(pos);
    }
  }
  KASSA_ASSIGN_OR_RETURN(auto sub, log_.subscribe(from));
  chain_ = std::make_unique<log::ChainVerifier>();
  reader_ = std::make_unique<log::VerifyingReaderOf<Decoded>>(
      log_, std::move(sub), [this](const log::StoredRecord& r) { return verify(r); });
  next_ = from;
  publish(next_);
  return {};
}

Result<Projector::Decoded> Projector::verify(const log::StoredRecord& record) {
  const EventPosition position{record.topic, record.partition, record.offset};
  Scope scope = Scope::kOwn;
  if (options_.rebuild) {
    const RebuildPass& pass = *options_.rebuild;
    for (const log::Position& u : pass.until) {
      if (u.topic == record.topic && u.partition == record.partition && record.offset >= u.offset) {
        return Decoded{position, std::nullopt, Scope::kBeyond, std::nullopt};
      }
    }
    if (rebuild_share(record.topic, record.key, pass.count) != pass.index) {
      scope = Scope::kElsewhere;
      if (pass.index != 0) {  // read by pass 0 for the projections that see every event
        return Decoded{position, std::nullopt, scope, std::nullopt};
      }
    }
  }
  // Resume the aggregate's chain from its last applied event (parties
  // summary) the first time this process sees it. The kind follows from the
  // topic (company and fund events share the company topic; the fund's key
  // is "fund"); a record lying about it fails verify_record anyway.
  const s::AggregateKind kind = record.topic == log::Topic::kPersonEvents ? s::AggregateKind::Person
                                : record.key == "fund"                    ? s::AggregateKind::Fund
                                                       : s::AggregateKind::Company;
  // (A rebuild starts from a fresh store: no tip to resume.)
  if (!options_.rebuild && !chain_->tip(kind, record.key).has_value()) {
    auto party = read_party(store_, kind, record.key);
    if (!party.ok()) return Error::unavailable("ChainTip", party.error().message);
    if (party->has_value()) {
      chain_->set_tip(kind, record.key,
                      log::ChainTip{(*party)->last_sequence, (*party)->last_hash});
    }
  }
  auto verified = log::verify_record(record, *chain_);
  if (!verified.ok()) {
    const Error& e = verified.error();
    if (e.rule == log::rules::kUnsupportedSchemaVersion) {
      return Decoded{position, std::nullopt, scope, e};  // not quarantined: step() halts before it
    }
    if (log::classify_failure(e) == log::FailureAction::kSkip) {
      return Decoded{position, std::nullopt, scope, std::nullopt};
    }
    if (options_.rebuild && options_.rebuild->index != 0) {
      // Pass 0 quarantined it and counted it.
      return Decoded{position, std::nullopt, Scope::kElsewhere, std::nullopt};
    }
    return e;  // quarantined with its rule, including UnknownEventType
  }
  return Decoded{position, std::move(verified).value(), scope, std::nullopt};
}

void Projector::reset_caches() {
  for (auto& p : projections_) p->reset();
}

void Projector::publish(const std::vector<log::Position>& next) {
  {
    std::lock_guard lock(mu_);
    published_ = next;
  }
  applied_cv_.notify_all();
}

Result<std::size_t> Projector::step(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(mu_);
    if (halted_) return *halted_;
  }
  if (!reader_) KASSA_TRY(open_reader());
  if (!reading_.joinable()) start_reading();
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  const Clock::time_point wait_start = Clock::now();
  std::optional<Polled> polled;
  {
    std::unique_lock lock(queue_mu_);
    queue_cv_.wait_for(lock, timeout, [this] { return queued_.has_value(); });
    if (!queued_) return std::size_t{0};
    polled = std::move(queued_);
    queued_.reset();
  }
  queue_cv_.notify_all();  // the reading thread reads the next batch
  const double wait_s = seconds_since(wait_start);
  if (polled->error) {
    done_with_poll();
    return *polled->error;
  }
  const std::uint64_t quarantined = polled->quarantined;
  const double read_s = polled->read_seconds;

  // One batch object for the projector's life: its buffer keeps its
  // capacity, so a large batch is not re-grown (copied, page-faulted) each time.
  if (!batch_) batch_ = std::make_unique<StoreBatch>(store_);
  StoreBatch& batch = *batch_;
  batch.clear();
  ApplyContext context(store_, batch);
  std::optional<Error> halt;
  std::uint64_t applied = 0;
  std::uint64_t skipped = 0;
  const Clock::time_point apply_start = Clock::now();
  auto fail = [&](const Error& e) -> Result<std::size_t> {
    reset_caches();
    stop_reading();   // what it read ahead is dropped with this batch
    reader_.reset();  // re-subscribe from the stored offsets next time
    if (options_.rebuild) {
      // Write-back caches are lost with what they held: a rebuild that
      // fails is discarded, not resumed.
      std::lock_guard lock(mu_);
      halted_ = e;
    }
    return e;
  };
  for (const auto& [record, d] : polled->records) {
    if (d.scope == Scope::kBeyond) continue;  // past the rebuild's end: not consumed
    if (d.halt) {
      halt = d.halt;
      break;
    }
    const bool own = d.scope == Scope::kOwn;
    if (d.event) {
      for (auto& p : projections_) {
        if (!applies(*p, d)) continue;
        Status applied_one = p->apply(*d.event, d.position, context);
        if (!applied_one.ok()) return fail(applied_one.error());
      }
      if (own) ++applied;
    } else if (own) {
      ++skipped;
    }
    for (log::Position& pos : next_) {
      if (pos.topic == record.topic && pos.partition == record.partition) {
        pos.offset = record.offset + 1;
      }
    }
  }
  // Records quarantined after the last delivered one moved the reader on.
  if (!halt) next_ = polled->positions;
  if (options_.rebuild) {
    for (log::Position& pos : next_) {
      for (const log::Position& u : options_.rebuild->until) {
        if (u.topic == pos.topic && u.partition == pos.partition) {
          pos.offset = std::min(pos.offset, u.offset);
        }
      }
    }
  }
  for (auto& p : projections_) p->flush(context);
  if (context.failure()) return fail(*context.failure());
  const double apply_s = seconds_since(apply_start);
  const Clock::time_point commit_start = Clock::now();
  // A rebuild pass commits its offsets once, with what its caches hold (finish()).
  Status committed = store_.commit(batch, options_.rebuild ? std::vector<log::Position>{} : next_);
  if (!committed.ok()) return fail(committed.error());
  const double commit_s = seconds_since(commit_start);
  {
    // Before publish(): whoever waits for these positions reads stats that
    // count them (query_routes_test read "applied" 0 of 26 under load).
    std::lock_guard lock(mu_);
    stats_.applied += applied;
    stats_.skipped += skipped;
    stats_.quarantined += quarantined;
    ++stats_.batches;
    stats_.read_seconds += read_s;
    stats_.wait_seconds += wait_s;
    stats_.apply_seconds += apply_s;
    stats_.commit_seconds += commit_s;
    if (halt) {
      halted_ = *halt;
      spdlog::error("projector halted rule={} error={}", halt->rule, halt->message);
    }
  }
  publish(next_);
  done_with_poll();
  return static_cast<std::size_t>(applied + skipped + quarantined);
}

Status Projector::catch_up(
    const std::function<void(const std::vector<log::Position>&)>& after_batch) {
  if (!reader_) KASSA_TRY(open_reader());
  std::vector<log::Position> targets;
  if (options_.rebuild) {
    targets = options_.rebuild->until;
  } else {
    for (const log::Position& p : next_) {
      KASSA_ASSIGN_OR_RETURN(auto hwm, log_.high_water_mark(p.topic, p.partition));
      targets.push_back({p.topic, p.partition, hwm});
    }
  }
  while (true) {
    if (after_batch) after_batch(positions());
    bool done = true;
    for (const log::Position& t : targets) {
      for (const log::Position& p : next_) {
        if (p.topic == t.topic && p.partition == t.partition && p.offset < t.offset) done = false;
      }
    }
    if (done) return options_.rebuild ? finish() : Status{};
    if (auto h = halted(); h) return *h;
    KASSA_TRY(step(std::chrono::milliseconds(50)));
  }
}

Status Projector::finish() {
  KASSA_ASSERT(options_.rebuild.has_value(), "finish() ends a rebuild pass");
  // A pass over an empty log still commits its (zero) offsets.
  if (!reader_) KASSA_TRY(open_reader());
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  if (!batch_) batch_ = std::make_unique<StoreBatch>(store_);
  StoreBatch& batch = *batch_;
  batch.clear();
  ApplyContext context(store_, batch);
  for (auto& p : projections_) {
    p->set_write_back(false, kWriteBackEntries);
    p->flush(context);
  }
  if (context.failure()) {
    reset_caches();
    std::lock_guard lock(mu_);
    halted_ = *context.failure();
    return *context.failure();
  }
  const bool last = options_.rebuild->index + 1 == options_.rebuild->count;
  const Clock::time_point commit_start = Clock::now();
  Status committed = store_.commit(batch, last ? next_ : std::vector<log::Position>{});
  const Clock::time_point end = Clock::now();
  {
    std::lock_guard lock(mu_);
    stats_.apply_seconds += std::chrono::duration<double>(commit_start - start).count();
    stats_.commit_seconds += std::chrono::duration<double>(end - commit_start).count();
  }
  if (!committed.ok()) {
    reset_caches();
    std::lock_guard lock(mu_);
    if (options_.rebuild) halted_ = committed.error();
    return committed.error();
  }
  if (last) publish(next_);
  return {};
}

Status Projector::start() {
  KASSA_TRY(open_reader());
  stop_ = false;
  thread_ = std::thread([this] { run(); });
  return {};
}

void Projector::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  // What was read ahead goes, and the reader with it (its subscription is
  // past that batch): the next step or start() subscribes again from the
  // stored offsets.
  stop_reading();
  reader_.reset();
}

void Projector::start_reading() {
  stop_reading_ = false;
  reading_ = std::thread([this] { read_ahead(); });
}

void Projector::stop_reading() {
  {
    std::lock_guard lock(queue_mu_);
    stop_reading_ = true;
  }
  queue_cv_.notify_all();
  if (reading_.joinable()) reading_.join();
  std::lock_guard lock(queue_mu_);
  queued_.reset();
  handed_ = done_ = 0;
}

void Projector::done_with_poll() {
  {
    std::lock_guard lock(queue_mu_);
    ++done_;
  }
  queue_cv_.notify_all();
}

void Projector::read_ahead() {
  using Clock = std::chrono::steady_clock;
  while (!stop_reading_) {
    if (!options_.rebuild && chain_->aggregate_count() > options_.max_chain_tips) {
      // Too many tips held: drop them and reload each from the store, but
      // only once every batch read so far is committed (a batch in flight
      // would leave the store's tip behind the one verified).
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stop_reading_ || done_ == handed_; });
      if (stop_reading_) return;
      chain_ = std::make_unique<log::ChainVerifier>();
    }
    Polled polled;
    const Clock::time_point start = Clock::now();
    const std::uint64_t quarantined_before = reader_->quarantined_count();
    auto got = reader_->poll(options_.max_batch, options_.poll_timeout);
    polled.read_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (got.ok()) {
      polled.records = std::move(got).value();
    } else {
      polled.error = got.error();
    }
    polled.quarantined = reader_->quarantined_count() - quarantined_before;
    polled.positions = reader_->positions();
    if (!polled.error && polled.records.empty() && polled.quarantined == 0) continue;
    // A record the projector halts before (a newer schema version): read
    // nothing past this poll, or the halted aggregate's later events would
    // fail their chain and be quarantined for nothing.
    bool halts = false;
    for (const auto& v : polled.records) halts = halts || v.verdict.halt.has_value();
    std::unique_lock lock(queue_mu_);
    queue_cv_.wait(lock, [this] { return stop_reading_ || !queued_.has_value(); });
    if (stop_reading_) return;
    queued_ = std::move(polled);
    ++handed_;
    lock.unlock();
    queue_cv_.notify_all();
    if (halts) return;
  }
}

void Projector::run() {
  // A failure that lasts (a full disk) is logged when it starts, once a
  // minute while it lasts, and when it ends.
  std::chrono::steady_clock::time_point logged{};
  while (!stop_) {
    auto stepped = step(options_.poll_timeout);
    if (stepped.ok()) {
      std::lock_guard lock(mu_);
      if (failing_) {
        spdlog::info("projector batches go through again after rule={}", failing_->rule);
        failing_.reset();
      }
      continue;
    }
    if (halted()) {
      // Nothing will be read again: let the subscription go (a Kafka
      // consumer left unpolled would queue its statistics for ever).
      stop_reading();
      reader_.reset();
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    bool log_it = false;
    {
      std::lock_guard lock(mu_);
      log_it = !failing_ || failing_->rule != stepped.error().rule ||
               now - logged >= std::chrono::minutes(1);
      failing_ = stepped.error();
    }
    if (log_it) {
      logged = now;
      spdlog::error("projector batch failed rule={} error={}; retrying from the stored offsets",
                    stepped.error().rule, stepped.error().message);
    }
    for (int i = 0; i < 10 && !stop_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (void)store_.recover();  // after a full disk: reopens the store once there is room
  }
}

std::optional<Error> Projector::failing() const {
  std::lock_guard lock(mu_);
  return failing_;
}

std::vector<log::Position> Projector::positions() const {
  std::lock_guard lock(mu_);
  return published_;
}

std::int64_t Projector::last_applied(log::Topic topic, std::int32_t partition) const {
  std::lock_guard lock(mu_);
  for (const log::Position& p : published_) {
    if (p.topic == topic && p.partition == partition) return p.offset - 1;
  }
  return -1;
}

Result<std::int64_t> Projector::lag() const {
  std::int64_t total = 0;
  for (const log::Position& p : positions()) {
    KASSA_ASSIGN_OR_RETURN(auto hwm, log_.high_water_mark(p.topic, p.partition));
    total += std::max<std::int64_t>(0, hwm - p.offset);
  }
  return total;
}

bool Projector::wait_until(log::Topic topic, std::int32_t partition, std::int64_t offset,
                           std::chrono::milliseconds timeout) const {
  return wait_until(std::vector<log::Position>{{topic, partition, offset + 1}}, timeout);
}

bool Projector::wait_until(const std::vector<log::Position>& next_offsets,
                           std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return applied_cv_.wait_for(lock, timeout, [&] {
    for (const log::Position& want : next_offsets) {
      bool reached = false;
      for (const log::Position& p : published_) {
        if (p.topic == want.topic && p.partition == want.partition && p.offset >= want.offset) {
          reached = true;
        }
      }
      if (!reached) return false;
    }
    return true;
  });
}

ProjectorStats Projector::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::optional<Error> Projector::halted() const {
  std::lock_guard lock(mu_);
  return halted_;
}

}  // namespace kassa::projections
