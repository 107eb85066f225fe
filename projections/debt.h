#pragma once
// Debt status per person and the collection work list: both are views of
// the person's domain state (domain/person_views.h), written by the ledger
// projection whenever it writes the state. Nothing here decides what is
// owed, its stage or whether a contrainte may be served.
//
// Column family "debt":
//   'a' [kind tag][PartyId]                      -> domain::DebtView
//   'w' [255 - stage u8] [be64 max - outstanding cents] [kind tag][PartyId]
//                                                -> domain::WorkListEntry
//   'l' [kind tag][PartyId]                      -> the person's 'w' key
//   'n' [stage u8]                               -> count, outstanding (sums)
// The work list runs from the furthest collection stage to the nearest and,
// within a stage, from the largest amount owed; a person is on it while
// something is open under a notice or a later step. Whether a contrainte
// may be served depends on the day asked, so it is judged when the list
// is read (domain::may_serve_contrainte on the stored outlook).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/person_views.h"
#include "projections/projection.h"

namespace kassa::projections {

struct WorkCount {
  std::int64_t persons = 0;
  std::int64_t outstanding_cents = 0;
};

// Writes a person's debt view and moves their work-list entry (used by the
// ledger projection). The per-stage counts are sums, so passes of a
// rebuild may each add their share.
class DebtBook {
 public:
  DebtBook() : counts_(Cf::kDebt, 16) {}
  Status write(const KvView& base, KvSink& sink, std::string_view party,
               const domain::PersonState& state);
  void flush(KvSink& sink) { counts_.flush(sink); }
  void reset() { counts_.reset(); }
  void set_write_back(bool on, std::size_t max_entries) { counts_.set_write_back(on, max_entries); }

  struct CountCodec {
    static std::string encode(const WorkCount& c);
    static Result<WorkCount> decode(std::string_view bytes);
  };

 private:
  KeyedCache<WorkCount, CountCodec> counts_;
};

std::string encode_debt_view(const domain::DebtView& view);
Result<domain::DebtView> decode_debt_view(std::string_view bytes);
std::string encode_work_entry(const domain::WorkListEntry& entry);
Result<domain::WorkListEntry> decode_work_entry(std::string_view bytes);

Result<std::optional<domain::DebtView>> read_debt(const KvView& view, std::string_view party_id);

struct WorkListQuery {
  std::optional<domain::CollectionStage> stage;  // nullopt: every stage
  bool contrainte_eligible_only = false;
  // Narrower selections (each nullopt: any). Like eligibility, they are
  // judged per entry: the totals are counted over the entries they keep.
  std::optional<domain::PlanStatus> plan;
  std::optional<bool> personal_contact;  // a personal contact recorded
  std::optional<domain::Money> min_outstanding;
  domain::Date on = domain::Date::from_days(0);  // the day eligibility is judged for
  domain::ReminderPolicy policy;
  std::string cursor;  // where the previous page ended ("" = first page)
  std::size_t limit = 100;
};

struct WorkListItem {
  std::string party_id;
  domain::WorkListEntry entry;
  Status contrainte;  // OK: a contrainte may be served on `on`; else the rule
};

struct WorkListPage {
  std::vector<WorkListItem> items;
  std::uint64_t total = 0;          // every person the query selects, all pages
  domain::Money total_outstanding;  // theirs
  std::string next_cursor;          // "" = the last page
};

// kInvalidArgument "CursorInvalid" (field "cursor") for a cursor that is
// not one of this list's.
Result<WorkListPage> read_work_list(const KvView& view, const WorkListQuery& query);

// The stored work-list key of a person, if listed ('l').
Result<std::optional<std::string>> listed_work_key(const KvView& view, std::string_view party_id);

}  // namespace kassa::projections
