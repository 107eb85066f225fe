// camt.053: the hand-written fund statement (tests/data/bank) field by field,
// a 001.08 document with a namespace prefix, and named errors.

#include "domain/bank/camt053.h"

#include <catch2/catch.hpp>

#include "bank_test_support.h"

namespace kassa::domain::bank {
namespace {

using testing::sample_camt;

Date d(int y, int m, int day) { return Date::make(y, m, day).value(); }

// Replaces the first occurrence of `from` (which must be there).
std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

BankStatement parse_one(const std::string& bytes) {
  auto parsed = parse_camt053(bytes);
  if (!parsed) FAIL(parsed.error().rule << ": " << parsed.error().message);
  REQUIRE(parsed->size() == 1);
  return parsed->front();
}

void require_error(const std::string& bytes, const char* rule, const std::string& where = "") {
  auto parsed = parse_camt053(bytes);
  REQUIRE_FALSE(parsed.ok());
  INFO(parsed.error().message);
  CHECK(parsed.error().code == Errc::kInvalidArgument);
  CHECK(parsed.error().field == "file");
  CHECK(parsed.error().rule == rule);
  CHECK_THAT(parsed.error().message, Catch::Contains(where));
}

TEST_CASE("camt.053 sample: statement, account and balances", "[bank][camt]") {
  const BankStatement s = parse_one(sample_camt());
  CHECK(s.format == StatementFormat::kCamt053);
  CHECK(s.format_version == "camt.053.001.02");
  CHECK(s.statement_id == "2025-0004");
  CHECK(s.sequence == "4");
  CHECK(s.creation_date == d(2025, 1, 6));
  CHECK(s.bank_bic == "BBRUBEBB");
  CHECK(s.account_iban == "BE31363012345678");
  CHECK(s.currency == "EUR");
  CHECK(s.opening.cents == 1'000'000);
  CHECK(s.opening.date == d(2025, 1, 3));
  CHECK(s.closing.cents == 1'224'621);
  CHECK(s.closing.date == d(2025, 1, 6));
  CHECK(s.lines.size() == 5);  // four booked entries, the batch split in two
  REQUIRE(s.warnings.size() == 1);
  CHECK_THAT(s.warnings[0], Catch::Contains("Ntry[5]") && Catch::Contains("PDNG") &&
                                Catch::Contains("250.00") && Catch::Contains("skipped"));
  CHECK(fingerprint(s) ==
        "camt053|BE31363012345678|EUR|2025-0004|4|2025-01-03|1000000|2025-01-06|1224621|5|12550|"
        "237171");
}

TEST_CASE("camt.053 sample: every line", "[bank][camt]") {
  const BankStatement s = parse_one(sample_camt());
  REQUIRE(s.lines.size() == 5);

  const BankLine& structured = s.lines[0];
  CHECK(structured.line_id == "BBRU250106000101/1");
  CHECK(structured.global_line_id == "BE31363012345678/2025-0004/BBRU250106000101/1");
  CHECK(structured.amount_cents == 87'171);
  CHECK(structured.booking_date == d(2025, 1, 6));
  CHECK(structured.value_date == d(2025, 1, 3));
  CHECK(structured.counterparty_iban == "BE68539007547034");
  CHECK(structured.counterparty_name == "PEETERS JAN");
  CHECK(structured.counterparty_bic == "GKCCBEBB");
  CHECK(structured.structured_communication == "312401398067");
  CHECK(structured.free_communication.empty());
  CHECK(structured.bank_reference == "BBRU250106000101");
  CHECK(structured.transaction_code == "PMNT/RCDT/ESCT");
  CHECK(structured.articles.empty());

  const BankLine& by_iban = s.lines[1];
  CHECK(by_iban.line_id == "BBRU250106000102/1");
  CHECK(by_iban.amount_cents == 50'000);
  CHECK(by_iban.value_date == d(2025, 1, 6));
  CHECK(by_iban.counterparty_iban == "BE61310126985517");  // written with spaces
  CHECK(by_iban.counterparty_name == "Maes & Zonen BV");
  CHECK(by_iban.counterparty_bic.empty());
  CHECK(by_iban.structured_communication.empty());
  CHECK(by_iban.free_communication == "sociale bijdragen 1ste kwartaal 2025");

  const BankLine& debit = s.lines[2];
  CHECK(debit.line_id == "BBRU250106000103/1");
  CHECK(debit.amount_cents == -12'550);
  CHECK(debit.counterparty_iban == "BE43730004200601");  // the creditor, for a debit
  CHECK(debit.counterparty_name == "JANSSENS AN");
  CHECK(debit.counterparty_bic == "KREDBEBB");
  CHECK(debit.free_communication == "Terugbetaling teveel betaald 2024");
  CHECK(debit.transaction_code == "PMNT/ICDT/ESCT");

  const BankLine& batch1 = s.lines[3];
  CHECK(batch1.line_id == "BBRU250106000104/1");
  CHECK(batch1.global_line_id == "BE31363012345678/2025-0004/BBRU250106000104/1");
  CHECK(batch1.amount_cents == 86'415);
  CHECK(batch1.bank_reference == "BBRU250106000104-1");
  CHECK(batch1.counterparty_iban == "BE41063012345610");
  CHECK(batch1.counterparty_name == "DE SMET PIETER");
  CHECK(batch1.structured_communication == "240283842818");  // found in Ustrd
  CHECK(batch1.free_communication == "+++240/2838/42818+++");

  const BankLine& batch2 = s.lines[4];
  CHECK(batch2.line_id == "BBRU250106000104/2");
  CHECK(batch2.amount_cents == 13'585);
  CHECK(batch2.bank_reference == "BBRU250106000104-2");
  CHECK(batch2.counterparty_iban.empty());
  CHECK(batch2.counterparty_name == "WILLEMS LIES");
  CHECK(batch2.structured_communication == "909337554966");  // Prtry BBA, decorated
  CHECK(batch2.free_communication.empty());
  CHECK(batch2.booking_date == d(2025, 1, 6));
}

TEST_CASE("camt.053 001.08 with a namespace prefix, Sts/Cd, TxDtls/Amt and DtTm", "[bank][camt]") {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <c:BkToCstmrStmt>
  <c:GrpHdr><c:MsgId>M1</c:MsgId><c:CreDtTm>2025-03-31T18:00:00+02:00</c:CreDtTm></c:GrpHdr>
  <c:Stmt>
   <c:Id>STMT-090</c:Id>
   <c:Acct><c:Id><c:IBAN>be31363012345678</c:IBAN></c:Id>
     <c:Svcr><c:FinInstnId><c:BICFI>BBRUBEBB</c:BICFI></c:FinInstnId></c:Svcr></c:Acct>
   <c:Bal><c:Tp><c:CdOrPrtry><c:Cd>PRCD</c:Cd></c:CdOrPrtry></c:Tp>
     <c:Amt Ccy="EUR">12.00</c:Amt><c:CdtDbtInd>DBIT</c:CdtDbtInd><c:Dt><c:Dt>2025-03-30</c:Dt></c:Dt></c:Bal>
   <c:Bal><c:Tp><c:CdOrPrtry><c:Cd>CLBD</c:Cd></c:CdOrPrtry></c:Tp>
     <c:Amt Ccy="EUR">859.71</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Dt><c:DtTm>2025-03-31T23:59:59</c:DtTm></c:Dt></c:Bal>
   <c:Ntry>
    <c:Amt Ccy="EUR">871.71</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts>
    <c:BookgDt><c:DtTm>2025-03-31T09:12:00</c:DtTm></c:BookgDt><c:ValDt><c:Dt>2025-03-31</c:Dt></c:ValDt>
    <c:NtryDtls><c:TxDtls>
     <c:Amt Ccy="EUR">871.71</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd>
     <c:RltdPties><c:Dbtr><c:Pty><c:Nm>PEETERS JAN</c:Nm></c:Pty></c:Dbtr>
      <c:DbtrAcct><c:Id><c:IBAN>BE68539007547034</c:IBAN></c:Id></c:DbtrAcct></c:RltdPties>
     <c:RltdAgts><c:DbtrAgt><c:FinInstnId><c:BICFI>GKCCBEBB</c:BICFI></c:FinInstnId></c:DbtrAgt></c:RltdAgts>
     <c:RmtInf><c:Ustrd>312/4013/98067</c:Ustrd></c:RmtInf>
    </c:TxDtls></c:NtryDtls>
   </c:Ntry>
  </c:Stmt>
 </c:BkToCstmrStmt>
</c:Document>)";
  const BankStatement s = parse_one(xml);
  CHECK(s.format_version == "camt.053.001.08");
  CHECK(s.statement_id == "STMT-090");
  CHECK(s.sequence.empty());
  CHECK(s.creation_date == d(2025, 3, 31));
  CHECK(s.bank_bic == "BBRUBEBB");
  CHECK(s.account_iban == "BE31363012345678");
  CHECK(s.currency == "EUR");        // no Acct/Ccy: taken from the balances
  CHECK(s.opening.cents == -1'200);  // PRCD stands for the opening balance
  CHECK(s.opening.date == d(2025, 3, 30));
  CHECK(s.closing.cents == 85'971);
  REQUIRE(s.lines.size() == 1);
  const BankLine& line = s.lines[0];
  CHECK(line.line_id == "E1/1");  // neither AcctSvcrRef nor NtryRef
  CHECK(line.global_line_id == "BE31363012345678/STMT-090/E1/1");
  CHECK(line.amount_cents == 87'171);
  CHECK(line.booking_date == d(2025, 3, 31));
  CHECK(line.counterparty_name == "PEETERS JAN");
  CHECK(line.counterparty_bic == "GKCCBEBB");
  CHECK(line.structured_communication == "312401398067");
  CHECK(s.warnings.empty());
}

TEST_CASE("camt.053: several statements in one document", "[bank][camt]") {
  const std::string xml = sample_camt();
  const auto open = xml.find("<Stmt>");
  const auto close = xml.find("</Stmt>") + 7;
  std::string second = xml.substr(open, close - open);
  second = replace(second, "<Id>2025-0004</Id>", "<Id>2025-0005</Id>");
  auto parsed = parse_camt053(std::string(xml).insert(close, second));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[1].statement_id == "2025-0005");
  CHECK((*parsed)[1].lines[0].global_line_id == "BE31363012345678/2025-0005/BBRU250106000101/1");
}

TEST_CASE("camt.053: malformed documents give named errors", "[bank][camt]") {
  const std::string good = sample_camt();
  SECTION("malformed XML") {
    require_error(good.substr(0, good.size() / 2), "CamtMalformedXml", "byte ");
    require_error("", "CamtMalformedXml");
    require_error("not xml at all", "CamtMalformedXml");
  }
  SECTION("a DOCTYPE, with or without entity declarations") {
    // Before: accepted (the entities stayed literal, so nothing leaked).
    const auto decl_end = good.find("?>") + 2;
    REQUIRE(decl_end > 2);
    std::string with_doctype = good;
    with_doctype.insert(decl_end,
                        "\n<!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>");
    require_error(with_doctype, "CamtDoctype", "DOCTYPE");
    std::string bare = good;
    bare.insert(decl_end, "\n<!DOCTYPE Document>");
    require_error(bare, "CamtDoctype");
  }
  SECTION("another message type") {
    require_error(replace(good, "xsd:camt.053.001.02", "xsd:camt.052.001.02"), "CamtNotAStatement",
                  "camt.052.001.02");
    require_error("<Document/>", "CamtNotAStatement");
  }
  SECTION("a missing mandatory element") {
    require_error(replace(good, "<Id>2025-0004</Id>", ""), "CamtMissingElement",
                  "Stmt[1]: mandatory element Id");
    require_error(replace(good, "<Cd>CLBD</Cd>", "<Cd>ITBD</Cd>"), "CamtMissingElement", "CLBD");
    require_error(replace(good, "<IBAN>BE31363012345678</IBAN>", ""), "CamtMissingElement",
                  "Id/IBAN");
    require_error(replace(good, "<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>", "<Sts>"),
                  "CamtMissingElement", "Ntry[3]: mandatory element CdtDbtInd");
    require_error(replace(good, "<Sts>BOOK</Sts>", ""), "CamtMissingElement", "Ntry[1]");
    require_error(replace(good, R"(<Amt Ccy="EUR">500.00</Amt>)", R"(<Amt>500.00</Amt>)"),
                  "CamtMissingElement", "Ntry[2]/Amt");
  }
  SECTION("amounts: three decimals, a comma, a sign") {
    require_error(replace(good, ">871.71<", ">871.715<"), "CamtAmountNotInCents", "Ntry[1]/Amt");
    require_error(replace(good, ">500.00<", ">500,00<"), "CamtAmountFormat", "Ntry[2]/Amt");
    require_error(replace(good, ">125.50<", ">-125.50<"), "CamtAmountFormat", "Ntry[3]/Amt");
    require_error(replace(good, ">864.15<", ">864.15.0<"), "CamtAmountFormat", "TxDtls[1]/Amt");
  }
  SECTION("three decimals that are exact cents are accepted") {
    const std::string exact = replace(good, ">871.71<", ">871.710<");
    CHECK(parse_one(exact).lines[0].amount_cents == 87'171);
  }
  SECTION("an amount in another currency") {
    require_error(replace(good, R"(<Amt Ccy="EUR">500.00</Amt>)", R"(<Amt Ccy="USD">500.00</Amt>)"),
                  "CamtCurrencyMismatch", "Ntry[2]/Amt");
  }
  SECTION("unknown indicator and status") {
    require_error(replace(good, "<CdtDbtInd>DBIT</CdtDbtInd>", "<CdtDbtInd>DEBIT</CdtDbtInd>"),
                  "CamtCreditDebitInvalid", "'DEBIT'");
    require_error(replace(good, "<Sts>BOOK</Sts>", "<Sts>DONE</Sts>"), "CamtEntryStatusUnknown",
                  "Ntry[1]/Sts");
  }
  SECTION("dates") {
    require_error(replace(good, "<Dt>2025-01-03</Dt>\n        </ValDt>",
                          "<Dt>2025-02-30</Dt>\n        </ValDt>"),
                  "CamtDateInvalid", "Ntry[1]/ValDt");
  }
  SECTION("batch transactions that do not add up") {
    require_error(replace(good, ">135.85<", ">135.86<"), "CamtBatchAmountMismatch", "Ntry[4]");
    const std::string no_amount = replace(good, R"(<Amt Ccy="EUR">135.85</Amt>)", "");
    require_error(no_amount, "CamtBatchAmountMissing", "Ntry[4]/NtryDtls/TxDtls[2]");
  }
  SECTION("balances that do not add up") {
    require_error(replace(good, ">12246.21<", ">12246.22<"), "CamtBalanceMismatch", "12246.22");
  }
  SECTION("the same bank reference twice") {
    require_error(replace(good, "BBRU250106000102", "BBRU250106000101"), "CamtDuplicateLineId",
                  "BBRU250106000101/1");
  }
  SECTION("an account that is not an IBAN") {
    require_error(
        replace(good, "<IBAN>BE31363012345678</IBAN>", "<Othr><Id>363-0123456-78</Id></Othr>"),
        "CamtAccountUnsupported");
    require_error(replace(good, "<IBAN>BE31363012345678</IBAN>", "<IBAN>BE31363012345679</IBAN>"),
                  "CamtAccountInvalid", "mod 97");
  }
}

TEST_CASE("camt.053: soft inconsistencies are warnings", "[bank][camt]") {
  const std::string good = sample_camt();
  SECTION("a structured reference with wrong check digits stays free text") {
    const BankStatement s =
        parse_one(replace(good, "<Ref>312401398067</Ref>", "<Ref>312401398068</Ref>"));
    CHECK(s.lines[0].structured_communication.empty());
    CHECK(s.lines[0].free_communication == "312401398068");
    REQUIRE(s.warnings.size() == 2);
    CHECK_THAT(s.warnings[0], Catch::Contains("check digits 68, expected 67"));
  }
  SECTION("a counterparty IBAN that fails its check") {
    const BankStatement s = parse_one(replace(good, "BE68539007547034", "BE68539007547035"));
    CHECK(s.lines[0].counterparty_iban.empty());
    CHECK(s.lines[0].counterparty_account == "BE68539007547035");
    CHECK(s.warnings.size() == 2);
  }
  SECTION("no value date: the booking date, with a warning") {
    const BankStatement s =
        parse_one(replace(good, "<ValDt>\n          <Dt>2025-01-03</Dt>\n        </ValDt>", ""));
    CHECK(s.lines[0].value_date == d(2025, 1, 6));
    CHECK(s.warnings.size() == 2);
  }
}

}  // namespace
}  // namespace kassa::domain::bank
