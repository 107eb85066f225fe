#include "domain/bank/camt053.h"

#include <expat.h>
#include <pugixml.hpp>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "domain/bank/camt053_statement.h"
#include "domain/bank/values.h"

namespace kassa::domain::bank {
namespace {

using camt::fail;
using camt::indexed;
using camt::kCamt053;
using camt::kNamespacePrefix;
using camt::local_name;
using camt::required_text;
using camt::StatementReader;

// The document as it streams by (expat), held as a small pugixml tree for
// the statement code to read: the elements on the path to the current one
// with their earlier siblings (the group header, a statement's header),
// except each Ntry, which is built in a tree of its own, read when it
// ends and dropped. A Stmt is dropped once read. So memory holds one entry
// at a time besides the elements around the entries (a bank sends a few:
// the group header, each statement's account and balances, a summary),
// whatever the number of entries.
class CamtStream {
 public:
  explicit CamtStream(const LineSink& sink) : sink_(sink) {}
  CamtStream(const CamtStream&) = delete;
  CamtStream& operator=(const CamtStream&) = delete;
  ~CamtStream() {
    if (parser_ != nullptr) XML_ParserFree(parser_);
  }

  Result<std::vector<BankStatement>> read(std::string_view bytes) {
    parser_ = XML_ParserCreate(nullptr);  // the encoding from the BOM or the declaration
    if (parser_ == nullptr) return Error::internal("expat: out of memory");
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &CamtStream::on_start, &CamtStream::on_end);
    XML_SetCharacterDataHandler(parser_, &CamtStream::on_text);
    // camt.053 is defined by its XSD and a bank never sends entity
    // declarations: a DOCTYPE is refused before anything in it is read.
    XML_SetStartDoctypeDeclHandler(parser_, &CamtStream::on_doctype);
    constexpr std::size_t kChunk = 1u << 20;
    std::size_t at = 0;
    do {
      const std::size_t n = std::min(kChunk, bytes.size() - at);
      const bool last = at + n == bytes.size();
      if (XML_Parse(parser_, bytes.data() + at, static_cast<int>(n), last ? XML_TRUE : XML_FALSE) !=
          XML_STATUS_OK) {
        if (thrown_) std::rethrow_exception(thrown_);
        if (error_) return *error_;
        return fail("CamtMalformedXml", "byte " + std::to_string(XML_GetCurrentByteIndex(parser_)),
                    XML_ErrorString(XML_GetErrorCode(parser_)));
      }
      at += n;
    } while (at < bytes.size());
    if (error_) return *error_;
    if (!message_) return fail("CamtNotAStatement", "/Document", "no BkToCstmrStmt element");
    KASSA_TRY(group_header());
    if (statements_.empty()) return fail("CamtMissingElement", "BkToCstmrStmt", "no Stmt element");
    return std::move(statements_);
  }

 private:
  // No exception may cross expat's C frames: one thrown below (by the sink,
  // which books lines, or bad_alloc) stops the parse, and read() throws it
  // again once XML_Parse has returned, as if there were no C in between.
  template <typename F>
  static void guarded(void* self, F&& f) noexcept {
    auto* stream = static_cast<CamtStream*>(self);
    try {
      f(*stream);
    } catch (...) {
      if (!stream->thrown_) stream->thrown_ = std::current_exception();
      XML_StopParser(stream->parser_, XML_FALSE);
    }
  }
  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** attributes) {
    guarded(self, [&](CamtStream& s) { s.start(name, attributes); });
  }
  static void XMLCALL on_end(void* self, const XML_Char* /*name*/) {
    guarded(self, [](CamtStream& s) { s.end(); });
  }
  static void XMLCALL on_text(void* self, const XML_Char* text, int length) {
    guarded(self, [&](CamtStream& s) {
      if (!s.open_.empty())
        s.text_[s.open_.size() - 1].append(text, static_cast<std::size_t>(length));
    });
  }
  static void XMLCALL on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*,
                                 int) {
    guarded(self, [](CamtStream& s) {
      s.stop(fail("CamtDoctype", "/", "a DOCTYPE (and its entity declarations) is not accepted"));
    });
  }

  void stop(Error error) {
    if (!error_) error_ = std::move(error);
    XML_StopParser(parser_, XML_FALSE);
  }

  void start(const char* name, const XML_Char** attributes) {
    if (error_ || thrown_) return;
    const std::size_t depth = open_.size();  // 0: the root
    // The whitespace between a parent's children is not its text: dropped,
    // so that the indentation between 100,000 entries is not kept.
    if (depth > 0 && text_[depth - 1].find_first_not_of(" \t\r\n") == std::string::npos) {
      text_[depth - 1].clear();
    }
    pugi::xml_node node;
    if (depth == 0) {
      if (Status root = check_root(name, attributes); !root.ok()) return stop(root.error());
      node = tree_.append_child(name);
    } else if (entry_depth_ >= 0) {
      node = open_.back().append_child(name);  // inside an Ntry
    } else if (depth == 1 && local_name(name) == "BkToCstmrStmt") {
      if (message_)
        return stop(fail("CamtNotAStatement", "/Document", "a second BkToCstmrStmt element"));
      node = open_.back().append_child(name);
      message_ = node;
    } else if (depth == 2 && open_[1] == message_ && local_name(name) == "Stmt") {
      if (Status group = group_header(); !group.ok()) return stop(group.error());
      statement_.emplace(indexed("BkToCstmrStmt", "Stmt", statements_.size()), version_,
                         *group_created_, sink_, statements_.size());
      node = open_.back().append_child(name);
      stmt_ = node;
    } else if (depth == 3 && open_[2] == stmt_ && local_name(name) == "Ntry") {
      if (!statement_->begun()) {
        if (Status header = statement_->begin(stmt_); !header.ok()) return stop(header.error());
      }
      entry_.reset();
      node = entry_.append_child(name);
      entry_depth_ = static_cast<int>(depth);
    } else {
      node = open_.back().append_child(name);
    }
    for (const XML_Char** a = attributes; a[0] != nullptr; a += 2)
      node.append_attribute(a[0]).set_value(a[1]);
    open_.push_back(node);
    if (text_.size() < open_.size()) text_.resize(open_.size());
    text_[depth].clear();
  }

  void end() {
    if (error_ || thrown_) return;
    const std::size_t depth = open_.size() - 1;
    pugi::xml_node node = open_.back();
    const std::string& content = text_[depth];
    if (content.find_first_not_of(" \t\r\n") != std::string::npos) {
      node.append_child(pugi::node_pcdata).set_value(content.c_str());
    }
    open_.pop_back();
    if (static_cast<int>(depth) == entry_depth_) {
      entry_depth_ = -1;
      if (Status read = statement_->entry(node); !read.ok()) return stop(read.error());
      entry_.reset();
    } else if (depth == 2 && node == stmt_) {
      if (!statement_->begun()) {
        if (Status header = statement_->begin(stmt_); !header.ok()) return stop(header.error());
      }
      auto statement = statement_->finish();
      if (!statement) return stop(statement.error());
      statements_.push_back(std::move(statement).value());
      statement_.reset();
      message_.remove_child(stmt_);
      stmt_ = {};
    }
  }

  Status check_root(std::string_view name, const XML_Char** attributes) {
    if (local_name(name) != "Document") {
      return fail("CamtNotAStatement", "/" + std::string(name), "the root element is not Document");
    }
    const auto colon = name.find(':');
    const std::string ns_attribute =
        colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
    std::string_view ns;
    for (const XML_Char** a = attributes; a[0] != nullptr; a += 2) {
      if (ns_attribute == a[0]) ns = a[1];
    }
    if (ns.substr(0, kNamespacePrefix.size()) != kNamespacePrefix ||
        ns.substr(kNamespacePrefix.size(), kCamt053.size()) != kCamt053) {
      return fail(
          "CamtNotAStatement", "/Document",
          "namespace '" + std::string(ns) + "' is not urn:iso:std:iso:20022:tech:xsd:camt.053.*");
    }
    version_ = std::string(ns.substr(kNamespacePrefix.size()));
    return {};
  }

  // The group header's creation date, read once (before the first Stmt:
  // GrpHdr precedes the statements).
  Status group_header() {
    if (group_created_) return {};
    KASSA_ASSIGN_OR_RETURN(auto created,
                           required_text(message_, {"GrpHdr", "CreDtTm"}, "BkToCstmrStmt"));
    auto date = Date::parse_iso(created);
    if (!date) return fail("CamtDateInvalid", "BkToCstmrStmt/GrpHdr/CreDtTm", date.error().message);
    group_created_ = *date;
    return {};
  }

  const LineSink& sink_;
  XML_Parser parser_ = nullptr;
  std::optional<Error> error_;
  std::exception_ptr thrown_;         // by a handler, thrown again by read()
  pugi::xml_document tree_;           // Document > BkToCstmrStmt > GrpHdr, the Stmt being read
  pugi::xml_document entry_;          // the Ntry being read
  std::vector<pugi::xml_node> open_;  // the path to the current element
  std::vector<std::string> text_;     // the character data of each open element
  int entry_depth_ = -1;              // the open Ntry's index in open_, or -1
  pugi::xml_node message_;            // BkToCstmrStmt
  pugi::xml_node stmt_;               // the Stmt being read
  std::string version_;
  std::optional<Date> group_created_;
  std::optional<StatementReader> statement_;
  std::vector<BankStatement> statements_;
};

}  // namespace

Result<std::vector<BankStatement>> parse_camt053(std::string_view bytes) {
  return collect_lines([bytes](const LineSink& sink) { return read_camt053(bytes, sink); });
}

Result<std::vector<BankStatement>> read_camt053(std::string_view bytes, const LineSink& sink) {
  if (trim(bytes).empty()) return fail("CamtMalformedXml", "file", "the file is empty");
  CamtStream stream(sink);
  return stream.read(bytes);
}

}  // namespace kassa::domain::bank
