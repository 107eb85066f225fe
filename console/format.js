// What the UI shows and reads: dates as 31/03/2025, amounts as
// 1 234,56 € (fr), € 1.234,56 (nl), €1,234.56 (en). The API speaks ISO
// dates and decimal strings ("1234.56"); amounts never pass through a
// floating-point number here.

const NBSP = "\u00a0";
const NNBSP = "\u202f"; // narrow no-break space: the French thousands separator

// "2025-03-31" -> "31/03/2025"; anything else is shown as given.
export function date(iso) {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : String(iso);
}

// "31/03/2025" (or 31-3-2025, 31.03.2025) -> "2025-03-31"; null when not a real date.
export function parseDate(text) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text || "");
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return `${m[3]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export function todayIso() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

function group(digits, separator) {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += separator;
    out += digits[i];
  }
  return out;
}

// "-1234.5" -> "-1 234,50 €" in `lang`; anything unparsable is shown as given.
export function money(decimal, lang) {
  if (decimal === null || decimal === undefined || decimal === "") return "";
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(decimal));
  if (!m) return String(decimal);
  const sign = m[1] && /[1-9]/.test(m[2] + (m[3] || "")) ? "-" : "";
  const units = m[2].replace(/^0+(?=\d)/, "");
  const cents = (m[3] || "").padEnd(2, "0");
  if (lang === "fr") return `${sign}${group(units, NNBSP)},${cents}${NBSP}€`;
  if (lang === "nl") return `€${NBSP}${sign}${group(units, ".")},${cents}`;
  return `${sign}€${group(units, ",")}.${cents}`;
}

// The sum of decimal amounts ("1234.56", "-0.5") as a decimal, in whole
// cents: never a floating-point amount.
export function sumMoney(decimals) {
  let cents = 0;
  for (const d of decimals) {
    const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(d));
    if (!m) return null;
    const value = Number(m[2]) * 100 + Number((m[3] || "").padEnd(2, "0"));
    cents += m[1] ? -value : value;
  }
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

// What a user typed ("1 234,56", "1.234,56", "1234.5", "€ 12") -> "1234.56"
// for the API, or null. In fr and nl the comma is the decimal mark; a lone
// dot followed by one or two digits is read as one too ("12.50").
export function parseMoney(text, lang) {
  let s = String(text || "").replace(/[\s\u00a0\u202f€]/g, "");
  if (lang === "en") {
    s = s.replace(/,/g, "");
  } else if (!/^\d+\.\d{1,2}$/.test(s)) {
    s = s.replace(/\./g, "").replace(",", ".");
  }
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return `${m[1].replace(/^0+(?=\d)/, "")}.${(m[2] || "").padEnd(2, "0")}`;
}

// "11.04.11-123.45", "11041112345" -> "11041112345", or null.
export function parseNiss(text) {
  const digits = String(text || "").replace(/[\s.\-/]/g, "");
  return /^\d{11}$/.test(digits) ? digits : null;
}

// "85073003328" -> "85.07.30-033.28"; anything else as given.
export function formatNiss(digits) {
  const d = String(digits || "");
  return /^\d{11}$/.test(d) ? `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}-${d.slice(6, 9)}.${d.slice(9)}` : d;
}

// "312401398067" -> "+++312/4013/98067+++"; anything else as given.
export function communication(text) {
  const digits = String(text || "");
  return /^\d{12}$/.test(digits) ? `+++${digits.slice(0, 3)}/${digits.slice(3, 7)}/${digits.slice(7)}+++` : digits;
}
