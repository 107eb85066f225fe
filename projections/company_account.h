#pragma once
// Company account: registration facts, directors (current and past), balance
// sheets, the yearly company contribution with its 1 %-per-month surcharges
// and payments per year, and the directors' joint liability (the directors
// answer for the company's debt; the company for its directors' personal
// contributions). Statement lines of a company are in the statement
// projection; this one holds what is specific to companies.
//
// Column family "company":
//   'c' [company number]            -> CompanyAccount
//   'd' [PartyId] 0x00 [company no] -> [from_days i32][to_days i32]
//                                      (the companies a person directs)

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "projections/projection.h"

namespace kassa::projections {

struct Director {
  std::int32_t from_days = 0;
  std::int32_t to_days = 0;  // 0 = still a director
  std::string role;
};

struct CompanyYear {
  std::uint8_t band = 0;  // schemas::CompanyBand
  std::int64_t due_cents = 0;
  std::int64_t paid_cents = 0;
  std::int64_t surcharges_cents = 0;
  std::int64_t surcharges_paid_cents = 0;
  std::int32_t due_days = 0;
  std::int64_t outstanding() const;
};

struct CompanyAccount {
  std::string name;
  std::string legal_form;
  std::int32_t incorporation_days = 0;
  std::int32_t registered_days = 0;
  std::map<std::string, Director> directors;           // by PartyId
  std::map<std::int32_t, std::int64_t> balance_sheets;  // year-end days -> total cents
  std::map<std::uint16_t, CompanyYear> years;
  std::int64_t credit_cents = 0;
  std::int64_t outstanding() const;
};

struct DirectorOf {
  std::string company_number;
  std::int32_t from_days = 0;
  std::int32_t to_days = 0;
};

class CompanyAccountProjection final : public Projection {
 public:
  CompanyAccountProjection() : cache_(Cf::kCompany) {}
  std::string_view name() const override { return "company"; }
  Cf cf() const override { return Cf::kCompany; }
  Status apply(const log::DecodedEvent& event, const EventPosition& position,
               ApplyContext& context) override;
  void flush(ApplyContext& context) override { cache_.flush(context.sink()); }
  void reset() override { cache_.reset(); }
  void set_write_back(bool on, std::size_t max_entries) override {
    cache_.set_write_back(on, max_entries);
  }

  struct Codec {
    static std::string encode(const CompanyAccount& c);
    static Result<CompanyAccount> decode(std::string_view bytes);
  };

 private:
  KeyedCache<CompanyAccount, Codec> cache_;
};

Result<std::optional<CompanyAccount>> read_company(const KvView& view, std::string_view number);
Result<std::vector<DirectorOf>> read_directorships(const KvView& view, std::string_view party_id);

}  // namespace kassa::projections
