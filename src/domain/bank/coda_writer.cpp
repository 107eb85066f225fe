#include "domain/bank/coda_writer.h"

namespace kassa::domain::bank {

namespace {

class RecordText {
 public:
  RecordText() : text_(128, ' ') {}
  // Writes `value` at 1-based `column`, cut or blank-padded to `width`.
  RecordText& put(std::size_t column, std::size_t width, std::string_view value) {
    for (std::size_t i = 0; i < width; ++i) {
      char c = i < value.size() ? value[i] : ' ';
      if (static_cast<unsigned char>(c) >= 0x80 || c < 0x20) c = '?';
      text_[column - 1 + i] = c;
    }
    return *this;
  }
  // Zero-padded digits, right-aligned in `width`.
  RecordText& digits(std::size_t column, std::size_t width, std::uint64_t value) {
    std::string s = std::to_string(value);
    if (s.size() < width) s.insert(0, width - s.size(), '0');
    return put(column, width, s.substr(s.size() - width));
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

std::string ddmmyy(const Date& d) {
  auto two = [](int v) {
    const unsigned u = static_cast<unsigned>(v < 0 ? -v : v) % 100;
    return std::string{static_cast<char>('0' + u / 10), static_cast<char>('0' + u % 10)};
  };
  return two(d.day) + two(d.month) + two(d.year);
}

// 15 digits, three decimals.
std::uint64_t milli(std::int64_t cents) {
  return static_cast<std::uint64_t>(cents < 0 ? -cents : cents) * 10;
}

Status check_date(const Date& d, const char* field) {
  if (d.year < 2000 || d.year > 2099) {
    return Error::invalid(field, "CodaDraftDate", "CODA 2 dates are in 2000..2099");
  }
  return {};
}

}  // namespace

Result<std::string> write_coda(const CodaDraft& draft) {
  KASSA_TRY(check_date(draft.creation_date, "creation_date"));
  KASSA_TRY(check_date(draft.opening_date, "opening_date"));
  if (draft.account_iban.size() < 16 || draft.account_iban.substr(0, 2) != "BE") {
    return Error::invalid("account_iban", "CodaDraftAccount", "a Belgian IBAN without spaces");
  }
  if (draft.paper_sequence < 1 || draft.paper_sequence > 999 || draft.movements.size() > 9999) {
    return Error::invalid("paper_sequence", "CodaDraftRange",
                          "paper sequence 1..999 and at most 9999 movements");
  }
  std::vector<std::string> records;
  const std::string created = ddmmyy(draft.creation_date);

  RecordText header;
  header.put(1, 5, "00000")
      .put(6, 6, created)
      .put(12, 3, "725")
      .put(15, 2, "05")
      .put(25, 10, "KASSA")
      .put(35, 26, draft.holder_name)
      .put(61, 11, draft.bank_bic)
      .put(84, 5, "00000")
      .put(128, 1, "2");
  records.push_back(header.text());

  RecordText old_balance;
  old_balance.put(1, 2, "12")
      .digits(3, 3, static_cast<std::uint64_t>(draft.paper_sequence))
      .put(6, 34, draft.account_iban)
      .put(40, 3, "EUR")
      .put(43, 1, draft.opening_cents < 0 ? "1" : "0")
      .digits(44, 15, milli(draft.opening_cents))
      .put(59, 6, ddmmyy(draft.opening_date))
      .put(65, 26, draft.holder_name)
      .digits(126, 3, static_cast<std::uint64_t>(draft.paper_sequence));
  records.push_back(old_balance.text());

  std::int64_t credits = 0;
  std::int64_t debits = 0;
  std::uint64_t sequence = 0;
  for (const CodaMovement& m : draft.movements) {
    KASSA_TRY(check_date(m.value_date, "value_date"));
    if (m.amount_cents == 0) {
      return Error::invalid("amount", "CodaDraftAmount", "a movement moves money");
    }
    ++sequence;
    (m.amount_cents > 0 ? credits : debits) +=
        m.amount_cents > 0 ? m.amount_cents : -m.amount_cents;
    const bool structured = !m.structured_communication.empty();
    if (structured && m.structured_communication.size() != 12) {
      return Error::invalid("structured_communication", "CodaDraftCommunication", "12 digits");
    }
    RecordText r21;
    r21.put(1, 2, "21")
        .digits(3, 4, sequence)
        .put(7, 4, "0000")
        .put(11, 21, "KASSA" + std::to_string(sequence))
        .put(32, 1, m.amount_cents < 0 ? "1" : "0")
        .digits(33, 15, milli(m.amount_cents))
        .put(48, 6, ddmmyy(m.value_date))
        .put(54, 8, "00150000")
        .put(62, 1, structured ? "1" : "0")
        .put(63, 53, structured ? "101" + m.structured_communication : m.free_communication)
        .put(116, 6, created)
        .digits(122, 3, static_cast<std::uint64_t>(draft.paper_sequence))
        .put(125, 1, "0")
        .put(126, 1, "1")
        .put(128, 1, "0");
    records.push_back(r21.text());
    RecordText r22;
    r22.put(1, 2, "22")
        .digits(3, 4, sequence)
        .put(7, 4, "0000")
        .put(99, 11, "GKCCBEBB")
        .put(126, 1, "1")
        .put(128, 1, "0");
    records.push_back(r22.text());
    RecordText r23;
    r23.put(1, 2, "23")
        .digits(3, 4, sequence)
        .put(7, 4, "0000")
        .put(11, 34, m.counterparty_iban)
        .put(48, 35, m.counterparty_name)
        .put(126, 1, "0")
        .put(128, 1, "0");
    records.push_back(r23.text());
  }

  const std::int64_t closing = draft.opening_cents + credits - debits;
  RecordText new_balance;
  new_balance.put(1, 1, "8")
      .digits(2, 3, static_cast<std::uint64_t>(draft.paper_sequence))
      .put(5, 34, draft.account_iban)
      .put(39, 3, "EUR")
      .put(42, 1, closing < 0 ? "1" : "0")
      .digits(43, 15, milli(closing))
      .put(58, 6, created)
      .put(128, 1, "0");
  records.push_back(new_balance.text());

  RecordText trailer;
  trailer.put(1, 1, "9")
      .digits(17, 6, records.size() - 1)  // types 1..8
      .digits(23, 15, milli(debits))
      .digits(38, 15, milli(credits))
      .put(128, 1, "2");
  records.push_back(trailer.text());

  std::string out;
  for (const auto& r : records) out += r + "\r\n";
  return out;
}

}  // namespace kassa::domain::bank
