#pragma once
// Helpers for the bank statement tests: reading the shared real files and
// editing CODA records by column.

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace kassa::domain::bank::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The real KBC CODA 2 file, kept outside the repository: KASSA_SHARED_DIR is
// KASSA_SOURCE_DIR "/../shared" (or ../../shared from a worktree).
inline const std::string& real_coda() {
  static const std::string bytes = read_file(KASSA_SHARED_DIR "/testdata/coda/kbc-2011-01-11.cod");
  return bytes;
}

inline std::string sample_camt() {
  return read_file(KASSA_SOURCE_DIR "/tests/data/bank/camt053-001-02-fund.xml");
}

// The records of a CODA file without their CR LF.
inline std::vector<std::string> records(const std::string& file) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from < file.size()) {
    std::size_t end = file.find("\r\n", from);
    if (end == std::string::npos) end = file.size();
    out.push_back(file.substr(from, end - from));
    from = end + 2;
  }
  return out;
}

inline std::string join(const std::vector<std::string>& recs, const char* eol = "\r\n") {
  std::string out;
  for (const std::string& r : recs) out += r + eol;
  return out;
}

// Replaces the text at 1-based `line` and 1-based `column`.
inline std::string edit(const std::string& file, std::size_t line, std::size_t column,
                        const std::string& replacement) {
  std::vector<std::string> recs = records(file);
  recs.at(line - 1).replace(column - 1, replacement.size(), replacement);
  return join(recs);
}

}  // namespace kassa::domain::bank::testing
