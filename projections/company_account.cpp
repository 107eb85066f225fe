#include "projections/company_account.h"

namespace kassa::projections {

namespace s = kassa::schemas;
namespace d = kassa::domain;

namespace {

constexpr std::uint8_t kCompanyFormat = 2;

std::string company_key(std::string_view number) { return "c" + std::string(number); }

std::string director_key(std::string_view party, std::string_view number) {
  std::string k = "d";
  k.append(party);
  k.push_back('\0');
  k.append(number);
  return k;
}

}  // namespace

std::string encode_company_view(const d::CompanyView& v) {
  Writer w;
  w.u8(kCompanyFormat).str(v.name).str(v.legal_form).date(v.incorporation).date(v.registered_on);
  w.u32(static_cast<std::uint32_t>(v.directors.size()));
  for (const auto& dir : v.directors)
    w.str(dir.party.str()).date(dir.from).opt_date(dir.to).str(dir.role);
  w.u32(static_cast<std::uint32_t>(v.balance_sheets.size()));
  for (const auto& b : v.balance_sheets)
    w.date(b.financial_year_end).money(b.total).date(b.reported);
  w.u32(static_cast<std::uint32_t>(v.years.size()));
  for (const auto& y : v.years) {
    w.i32(y.year).u8(static_cast<std::uint8_t>(y.band)).money(y.contribution).money(y.paid);
    w.money(y.surcharges).money(y.surcharges_paid).money(y.open_principal).money(y.open_surcharges);
    w.money(y.outstanding).date(y.due).str(y.communication).i32(y.surcharge_months);
  }
  w.money(v.outstanding).money(v.credit).money(v.balance);
  return w.take();
}

Result<d::CompanyView> decode_company_view(std::string_view bytes) {
  Reader r(bytes);
  if (r.u8() != kCompanyFormat) {
    return Error::corrupt("CompanyView",
                          "a company account of another format (rebuild the projections)");
  }
  d::CompanyView v;
  v.name = r.str();
  v.legal_form = r.str();
  v.incorporation = r.date();
  v.registered_on = r.date();
  std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    auto party = d::PartyId::parse(r.str(), "director");
    if (!party) return Error::corrupt("CompanyView", "a director that is not a PartyId");
    const d::Date from = r.date();
    const std::optional<d::Date> to = r.opt_date();
    v.directors.push_back({std::move(party).value(), from, to, r.str()});
  }
  n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    d::BalanceSheet b;
    b.financial_year_end = r.date();
    b.total = r.money();
    b.reported = r.date();
    v.balance_sheets.push_back(b);
  }
  n = r.u32();
  for (std::uint32_t i = 0; i < n && !r.failed(); ++i) {
    d::CompanyYearView y;
    y.year = r.i32();
    y.band = r.enum_u8(s::CompanyBand::MAX);
    y.contribution = r.money();
    y.paid = r.money();
    y.surcharges = r.money();
    y.surcharges_paid = r.money();
    y.open_principal = r.money();
    y.open_surcharges = r.money();
    y.outstanding = r.money();
    y.due = r.date();
    y.communication = r.str();
    y.surcharge_months = r.i32();
    v.years.push_back(std::move(y));
  }
  v.outstanding = r.money();
  v.credit = r.money();
  v.balance = r.money();
  if (r.failed() || !r.at_end()) {
    return Error::corrupt("CompanyView", "a company account does not decode");
  }
  return v;
}

void write_company(KvSink& sink, std::string_view number, const d::CompanyState& state) {
  const d::CompanyView view = d::company_view(state);
  sink.put(Cf::kCompany, company_key(number), encode_company_view(view));
  for (const auto& dir : view.directors) {
    Writer w;
    w.i32(dir.from.to_days()).i32(dir.to ? dir.to->to_days() : 0);
    sink.put(Cf::kCompany, director_key(dir.party.str(), number), w.bytes());
  }
}

Result<std::optional<d::CompanyView>> read_company(const KvView& view, std::string_view number) {
  return read_decoded<d::CompanyView>(view, Cf::kCompany, company_key(number), decode_company_view);
}

Result<std::vector<DirectorOf>> read_directorships(const KvView& view, std::string_view party_id) {
  std::string prefix = "d";
  prefix.append(party_id);
  prefix.push_back('\0');
  std::vector<DirectorOf> out;
  Status failed;
  KASSA_TRY(view.scan(Cf::kCompany, prefix, [&](std::string_view k, std::string_view v) {
    Reader r(v);
    DirectorOf dir;
    dir.company_number = std::string(k.substr(prefix.size()));
    dir.from_days = r.i32();
    dir.to_days = r.i32();
    if (r.failed()) {
      failed = Error::corrupt("Directorship", "a directorship does not decode");
      return false;
    }
    out.push_back(std::move(dir));
    return true;
  }));
  KASSA_TRY(failed);
  return out;
}

}  // namespace kassa::projections
