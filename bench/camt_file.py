#!/usr/bin/env python3
"""bench/camt_file.py LINES OUT [--statements N] — writes a camt.053.001.02
day statement of LINES credit entries, for measuring a bank-file import
(docs/benchmarks.md, "A bank file read streaming").

Each entry is a SEPA credit of 10.00 to 99.99 EUR with a payer name, an IBAN
and a free text, as a bank sends them; no structured communication and
accounts no demo member has, so every line goes to the fund's suspense
account (the most work per line: each payer's data is sealed under a key
of its own). Deterministic: the same arguments give the same bytes.
"""
import argparse
import random


def iban_be(n: int) -> str:
    bban = f"{(n % 10**10):010d}"
    base = int(bban) % 97
    check = 97 if base == 0 else base
    bban = f"{bban}{check:02d}"
    # ISO 13616 check digits for "BE": move "BE00" to the end, letters to numbers.
    numeric = int(bban + "1114" + "00")
    return f"BE{98 - numeric % 97:02d}{bban}"


ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt><AcctSvcrRef>BENCH{stmt:02d}{n:09d}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Nm>PAYER {n:09d}</Nm></Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>bijdrage payment {n}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"""


def statement(out, index: int, lines: int, rng: random.Random, first: int) -> None:
    amounts = [rng.randint(1000, 9999) for _ in range(lines)]
    total = sum(amounts)
    opening = 10_000_000
    closing = opening + total
    fmt = lambda cents: f"{cents // 100}.{cents % 100:02d}"
    out.write(f"""    <Stmt>
      <Id>BENCH-{index:04d}</Id>
      <ElctrncSeqNb>{index + 1}</ElctrncSeqNb>
      <CreDtTm>2026-03-02T21:00:00</CreDtTm>
      <Acct><Id><IBAN>BE31363012345678</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{fmt(opening)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{fmt(closing)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
""")
    for i, cents in enumerate(amounts):
        n = first + i
        out.write(ENTRY.format(amount=fmt(cents), stmt=index, n=n, iban=iban_be(7_000_000_000 + n)))
    out.write("    </Stmt>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lines", type=int)
    parser.add_argument("out")
    parser.add_argument("--statements", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n'
                  "  <BkToCstmrStmt>\n"
                  "    <GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-03-02T21:00:00</CreDtTm></GrpHdr>\n")
        per = args.lines // args.statements
        done = 0
        for s in range(args.statements):
            count = per if s < args.statements - 1 else args.lines - done
            statement(out, s, count, rng, done + 1)
            done += count
        out.write("  </BkToCstmrStmt>\n</Document>\n")


if __name__ == "__main__":
    main()
