#include "history.h"

#include <catch2/catch.hpp>

#include "log/random.h"
#include "sample_stream.h"

namespace kassa::replay::testing {

namespace s = kassa::schemas;
using log::testing::body;

std::vector<GeneratedEvent> generate_history(const HistoryShape& shape) {
  log::SeededRandom random(shape.seed);
  struct Aggregate {
    s::AggregateKind kind;
    std::string key;
    uint64_t sequence = 0;
    log::Hash tip{};
  };
  std::vector<Aggregate> aggregates;
  for (int i = 0; i < shape.persons; ++i) {
    aggregates.push_back(
        {s::AggregateKind::Person, "P" + log::Uuid::v7(1735689600000 + i, random).hex()});
  }
  for (int i = 0; i < shape.companies; ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "0%09d",
                  400000000 + static_cast<int>(shape.seed % 1000) * 100000 + i * 7);
    aggregates.push_back({s::AggregateKind::Company, number});
  }
  std::vector<GeneratedEvent> out;
  out.reserve(aggregates.size() * static_cast<std::size_t>(shape.events_per_aggregate));
  int64_t clock_us = int64_t{1736150400} * 1'000'000;
  for (int round = 0; round < shape.events_per_aggregate; ++round) {
    for (Aggregate& a : aggregates) {
      clock_us += 1000;
      log::EventHeader h;
      h.event_id = log::Uuid::v7(clock_us / 1000, random);
      h.aggregate_kind = a.kind;
      h.aggregate_key = a.key;
      h.sequence = a.sequence + 1;
      h.recorded_at_us = clock_us;
      h.effective_days = log::testing::days(2025, 1, 1) + round;
      h.decided_days = h.effective_days;  // hand-made: decided on the date it is about
      h.actor = "batch:replay-test";
      h.prev_hash = a.tip;
      s::EventBodyUnion u;
      if (a.kind == s::AggregateKind::Company) {
        s::BalanceSheetReportedT e;
        e.financial_year_end_days = log::testing::days(2024, 12, 31);
        e.balance_sheet_total_cents = 100'000'00 + round;
        e.reported_days = h.effective_days;
        u = body(std::move(e));
      } else if (round == 0) {
        // A person's history starts with their registration (no personal
        // data: nothing to seal).
        s::PersonRegisteredT e;
        e.category = s::Category::Main;
        e.start_days = h.effective_days;
        e.start_quarter = 20251;
        e.member_number = static_cast<uint32_t>(1000 + out.size());
        u = body(std::move(e));
        h.effective_quarter = 20251;
      } else if (round % 2 == 0) {
        s::IncomeNotifiedT e;
        e.income_year = static_cast<uint16_t>(2020 + round % 5);
        e.net_income_cents = 3'000'000 + round * 100;
        e.notified_days = h.effective_days;
        u = body(std::move(e));
      } else {
        s::ContributionAssessedT e;
        e.quarter = 20251;
        e.rulebook_year = 2025;
        e.base_cents = 4'000'000;
        // Each round a reassessment of another amount: its difference is a line.
        e.contribution_cents = 205'000 + round * 100;
        e.fees_rate_bp = 395;
        e.fees_cents = 8'098 + round * 4;
        u = body(std::move(e));
        h.effective_quarter = 20251;
      }
      auto encoded = log::encode_event(h, u);
      REQUIRE(encoded.ok());
      a.sequence = h.sequence;
      a.tip = encoded->hash;
      GeneratedEvent g;
      g.topic = a.kind == s::AggregateKind::Company ? log::Topic::kCompanyEvents
                                                    : log::Topic::kPersonEvents;
      g.key = a.key;
      g.event_id = h.event_id.to_string();
      g.sequence = h.sequence;
      g.event = std::move(encoded).value();
      out.push_back(std::move(g));
    }
  }
  return out;
}

log::Record to_record(const log::EncodedEvent& event) {
  return {std::string(event.frame.begin(), event.frame.end()), std::string(event.type_name()),
          event.schema_version};
}

void append_history(log::EventLog& log, const std::vector<GeneratedEvent>& events,
                    std::size_t chunk) {
  for (log::Topic topic : {log::Topic::kPersonEvents, log::Topic::kCompanyEvents}) {
    std::vector<const GeneratedEvent*> mine;
    for (const auto& e : events) {
      if (e.topic == topic) mine.push_back(&e);
    }
    for (std::size_t begin = 0; begin < mine.size(); begin += chunk) {
      const std::size_t end = std::min(mine.size(), begin + chunk);
      std::vector<log::Record> records;
      records.reserve(end - begin);
      for (std::size_t i = begin; i < end; ++i) records.push_back(to_record(mine[i]->event));
      std::vector<log::KeyedBatch> batches;
      for (std::size_t i = begin; i < end; ++i) {
        batches.push_back({mine[i]->key, std::span<const log::Record>(&records[i - begin], 1)});
      }
      auto offsets = log.append_many(topic, batches);
      REQUIRE(offsets.ok());
    }
  }
}

log::EncodedEvent with_prev_hash(const log::EncodedEvent& event, const log::Hash& prev_hash) {
  auto decoded = log::decode_event(event.frame);
  REQUIRE(decoded.ok());
  s::EnvelopeT env = decoded->unpack();
  log::EventHeader h;
  h.event_id = decoded->event_id();
  h.aggregate_kind = env.aggregate_kind;
  h.aggregate_key = env.aggregate_key;
  h.sequence = env.sequence;
  h.recorded_at_us = env.recorded_at_us;
  h.effective_days = env.effective_days;
  h.effective_quarter = env.effective_quarter;
  if (env.causation_id) h.causation_id = log::Uuid::from_schema(env.causation_id.get());
  if (env.correlation_id) h.correlation_id = log::Uuid::from_schema(env.correlation_id.get());
  h.actor = env.actor;
  h.prev_hash = prev_hash;
  auto encoded = log::encode_event(h, env.body);
  REQUIRE(encoded.ok());
  return std::move(encoded).value();
}

std::vector<log::StoredRecord> read_all(log::EventLog& log) {
  std::vector<log::StoredRecord> out;
  for (log::Topic t : log::kAllTopics) {
    for (int32_t p = 0; p < log.partition_count(t); ++p) {
      auto hwm = log.high_water_mark(t, p);
      REQUIRE(hwm.ok());
      int64_t next = 0;
      while (next < *hwm) {
        auto batch = log.read(t, p, next, 1000, std::chrono::milliseconds(100));
        REQUIRE(batch.ok());
        REQUIRE(!batch->empty());
        for (auto& r : *batch) {
          next = r.offset + 1;
          out.push_back(std::move(r));
        }
      }
    }
  }
  return out;
}

bool same_records(const std::vector<log::StoredRecord>& a,
                  const std::vector<log::StoredRecord>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    if (x.topic != y.topic || x.partition != y.partition || x.offset != y.offset ||
        x.key != y.key || x.value != y.value || x.event_type != y.event_type ||
        x.schema_version != y.schema_version ||
        x.quarantine.has_value() != y.quarantine.has_value()) {
      return false;
    }
    if (x.quarantine && (x.quarantine->reason != y.quarantine->reason ||
                         x.quarantine->source_topic != y.quarantine->source_topic ||
                         x.quarantine->source_partition != y.quarantine->source_partition ||
                         x.quarantine->source_offset != y.quarantine->source_offset)) {
      return false;
    }
  }
  return true;
}

}  // namespace kassa::replay::testing
