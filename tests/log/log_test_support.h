#pragma once
// Test support for kassa::log: a stand-in for the event codec (a magic byte
// and a CRC32 instead of FlatBuffers and a hash chain), temporary folders,
// and record builders.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "log/event_log.h"
#include "log/quarantine.h"
#include "support/temp_dir.h"

namespace kassa::log::testing {

inline constexpr char kMagic = 'K';
inline constexpr std::string_view kEventA = "TestEventA";
inline constexpr std::string_view kEventB = "TestEventB";

uint32_t crc32(std::string_view data);

// [magic][payload][crc32 be of magic+payload]: what the verifier accepts.
std::string sealed(std::string_view payload);
// The payload of a sealed value (REQUIRES: a sealed value).
std::string unsealed(std::string_view value);

// Accepts only sealed values of a known event type with schema version 1.
RecordVerifier test_verifier();

// A sealed record of type kEventA, version 1.
Record make_record(std::string_view payload);
std::vector<Record> make_records(std::string_view prefix, int count);

// Damaging a journal on purpose (tests/log/journal_damage_test.cpp,
// tests/replay/replay_cli_test.cpp):
// moves the journal's WAL at `path` into table files, as RocksDB does on
// its own once the memtable fills (REQUIRES: no one has it open);
void flush_journal(const std::string& path);
// the largest table file of the journal (the one holding its records);
std::string largest_table(const std::string& path);
// XORs the byte at `at` of `file` with 0x5a.
void flip_byte(const std::string& file, std::uintmax_t at);

using kassa::testing::TempDir;

}  // namespace kassa::log::testing
