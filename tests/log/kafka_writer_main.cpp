// kafka_writer BROKERS PREFIX ACK_FILE FIRST_BATCH BATCHES BATCH_SIZE [ACK_DELAY_MS]
//
// Appends batches FIRST_BATCH..BATCHES-1 of BATCH_SIZE events to the person
// topic. Event i (0-based, over all batches) belongs to batch i / BATCH_SIZE,
// whose aggregate key is "agg-<batch % 10>"; its payload is "e<i>". After
// each append returns (every record acknowledged by the broker), the batch
// number is written to ACK_FILE and fsync'd, ACK_DELAY_MS later (a slow
// client: it widens the window in which a kill loses an ack, not an event).
//
// Resuming after a crash: the first batch may have been in flight when the
// previous writer died, so some of its events may be in the log without an
// ack. The writer reads the key's partition and skips those, so a resumed
// run writes every event exactly once.

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>
#include <thread>

#include "log/kafka/kafka_log.h"
#include "log_fixtures.h"

using namespace kassa::log;
using namespace kassa::log::testing;

namespace {

std::string key_of(long batch) { return "agg-" + std::to_string(batch % 10); }

// Events of `batch` already in the log (landed, but never acknowledged).
std::set<long> already_there(EventLog& log, long batch, long batch_size) {
  std::set<long> found;
  const std::string key = key_of(batch);
  const int32_t p = log.partition_for(Topic::kPersonEvents, key);
  const int64_t hwm = must(log.high_water_mark(Topic::kPersonEvents, p));
  for (int64_t next = 0; next < hwm;) {
    const auto got = must(log.read(Topic::kPersonEvents, p, next, 5000, std::chrono::seconds(5)));
    if (got.empty()) break;
    for (const auto& r : got) {
      const long i = std::stol(unsealed(r.value).substr(1));
      if (r.key == key && i / batch_size == batch) found.insert(i);
    }
    next = got.back().offset + 1;
  }
  return found;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7 && argc != 8) {
    std::fprintf(stderr,
                 "usage: kafka_writer BROKERS PREFIX ACK_FILE FIRST_BATCH BATCHES BATCH_SIZE\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  LogConfig config = small_config();
  config.brokers = argv[1];
  config.topic_prefix = argv[2];
  config.client_id = "kassa-kafka-writer";
  const long first = std::stol(argv[4]);
  const long batches = std::stol(argv[5]);
  const long size = std::stol(argv[6]);
  const auto ack_delay = std::chrono::milliseconds(argc == 8 ? std::stol(argv[7]) : 0);
  const int ack_fd = ::open(argv[3], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (ack_fd < 0) return 1;
  try {
    auto log = must(kafka::KafkaLog::open(config));
    const std::set<long> skip = first > 0 ? already_there(*log, first, size) : std::set<long>{};
    std::printf("resumed at batch %ld: %zu of its events were in the log unacknowledged\n", first,
                skip.size());
    std::fflush(stdout);
    for (long b = first; b < batches; ++b) {
      std::vector<Record> records;
      records.reserve(static_cast<std::size_t>(size));
      for (long i = b * size; i < (b + 1) * size; ++i) {
        if (skip.count(i) == 0) records.push_back(make_record("e" + std::to_string(i)));
      }
      auto offsets = log->append(Topic::kPersonEvents, key_of(b), records);
      if (!offsets.ok()) {
        std::fprintf(stderr, "batch %ld: %s\n", b, offsets.error().message.c_str());
        return 1;
      }
      std::this_thread::sleep_for(ack_delay);
      const std::string line = std::to_string(b) + "\n";
      if (write(ack_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
          fsync(ack_fd) != 0) {
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kafka_writer: %s\n", e.what());
    return 1;
  }
  return 0;
}
