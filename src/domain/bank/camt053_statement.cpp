#include "domain/bank/camt053_statement.h"

#include <utility>
#include <vector>

#include "domain/bank/values.h"

namespace kassa::domain::bank::camt {

Error fail(const char* rule, const std::string& where, const std::string& message) {
  return Error::invalid("file", rule, where + ": " + message);
}

std::string_view local_name(std::string_view name) {
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

namespace {

std::string_view local_name(pugi::xml_node node) {
  return camt::local_name(std::string_view(node.name()));
}

// The first child element with this local name (namespace prefixes ignored).
pugi::xml_node child(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  }
  return {};
}

pugi::xml_node path(pugi::xml_node node, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (!node) break;
    node = child(node, name);
  }
  return node;
}

std::vector<pugi::xml_node> children(pugi::xml_node node, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) out.push_back(c);
  }
  return out;
}

std::string text(pugi::xml_node node) { return std::string(trim(node.text().get())); }

}  // namespace

std::string indexed(const std::string& where, std::string_view name, std::size_t index) {
  return where + "/" + std::string(name) + "[" + std::to_string(index + 1) + "]";
}

Result<std::string> required_text(pugi::xml_node parent,
                                  std::initializer_list<std::string_view> names,
                                  const std::string& where) {
  pugi::xml_node node = path(parent, names);
  std::string value = text(node);
  if (!node || value.empty()) {
    std::string p;
    for (std::string_view n : names) p += "/" + std::string(n);
    return fail("CamtMissingElement", where,
                "mandatory element " + p.substr(1) + " is missing or empty");
  }
  return value;
}

namespace {

// <X><Dt>2011-01-11</Dt></X> or <X><DtTm>2011-01-11T10:00:00</DtTm></X>.
Result<Date> date_choice(pugi::xml_node parent, std::string_view name, const std::string& where) {
  pugi::xml_node holder = child(parent, name);
  pugi::xml_node value = child(holder, "Dt");
  if (!value) value = child(holder, "DtTm");
  if (!holder || !value) {
    return fail("CamtMissingElement", where,
                "mandatory element " + std::string(name) + "/Dt is missing");
  }
  auto date = Date::parse_iso(text(value));
  if (!date) return fail("CamtDateInvalid", where + "/" + std::string(name), date.error().message);
  return date;
}

// An Amt element: decimal text with a Ccy attribute, converted exactly.
Result<int64_t> amount(pugi::xml_node node, const std::string& currency, const std::string& where) {
  if (!node) return fail("CamtMissingElement", where, "mandatory amount is missing");
  auto cents = parse_decimal_cents(text(node));
  if (!cents) {
    const std::string rule = "Camt" + cents.error().rule;
    return Error::invalid("file", rule, where + ": " + cents.error().message);
  }
  const std::string ccy = std::string(trim(node.attribute("Ccy").value()));
  if (ccy.empty()) return fail("CamtMissingElement", where, "amount has no Ccy attribute");
  if (!currency.empty() && ccy != currency) {
    return fail("CamtCurrencyMismatch", where,
                "amount in " + ccy + " on an account in " + currency);
  }
  return cents;
}

// CRDT → +1, DBIT → -1.
Result<int> credit_debit(pugi::xml_node parent, const std::string& where) {
  KASSA_ASSIGN_OR_RETURN(auto indicator, required_text(parent, {"CdtDbtInd"}, where));
  if (indicator == "CRDT") return 1;
  if (indicator == "DBIT") return -1;
  return fail("CamtCreditDebitInvalid", where + "/CdtDbtInd",
              "'" + indicator + "' is neither CRDT nor DBIT");
}

std::string bic_of(pugi::xml_node agent) {
  pugi::xml_node institution = path(agent, {"FinInstnId"});
  std::string bic = text(child(institution, "BICFI"));
  return bic.empty() ? text(child(institution, "BIC")) : bic;
}

// Party name: <Dbtr><Nm> (001.02-.07) or <Dbtr><Pty><Nm> (001.08+).
std::string party_name(pugi::xml_node party) {
  std::string name = text(child(party, "Nm"));
  return name.empty() ? text(path(party, {"Pty", "Nm"})) : name;
}

}  // namespace

StatementReader::StatementReader(std::string where, std::string version, Date group_created,
                                 const LineSink& sink, std::size_t index)
    : where_(std::move(where)), sink_(sink), index_(index) {
  s_.format = StatementFormat::kCamt053;
  s_.format_version = std::move(version);
  s_.creation_date = group_created;
}

Status StatementReader::begin(pugi::xml_node stmt) {
  begun_ = true;
  KASSA_ASSIGN_OR_RETURN(auto id, required_text(stmt, {"Id"}, where_));
  s_.statement_id = id;
  s_.sequence = text(child(stmt, "ElctrncSeqNb"));
  if (s_.sequence.empty()) s_.sequence = text(child(stmt, "LglSeqNb"));
  if (pugi::xml_node created = child(stmt, "CreDtTm")) {
    auto date = Date::parse_iso(text(created));
    if (!date) return fail("CamtDateInvalid", where_ + "/CreDtTm", date.error().message);
    s_.creation_date = *date;
  }
  KASSA_TRY(read_account(stmt));
  KASSA_TRY(read_balances(stmt));
  expected_ = s_.opening.cents;
  return {};
}

Result<BankStatement> StatementReader::finish() {
  if (overflow_) return fail("CamtAmountOverflow", where_, "the booked entries overflow");
  if (expected_ != s_.closing.cents) {
    return fail("CamtBalanceMismatch", where_,
                "opening balance " + format_cents(s_.opening.cents) +
                    " + booked entries = " + format_cents(expected_) +
                    ", but the closing balance is " + format_cents(s_.closing.cents));
  }
  s_.line_prefix = s_.account_iban + "/" + s_.statement_id + "/";
  return std::move(s_);
}

Status StatementReader::read_account(pugi::xml_node stmt) {
  const std::string where = where_ + "/Acct";
  pugi::xml_node account = child(stmt, "Acct");
  if (!account) return fail("CamtMissingElement", where_, "mandatory element Acct is missing");
  pugi::xml_node iban = path(account, {"Id", "IBAN"});
  if (!iban) {
    if (path(account, {"Id", "Othr"})) {
      return fail(
          "CamtAccountUnsupported", where + "/Id",
          "the account is identified by Othr, not by an IBAN; only IBAN accounts are supported");
    }
    return fail("CamtMissingElement", where, "mandatory element Id/IBAN is missing");
  }
  auto normalized = normalize_iban(text(iban));
  if (!normalized)
    return fail("CamtAccountInvalid", where + "/Id/IBAN", normalized.error().message);
  s_.account_iban = *normalized;
  s_.currency = text(child(account, "Ccy"));
  s_.bank_bic = bic_of(child(account, "Svcr"));
  return {};
}

Status StatementReader::read_balances(pugi::xml_node stmt) {
  const auto balances = children(stmt, "Bal");
  bool opening = false;
  bool previous_closing = false;
  bool closing = false;
  Balance previous;
  for (std::size_t i = 0; i < balances.size(); ++i) {
    const std::string where = indexed(where_, "Bal", i);
    auto code = required_text(balances[i], {"Tp", "CdOrPrtry", "Cd"}, where);
    if (!code) {
      if (path(balances[i], {"Tp", "CdOrPrtry", "Prtry"})) continue;  // proprietary: not ours
      return code.error();
    }
    if (*code != "OPBD" && *code != "PRCD" && *code != "CLBD") continue;  // ITBD, CLAV, FWAV...
    if (s_.currency.empty()) {
      s_.currency = std::string(trim(child(balances[i], "Amt").attribute("Ccy").value()));
    }
    KASSA_ASSIGN_OR_RETURN(auto cents,
                           amount(child(balances[i], "Amt"), s_.currency, where + "/Amt"));
    KASSA_ASSIGN_OR_RETURN(auto sign, credit_debit(balances[i], where));
    KASSA_ASSIGN_OR_RETURN(auto date, date_choice(balances[i], "Dt", where));
    const Balance balance{sign * cents, date};
    bool& seen = *code == "OPBD" ? opening : *code == "PRCD" ? previous_closing : closing;
    if (seen) return fail("CamtBalanceAmbiguous", where, "a second " + *code + " balance");
    seen = true;
    if (*code == "OPBD") s_.opening = balance;
    if (*code == "PRCD") previous = balance;
    if (*code == "CLBD") s_.closing = balance;
  }
  if (!opening && previous_closing) {
    s_.opening = previous;
    opening = true;
  }
  if (!opening || !closing) {
    return fail("CamtMissingElement", where_,
                std::string("mandatory balance ") +
                    (opening ? "CLBD (closing booked)" : "OPBD or PRCD (opening)") + " is missing");
  }
  return {};
}

Status StatementReader::read_entry(pugi::xml_node entry, std::size_t index) {
  const std::string where = indexed(where_, "Ntry", index);
  pugi::xml_node status_node = child(entry, "Sts");
  std::string status = text(child(status_node, "Cd"));  // 001.08+: <Sts><Cd>BOOK</Cd></Sts>
  if (status.empty()) status = text(status_node);
  if (status.empty()) return fail("CamtMissingElement", where, "mandatory element Sts is missing");
  if (status == "PDNG" || status == "INFO") {
    s_.warnings.push_back(where + ": entry with status " + status + " (" +
                          text(child(entry, "Amt")) + " " + text(child(entry, "CdtDbtInd")) +
                          ") is not booked; skipped");
    return {};
  }
  if (status != "BOOK") {
    return fail("CamtEntryStatusUnknown", where + "/Sts",
                "'" + status + "' is not BOOK, PDNG or INFO");
  }
  KASSA_ASSIGN_OR_RETURN(auto cents, amount(child(entry, "Amt"), s_.currency, where + "/Amt"));
  KASSA_ASSIGN_OR_RETURN(auto sign, credit_debit(entry, where));
  KASSA_ASSIGN_OR_RETURN(auto booked, date_choice(entry, "BookgDt", where));
  Date value_date = booked;
  if (child(entry, "ValDt")) {
    KASSA_ASSIGN_OR_RETURN(auto date, date_choice(entry, "ValDt", where));
    value_date = date;
  } else {
    s_.warnings.push_back(where + ": entry has no value date (ValDt); the booking date is used");
  }
  std::string reference = text(child(entry, "AcctSvcrRef"));
  std::string base = reference;
  if (base.empty()) base = text(child(entry, "NtryRef"));
  if (base.empty()) base = "E" + std::to_string(index + 1);

  BankLine proto;
  proto.booking_date = booked;
  proto.value_date = value_date;
  proto.bank_reference = reference;
  proto.transaction_code = transaction_code(child(entry, "BkTxCd"));

  const int64_t entry_amount = sign * cents;
  std::vector<pugi::xml_node> details;
  for (pugi::xml_node group : children(entry, "NtryDtls")) {
    for (pugi::xml_node tx : children(group, "TxDtls")) details.push_back(tx);
  }
  if (details.empty()) {
    BankLine line = proto;
    line.line_id = base + "/1";
    line.amount_cents = entry_amount;
    line.free_communication = text(child(entry, "AddtlNtryInf"));
    return add_line(std::move(line), where);
  }
  std::vector<BankLine> lines;
  int64_t sum = 0;
  for (std::size_t t = 0; t < details.size(); ++t) {
    const std::string tx_where = indexed(where + "/NtryDtls", "TxDtls", t);
    BankLine line = proto;
    line.line_id = base + "/" + std::to_string(t + 1);
    pugi::xml_node tx_amount = child(details[t], "Amt");
    if (!tx_amount) tx_amount = path(details[t], {"AmtDtls", "TxAmt", "Amt"});
    int tx_sign = sign;
    if (child(details[t], "CdtDbtInd")) {
      KASSA_ASSIGN_OR_RETURN(auto s, credit_debit(details[t], tx_where));
      tx_sign = s;
    }
    if (tx_amount) {
      KASSA_ASSIGN_OR_RETURN(auto tx_cents, amount(tx_amount, s_.currency, tx_where + "/Amt"));
      line.amount_cents = tx_sign * tx_cents;
    } else if (details.size() > 1) {
      return fail("CamtBatchAmountMissing", tx_where,
                  "a batch entry's transaction has no amount (Amt or AmtDtls/TxAmt/Amt)");
    } else {
      line.amount_cents = entry_amount;
    }
    sum += line.amount_cents;
    if (std::string tx_ref = text(path(details[t], {"Refs", "AcctSvcrRef"}));
        !tx_ref.empty() && details.size() > 1) {
      line.bank_reference = tx_ref;
    }
    read_parties(details[t], tx_sign, line);
    read_remittance(details[t], tx_where, line);
    lines.push_back(std::move(line));
  }
  if (sum != entry_amount) {
    return fail("CamtBatchAmountMismatch", where,
                "the transactions add up to " + format_cents(sum) + ", the entry is " +
                    format_cents(entry_amount));
  }
  for (BankLine& line : lines) KASSA_TRY(add_line(std::move(line), where));
  return {};
}

Status StatementReader::add_line(BankLine line, const std::string& where) {
  if (!line_ids_.insert(line.line_id).second) {
    return fail(
        "CamtDuplicateLineId", where,
        "line id " + line.line_id + " (AcctSvcrRef or NtryRef) appears twice in the statement");
  }
  // Overflow is reported at the end, with the balances (as a whole-statement check).
  if (!overflow_ && __builtin_add_overflow(expected_, line.amount_cents, &expected_))
    overflow_ = true;
  ++s_.line_count;
  return sink_(index_, std::move(line));
}

std::string StatementReader::transaction_code(pugi::xml_node code) {
  pugi::xml_node domain = child(code, "Domn");
  if (domain) {
    return text(child(domain, "Cd")) + "/" + text(path(domain, {"Fmly", "Cd"})) + "/" +
           text(path(domain, {"Fmly", "SubFmlyCd"}));
  }
  return text(path(code, {"Prtry", "Cd"}));
}

void StatementReader::read_parties(pugi::xml_node tx, int sign, BankLine& line) {
  const bool credit = sign > 0;
  pugi::xml_node parties = child(tx, "RltdPties");
  line.counterparty_name = party_name(child(parties, credit ? "Dbtr" : "Cdtr"));
  const std::string iban_text =
      text(path(parties, {credit ? "DbtrAcct" : "CdtrAcct", "Id", "IBAN"}));
  if (!iban_text.empty()) {
    auto iban = normalize_iban(iban_text);
    if (iban) {
      line.counterparty_iban = *iban;
    } else {
      line.counterparty_account = iban_text;
      s_.warnings.push_back("line " + line.line_id + ": counterparty " + iban.error().message);
    }
  } else {
    line.counterparty_account =
        text(path(parties, {credit ? "DbtrAcct" : "CdtrAcct", "Id", "Othr", "Id"}));
  }
  line.counterparty_bic = bic_of(path(tx, {"RltdAgts", credit ? "DbtrAgt" : "CdtrAgt"}));
}

void StatementReader::read_remittance(pugi::xml_node tx, const std::string& where, BankLine& line) {
  pugi::xml_node remittance = child(tx, "RmtInf");
  std::string free;
  auto append = [&](const std::string& part) {
    if (part.empty()) return;
    if (!free.empty()) free += ' ';
    free += part;
  };
  for (pugi::xml_node structured : children(remittance, "Strd")) {
    const std::string ref = text(path(structured, {"CdtrRefInf", "Ref"}));
    if (ref.empty()) continue;
    if (looks_like_structured_communication(ref) && line.structured_communication.empty()) {
      auto communication = parse_structured_communication(ref);
      if (communication) {
        line.structured_communication = *communication;
        continue;
      }
      s_.warnings.push_back(where + ": " + communication.error().message +
                            "; kept as free communication");
    }
    append(ref);  // an ISO 11649 RF reference or an invalid one: kept as text
  }
  for (pugi::xml_node unstructured : children(remittance, "Ustrd")) append(text(unstructured));
  line.free_communication = free;
  if (line.structured_communication.empty() && !free.empty()) {
    std::string found = find_structured_communication(free);
    if (found.empty() && looks_like_structured_communication(free)) found = free;
    if (!found.empty()) {
      auto communication = parse_structured_communication(found);
      if (communication) line.structured_communication = *communication;
    }
  }
}

}  // namespace kassa::domain::bank::camt
