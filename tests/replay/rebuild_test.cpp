// rebuild and diff: every projection rebuilt by the service's projector from
// an archive or a journal gives the live store's checksums, whatever the
// batching; --known-at cuts the history; diff names the differing keys.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fund_story.h"
#include "replay/archive.h"
#include "replay/rebuild.h"
#include "replay/source.h"

namespace rp = kassa::replay;
namespace lg = kassa::log;
namespace pj = kassa::projections;
namespace pt = kassa::projections::testing;

namespace {

std::map<std::string, std::string> as_map(const std::vector<rp::ProjectionChecksum>& sums) {
  std::map<std::string, std::string> out;
  for (const auto& s : sums) out[s.name] = s.checksum;
  return out;
}

rp::SourceSpec spec(const std::string& text) { return pt::must(rp::parse_source(text)); }

}  // namespace

TEST_CASE("rebuild gives the live store's checksums from an archive and a journal", "[replay][rebuild]") {
  pt::Ledger ledger;
  const std::int64_t middle = rp::testing::write_fund(ledger, 40);
  const std::string dir = ledger.dir();
  std::map<std::string, std::string> live_sums;
  {
    pt::Projected live(ledger, dir + "/live");  // the service's store
    pt::must(live.projector->catch_up());
    live_sums = live.checksums();
  }
  REQUIRE(live_sums.size() == 11);

  // The history leaves through an archive, as an auditor would carry it.
  const std::string file = dir + "/fund.kassa";
  {
    auto stream = pt::must(rp::make_log_stream(ledger.log(), "ledger"));
    pt::must(rp::export_archive(*stream, file, {}, nullptr));
  }
  rp::RebuildOptions options;
  options.keys = &ledger.keys();
  options.niss_secret.fill(7);

  auto from_archive = pt::must(rp::rebuild(spec(file), dir + "/r1", options, nullptr));
  CHECK(as_map(from_archive.checksums) == live_sums);
  CHECK(from_archive.quarantined == 0);
  CHECK(from_archive.applied == from_archive.records);
  CHECK_FALSE(std::filesystem::exists(dir + "/r1.source-journal"));

  // Imported into a journal and rebuilt one event per batch: the same.
  pt::must(rp::import_archive(file, spec("journal://" + dir + "/j2"), nullptr));
  options.max_batch = 1;
  auto one_by_one = pt::must(rp::rebuild(spec("journal://" + dir + "/j2"), dir + "/r2", options, nullptr));
  CHECK(as_map(one_by_one.checksums) == live_sums);

  auto same = pt::must(rp::diff_stores(dir + "/live", dir + "/r2", 5));
  CHECK(same.equal());

  // A fresh store only.
  auto again = rp::rebuild(spec(file), dir + "/r2", options, nullptr);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().rule == "StoreNotEmpty");

  SECTION("without the key store only the NISS index differs") {
    rp::RebuildOptions no_keys;
    auto r = pt::must(rp::rebuild(spec(file), dir + "/r3", no_keys, nullptr));
    auto sums = as_map(r.checksums);
    CHECK(sums["niss"] != live_sums.at("niss"));
    sums["niss"] = live_sums.at("niss");
    CHECK(sums == live_sums);
    auto d = pt::must(rp::diff_stores(dir + "/live", dir + "/r3", 3));
    CHECK_FALSE(d.equal());
    for (const auto& p : d.projections) {
      CHECK(p.equal() == (p.name != "niss"));
      if (p.name == "niss") {
        CHECK(p.only_live == 80);  // 'h' and 'p' entries of 40 persons
        REQUIRE(p.first.size() == 3);
        CHECK(p.first[0].difference == rp::KeyDifference::kOnlyLive);
      }
    }
  }

  SECTION("--known-at: the history as it stood, and diff names what came later") {
    options.known_at_us = middle;
    auto r = pt::must(rp::rebuild(spec(file), dir + "/r4", options, nullptr));
    CHECK(r.records < from_archive.records);
    CHECK(r.records > 0);
    auto d = pt::must(rp::diff_stores(dir + "/live", dir + "/r4", 4));
    CHECK_FALSE(d.equal());
    for (const auto& p : d.projections) {
      if (p.name == "parties") {
        CHECK(p.only_live == 20);  // the second half of the persons
        CHECK(p.only_rebuilt == 0);
        REQUIRE(p.first.size() == 4);
        CHECK(p.first[0].key.rfind("P", 0) == 0);
      }
    }
    // Rebuilding the same cut again gives the same checksums.
    auto r5 = pt::must(rp::rebuild(spec("journal://" + dir + "/j2"), dir + "/r5", options, nullptr));
    CHECK(as_map(r5.checksums) == as_map(r.checksums));
  }
}

TEST_CASE("printable keys show ASCII and escape the rest", "[replay][rebuild]") {
  CHECK(rp::printable_key(std::string("Pab\x00\x01\xff\\", 7)) == "Pab\\x00\\x01\\xff\\x5c");
}
