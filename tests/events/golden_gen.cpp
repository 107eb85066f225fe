// Writes the golden event stream and its test keys. Run by hand when a new
// golden version is recorded, never by CI:
//   build/tests/events/events_golden_gen tests/data/golden v1
// An existing version is never rewritten: old files must decode forever.
#include <cstdio>
#include <filesystem>
#include <string>

#include "golden_io.h"
#include "sample_stream.h"

int main(int argc, char** argv) {
  using namespace kassa::log;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <dir> <version, e.g. v1>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const std::string stream_path = dir + "/events-" + argv[2] + ".bin";
  const std::string keys_path = dir + "/keys-" + argv[2] + ".txt";
  if (std::filesystem::exists(stream_path)) {
    std::fprintf(stderr, "%s exists; golden files are never rewritten\n", stream_path.c_str());
    return 1;
  }
  SeededRandom random(testing::kGoldenSeed);
  InMemoryKeyStore keys(random);
  auto stream = testing::build_sample_stream(keys, random);
  std::vector<std::vector<std::uint8_t>> frames;
  for (auto& e : stream.events) frames.push_back(e.frame);
  std::filesystem::create_directories(dir);
  if (!testing::write_stream(stream_path, frames) ||
      !testing::write_keys(keys_path, keys, stream.subjects)) {
    std::fprintf(stderr, "cannot write the golden files in %s\n", dir.c_str());
    return 1;
  }
  std::printf("wrote %zu events to %s\n", frames.size(), stream_path.c_str());
  return 0;
}
