#include "domain/bank/camt053.h"

#include <pugixml.hpp>

#include <initializer_list>
#include <set>
#include <string>

#include "domain/bank/values.h"

namespace kassa::domain::bank {
namespace {

constexpr std::string_view kNamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:";
constexpr std::string_view kCamt053 = "camt.053.";

Error fail(const char* rule, const std::string& where, const std::string& message) {
  return Error::invalid("file", rule, where + ": " + message);
}

std::string_view local_name(pugi::xml_node node) {
  std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
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

std::string indexed(const std::string& where, std::string_view name, std::size_t index) {
  return where + "/" + std::string(name) + "[" + std::to_string(index + 1) + "]";
}

Result<std::string> required_text(pugi::xml_node parent, std::initializer_list<std::string_view> names,
                                  const std::string& where) {
  pugi::xml_node node = path(parent, names);
  std::string value = text(node);
  if (!node || value.empty()) {
    std::string p;
    for (std::string_view n : names) p += "/" + std::string(n);
    return fail("CamtMissingElement", where, "mandatory element " + p.substr(1) + " is missing or empty");
  }
  return value;
}

// <X><Dt>2011-01-11</Dt></X> or <X><DtTm>2011-01-11T10:00:00</DtTm></X>.
Result<Date> date_choice(pugi::xml_node parent, std::string_view name, const std::string& where) {
  pugi::xml_node holder = child(parent, name);
  pugi::xml_node value = child(holder, "Dt");
  if (!value) value = child(holder, "DtTm");
  if (!holder || !value) {
    return fail("CamtMissingElement", where, "mandatory element " + std::string(name) + "/Dt is missing");
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
    return fail("CamtCurrencyMismatch", where, "amount in " + ccy + " on an account in " + currency);
  }
  return cents;
}

// CRDT → +1, DBIT → -1.
Result<int> credit_debit(pugi::xml_node parent, const std::string& where) {
  KASSA_ASSIGN_OR_RETURN(auto indicator, required_text(parent, {"CdtDbtInd"}, where));
  if (indicator == "CRDT") return 1;
  if (indicator == "DBIT") return -1;
  return fail("CamtCreditDebitInvalid", where + "/CdtDbtInd", "'" + indicator + "' is neither CRDT nor DBIT");
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

class StatementReader {
 public:
  StatementReader(pugi::xml_node stmt, std::string where, std::string version, Date group_created)
      : stmt_(stmt), where_(std::move(where)) {
    s_.format = StatementFormat::kCamt053;
    s_.format_version = std::move(version);
    s_.creation_date = group_created;
  }

  Result<BankStatement> read() {
    KASSA_ASSIGN_OR_RETURN(auto id, required_text(stmt_, {"Id"}, where_));
    s_.statement_id = id;
    s_.sequence = text(child(stmt_, "ElctrncSeqNb"));
    if (s_.sequence.empty()) s_.sequence = text(child(stmt_, "LglSeqNb"));
    if (pugi::xml_node created = child(stmt_, "CreDtTm")) {
      auto date = Date::parse_iso(text(created));
      if (!date) return fail("CamtDateInvalid", where_ + "/CreDtTm", date.error().message);
      s_.creation_date = *date;
    }
    KASSA_TRY(read_account());
    KASSA_TRY(read_balances());
    const auto entries = children(stmt_, "Ntry");
    for (std::size_t i = 0; i < entries.size(); ++i) {
      KASSA_TRY(read_entry(entries[i], i));
    }
    int64_t expected = s_.opening.cents;
    for (const BankLine& line : s_.lines) {
      if (__builtin_add_overflow(expected, line.amount_cents, &expected)) {
        return fail("CamtAmountOverflow", where_, "the booked entries overflow");
      }
    }
    if (expected != s_.closing.cents) {
      return fail("CamtBalanceMismatch", where_,
                  "opening balance " + format_cents(s_.opening.cents) + " + booked entries = " +
                      format_cents(expected) + ", but the closing balance is " + format_cents(s_.closing.cents));
    }
    for (BankLine& line : s_.lines) {
      line.global_line_id = s_.account_iban + "/" + s_.statement_id + "/" + line.line_id;
    }
    return std::move(s_);
  }

 private:
  Status read_account() {
    const std::string where = where_ + "/Acct";
    pugi::xml_node account = child(stmt_, "Acct");
    if (!account) return fail("CamtMissingElement", where_, "mandatory element Acct is missing");
    pugi::xml_node iban = path(account, {"Id", "IBAN"});
    if (!iban) {
      if (path(account, {"Id", "Othr"})) {
        return fail("CamtAccountUnsupported", where + "/Id",
                    "the account is identified by Othr, not by an IBAN; only IBAN accounts are supported");
      }
      return fail("CamtMissingElement", where, "mandatory element Id/IBAN is missing");
    }
    auto normalized = normalize_iban(text(iban));
    if (!normalized) return fail("CamtAccountInvalid", where + "/Id/IBAN", normalized.error().message);
    s_.account_iban = *normalized;
    s_.currency = text(child(account, "Ccy"));
    s_.bank_bic = bic_of(child(account, "Svcr"));
    return {};
  }

  Status read_balances() {
    const auto balances = children(stmt_, "Bal");
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
                  std::string("mandatory balance ") + (opening ? "CLBD (closing booked)" : "OPBD or PRCD (opening)") +
                      " is missing");
    }
    return {};
  }

  Status read_entry(pugi::xml_node entry, std::size_t index) {
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
      return fail("CamtEntryStatusUnknown", where + "/Sts", "'" + status + "' is not BOOK, PDNG or INFO");
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

  Status add_line(BankLine line, const std::string& where) {
    if (!line_ids_.insert(line.line_id).second) {
      return fail("CamtDuplicateLineId", where,
                  "line id " + line.line_id + " (AcctSvcrRef or NtryRef) appears twice in the statement");
    }
    s_.lines.push_back(std::move(line));
    return {};
  }

  static std::string transaction_code(pugi::xml_node code) {
    pugi::xml_node domain = child(code, "Domn");
    if (domain) {
      return text(child(domain, "Cd")) + "/" + text(path(domain, {"Fmly", "Cd"})) + "/" +
             text(path(domain, {"Fmly", "SubFmlyCd"}));
    }
    return text(path(code, {"Prtry", "Cd"}));
  }

  // For a credit the counterparty is the debtor, for a debit the creditor.
  void read_parties(pugi::xml_node tx, int sign, BankLine& line) {
    const bool credit = sign > 0;
    pugi::xml_node parties = child(tx, "RltdPties");
    line.counterparty_name = party_name(child(parties, credit ? "Dbtr" : "Cdtr"));
    const std::string iban_text = text(path(parties, {credit ? "DbtrAcct" : "CdtrAcct", "Id", "IBAN"}));
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

  // Structured: RmtInf/Strd/CdtrRefInf/Ref (Belgian "BBA" or SCOR), or a
  // "+++DDD/DDDD/DDDDD+++" group inside RmtInf/Ustrd. Free: the Ustrd lines,
  // joined by a space (and a non-Belgian creditor reference).
  void read_remittance(pugi::xml_node tx, const std::string& where, BankLine& line) {
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
        s_.warnings.push_back(where + ": " + communication.error().message + "; kept as free communication");
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

  pugi::xml_node stmt_;
  std::string where_;
  BankStatement s_;
  std::set<std::string> line_ids_;
};

}  // namespace

Result<std::vector<BankStatement>> parse_camt053(std::string_view bytes) {
  if (trim(bytes).empty()) return fail("CamtMalformedXml", "file", "the file is empty");
  pugi::xml_document doc;
  // parse_default neither loads external entities nor expands DOCTYPE ones;
  // a DOCTYPE is refused all the same (camt.053 is defined by its XSD, and
  // a bank never sends entity declarations): parse_doctype keeps it visible.
  const pugi::xml_parse_result parsed = doc.load_buffer(
      bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_auto);
  if (!parsed) {
    return fail("CamtMalformedXml", "byte " + std::to_string(parsed.offset), parsed.description());
  }
  for (pugi::xml_node node : doc.children()) {
    if (node.type() == pugi::node_doctype) {
      return fail("CamtDoctype", "/", "a DOCTYPE (and its entity declarations) is not accepted");
    }
  }
  pugi::xml_node root = doc.document_element();
  if (local_name(root) != "Document") {
    return fail("CamtNotAStatement", "/" + std::string(root.name()), "the root element is not Document");
  }
  const std::string_view root_name = root.name();
  const auto colon = root_name.find(':');
  const std::string ns_attribute =
      colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(root_name.substr(0, colon));
  const std::string_view ns = root.attribute(ns_attribute.c_str()).value();
  if (ns.substr(0, kNamespacePrefix.size()) != kNamespacePrefix ||
      ns.substr(kNamespacePrefix.size(), kCamt053.size()) != kCamt053) {
    return fail("CamtNotAStatement", "/Document",
                "namespace '" + std::string(ns) + "' is not urn:iso:std:iso:20022:tech:xsd:camt.053.*");
  }
  const std::string version(ns.substr(kNamespacePrefix.size()));
  pugi::xml_node message = child(root, "BkToCstmrStmt");
  if (!message) return fail("CamtNotAStatement", "/Document", "no BkToCstmrStmt element");
  KASSA_ASSIGN_OR_RETURN(auto created,
                         required_text(message, {"GrpHdr", "CreDtTm"}, "BkToCstmrStmt"));
  auto group_created = Date::parse_iso(created);
  if (!group_created) return fail("CamtDateInvalid", "BkToCstmrStmt/GrpHdr/CreDtTm", group_created.error().message);

  const auto stmts = children(message, "Stmt");
  if (stmts.empty()) return fail("CamtMissingElement", "BkToCstmrStmt", "no Stmt element");
  std::vector<BankStatement> statements;
  for (std::size_t i = 0; i < stmts.size(); ++i) {
    StatementReader reader(stmts[i], indexed("BkToCstmrStmt", "Stmt", i), version, *group_created);
    KASSA_ASSIGN_OR_RETURN(auto statement, reader.read());
    statements.push_back(std::move(statement));
  }
  return statements;
}

}  // namespace kassa::domain::bank
