#pragma once
// Internal to src/domain/bank (camt053.cpp, camt053_statement.cpp): one
// camt.053 Stmt read from the small pugixml tree that the streaming reader
// (camt053.cpp) builds as the document goes by — its header, each entry,
// then the booked entries against the balances — and the XML helpers both
// use. It includes pugixml, a private dependency of kassa::bank: no public
// header may include this one.
//
// Thread-safety: a StatementReader belongs to the one thread reading a file.

#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

#include "domain/bank/statement.h"
#include "domain/result.h"

namespace kassa::domain::bank::camt {

inline constexpr std::string_view kNamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:";
inline constexpr std::string_view kCamt053 = "camt.053.";

// An invalid file: Error::invalid on the field "file", "WHERE: MESSAGE".
Error fail(const char* rule, const std::string& where, const std::string& message);
// "camt:Ntry" -> "Ntry": elements are matched on their local names.
std::string_view local_name(std::string_view name);
// "WHERE/NAME[INDEX+1]", the XPath-like place named in errors.
std::string indexed(const std::string& where, std::string_view name, std::size_t index);
// The trimmed text at `names` under `parent`; CamtMissingElement when it is
// missing or empty.
Result<std::string> required_text(pugi::xml_node parent,
                                  std::initializer_list<std::string_view> names,
                                  const std::string& where);

// One Stmt, read in three steps as the document streams by: its header
// (everything before the first Ntry: Id, account, balances), each entry,
// and the end (the booked entries against the balances).
class StatementReader {
 public:
  StatementReader(std::string where, std::string version, Date group_created, const LineSink& sink,
                  std::size_t index);
  bool begun() const { return begun_; }
  // `stmt`: the Stmt element with the children read so far (no Ntry).
  Status begin(pugi::xml_node stmt);
  Status entry(pugi::xml_node entry) { return read_entry(entry, entries_++); }
  Result<BankStatement> finish();

 private:
  Status read_account(pugi::xml_node stmt);
  Status read_balances(pugi::xml_node stmt);
  Status read_entry(pugi::xml_node entry, std::size_t index);
  Status add_line(BankLine line, const std::string& where);
  static std::string transaction_code(pugi::xml_node code);
  // For a credit the counterparty is the debtor, for a debit the creditor.
  void read_parties(pugi::xml_node tx, int sign, BankLine& line);
  // Structured: RmtInf/Strd/CdtrRefInf/Ref (Belgian "BBA" or SCOR), or a
  // "+++DDD/DDDD/DDDDD+++" group inside RmtInf/Ustrd. Free: the Ustrd lines,
  // joined by a space (and a non-Belgian creditor reference).
  void read_remittance(pugi::xml_node tx, const std::string& where, BankLine& line);

  std::string where_;
  const LineSink& sink_;
  std::size_t index_;  // of the statement in the file
  BankStatement s_;
  bool begun_ = false;
  std::size_t entries_ = 0;
  int64_t expected_ = 0;  // opening balance + the entries read
  bool overflow_ = false;
  std::set<std::string> line_ids_;
};

}  // namespace kassa::domain::bank::camt
