// journal_writer PATH FIRST_BATCH — appends batches to the journal at PATH
// until killed, and after each append returns prints
//   ack <batch> <partition> <first offset> <count>
// on stdout (unbuffered). Batch b: key "party-<b % 5>", b % 7 + 1 records
// with payloads "b<b>.<i>". The durability test SIGKILLs it mid-stream.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "log/journal/journal_log.h"
#include "log_fixtures.h"

using namespace kassa::log;
using namespace kassa::log::testing;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: journal_writer PATH FIRST_BATCH\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  LogConfig config = small_config();
  config.journal_path = argv[1];
  auto log = journal::JournalLog::open(config);
  if (!log.ok()) {
    std::fprintf(stderr, "open: %s\n", log.error().message.c_str());
    return 1;
  }
  for (long b = std::stol(argv[2]);; ++b) {
    const std::string key = "party-" + std::to_string(b % 5);
    std::vector<Record> records;
    for (long i = 0; i < b % 7 + 1; ++i) {
      records.push_back(make_record("b" + std::to_string(b) + "." + std::to_string(i)));
    }
    auto offsets = (*log)->append(Topic::kPersonEvents, key, records);
    if (!offsets.ok()) {
      std::fprintf(stderr, "append: %s\n", offsets.error().message.c_str());
      return 1;
    }
    const std::string line = "ack " + std::to_string(b) + " " +
                             std::to_string((*log)->partition_for(Topic::kPersonEvents, key)) +
                             " " + std::to_string(offsets->front()) + " " +
                             std::to_string(offsets->size()) + "\n";
    if (write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      return 1;
  }
}
