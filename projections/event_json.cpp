#include "projections/event_json.h"

#include <flatbuffers/minireflect.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "domain/aggregate.h"
#include "domain/date.h"
#include "domain/money.h"
#include "domain/quarter.h"
#include "domain/timestamp.h"

namespace kassa::projections {

namespace s = kassa::schemas;
using nlohmann::json;

json quarter_bucket_json(std::uint16_t code) {
  if (code % 10 == 0) return std::to_string(code / 10);
  auto q = domain::quarter_from_code(code);
  return q ? json(q->format()) : json(nullptr);
}

namespace {

json date_or_null(std::int32_t days) {
  return days == 0 ? json(nullptr) : json(domain::Date::from_days(days).format());
}

bool is_quarter_field(const std::string& k) {
  return k == "quarter" || k == "quarters" ||
         (k.size() > 8 && k.compare(k.size() - 8, 8, "_quarter") == 0);
}

json quarter_text(const json& code) {
  if (!code.is_number_integer()) return code;
  const auto c = code.get<std::int64_t>();
  if (c == 0) return nullptr;
  if (c < 0 || c > 65535) return code;
  return quarter_bucket_json(static_cast<std::uint16_t>(c));
}

// What a Sealed block holds, only the fields it has.
json personal_json(const s::PersonalDataT& p) {
  json o = json::object();
  const auto put = [](json& into, const char* field, const std::string& value) {
    if (!value.empty()) into[field] = value;
  };
  put(o, "niss", p.niss);
  put(o, "first_name", p.first_name);
  put(o, "last_name", p.last_name);
  if (p.address) {
    json a = json::object();
    put(a, "street", p.address->street);
    put(a, "number", p.address->number);
    put(a, "box", p.address->box);
    put(a, "postal_code", p.address->postal_code);
    put(a, "city", p.address->city);
    put(a, "country", p.address->country);
    o["address"] = a;
  }
  put(o, "iban", p.iban);
  put(o, "bic", p.bic);
  put(o, "email", p.email);
  put(o, "phone", p.phone);
  put(o, "counterparty_name", p.counterparty_name);
  put(o, "free_communication", p.free_communication);
  if (p.has_birth_days) o["birth_date"] = domain::Date::from_days(p.birth_days).format();
  return o;
}

std::vector<std::uint8_t> bytes_of(const json& array) {
  std::vector<std::uint8_t> out;
  if (!array.is_array()) return out;
  out.reserve(array.size());
  for (const auto& b : array) out.push_back(b.is_number_unsigned() ? b.get<std::uint8_t>() : 0);
  return out;
}

// A Sealed block, as the schema's text form shows it, opened with `keys`.
json opened(const json& block, const log::KeyStore& keys, const log::Uuid& event_id) {
  s::SealedT sealed;
  sealed.key_id = block.value("key_id", "");
  sealed.key_version = block.value("key_version", 1u);
  sealed.nonce = bytes_of(block.value("nonce", json()));
  sealed.ciphertext = bytes_of(block.value("ciphertext", json()));
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(s::Sealed::Pack(fbb, &sealed));
  auto data = log::open(keys, sealed.key_id, event_id,
                        *flatbuffers::GetRoot<s::Sealed>(fbb.GetBufferPointer()));
  json out = {{"sealed", true}, {"key_id", sealed.key_id}};
  if (data.ok()) {
    out["opened"] = personal_json(*data);
  } else {
    out["opened"] = nullptr;
    out["unopened"] = data.error().rule;
  }
  return out;
}

// Opens Sealed blocks while polishing, when a key store is given.
struct Unsealer {
  const log::KeyStore* keys = nullptr;
  log::Uuid event_id;
};

// Rewrites FlatBuffers text-as-JSON for people (see the header).
void polish(json& j, const Unsealer& unsealer) {
  if (j.is_array()) {
    for (auto& e : j) polish(e, unsealer);
    return;
  }
  if (!j.is_object()) return;
  if (j.contains("ciphertext") && j.contains("nonce")) {
    j = unsealer.keys != nullptr ? opened(j, *unsealer.keys, unsealer.event_id)
                                 : json{{"sealed", true}, {"key_id", j.value("key_id", "")}};
    return;
  }
  if (j.size() == 1 && j.contains("bytes") && j["bytes"].is_array() && j["bytes"].size() == 16) {
    std::array<std::uint8_t, 16> b{};
    for (std::size_t i = 0; i < 16; ++i) b[i] = j["bytes"][i].get<std::uint8_t>();
    j = log::Uuid(b).to_string();
    return;
  }
  json extra = json::object();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const auto ends = [&](std::string_view suffix) {
      return k.size() > suffix.size() &&
             k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends("_cents") && it->is_number_integer()) {
      extra[k.substr(0, k.size() - 6)] =
          domain::Money::from_cents(it->get<std::int64_t>()).format();
    } else if (ends("_days") && it->is_number_integer()) {
      extra[k.substr(0, k.size() - 5)] =
          date_or_null(static_cast<std::int32_t>(it->get<std::int64_t>()));
    } else if (is_quarter_field(k) && it->is_number_integer()) {
      *it = quarter_text(*it);
    } else if (is_quarter_field(k) && it->is_array()) {
      for (auto& q : *it) q = quarter_text(q);
    } else {
      polish(*it, unsealer);
    }
  }
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    if (!j.contains(it.key())) j[it.key()] = *it;
  }
}

json uuid_or_null(const log::Uuid& id) {
  return id.is_nil() ? json(nullptr) : json(id.to_string());
}

}  // namespace

json event_json(const log::DecodedEvent& event, const EventPosition& position,
                const log::KeyStore* keys) {
  const auto& env = event.envelope();
  const s::AggregateKind kind = event.aggregate_kind();
  json out = {
      {"aggregate_kind", kind == s::AggregateKind::Person    ? "person"
                         : kind == s::AggregateKind::Company ? "company"
                                                             : "fund"},
      {"aggregate_key", std::string(event.aggregate_key())},
      {"sequence", event.sequence()},
      {"event_id", event.event_id().to_string()},
      {"type", std::string(event.type_name())},
      {"schema_version", event.schema_version()},
      {"recorded_at", domain::Timestamp::from_micros(env.recorded_at_us()).format()},
      {"recorded_at_us", env.recorded_at_us()},
      {"decided", domain::decided_on(env).format()},
      {"effective_date", date_or_null(env.effective_days())},
      {"effective_quarter",
       env.effective_quarter() == 0 ? json(nullptr) : quarter_bucket_json(env.effective_quarter())},
      {"actor", env.actor() != nullptr ? env.actor()->str() : ""},
      // Lineage: what caused this event (a command's or an event's
      // id) and the business flow it belongs to (a batch run, a
      // request); null when none.
      {"causation_id", uuid_or_null(log::Uuid::from_schema(env.causation_id()))},
      {"correlation_id", uuid_or_null(log::Uuid::from_schema(env.correlation_id()))},
      {"hash", log::to_hex(event.hash().data(), event.hash().size())},
      {"topic", std::string(log::topic_suffix(position.topic))},
      {"partition", position.partition},
      {"offset", position.offset}};
  const auto bytes = event.envelope_bytes();
  flatbuffers::ToStringVisitor visitor(" ", true, "", true);
  flatbuffers::IterateFlatBuffer(bytes.data(), s::EnvelopeTypeTable(), &visitor);
  json full = json::parse(visitor.s, nullptr, false);
  if (!full.is_discarded() && full.contains("body")) {
    json body = full["body"];
    polish(body, Unsealer{keys, event.event_id()});
    out["body"] = body;
  }
  return out;
}

}  // namespace kassa::projections
