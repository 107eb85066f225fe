// #/access-log (auditors): who read which person's data, when, through
// which route and why (GET /v1/audit/access-log), newest last, filtered by
// person and period, a page at a time (the API's cursor; earlier cursors
// kept for "previous"). The access log names persons by PartyId only; a
// row's person opens the file (which asks for its own purpose).

import { h, fill, dataTable, pager } from "./dom.js";
import { t, term, errorText } from "./i18n.js";
import { call } from "./api.js";
import { parseDate } from "./format.js";

const PAGE = 50;

// "2026-12-07T08:20:15.516998Z" -> "07/12/2026 09:20:15" in the browser's time zone.
function instant(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n) => String(n).padStart(2, "0");
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export async function mount(ctx) {
  const alive = ctx.current();
  const state = { party: "", from: "", to: "", cursors: [null], page: 0, data: null, error: null, fieldError: "" };

  async function load() {
    try {
      const { body } = await call("GET", "/v1/audit/access-log", {
        query: { party_id: state.party, from: state.from, to: state.to, limit: PAGE, cursor: state.cursors[state.page] },
      });
      state.data = body;
      state.error = null;
      state.cursors[state.page + 1] = body.next_cursor || undefined;
    } catch (e) {
      state.error = e;
      state.data = null;
    }
  }

  async function go(page, focusId) {
    state.page = page;
    await load();
    if (alive()) paint(focusId);
  }

  function submit(event) {
    event.preventDefault();
    const f = event.target.elements;
    const party = f.party.value.trim();
    const from = f.from.value.trim() ? parseDate(f.from.value.trim()) : "";
    const to = f.to.value.trim() ? parseDate(f.to.value.trim()) : "";
    state.fieldError = "";
    if (party && !/^P[0-9a-f]{32}$/.test(party)) state.fieldError = "party";
    else if (from === null) state.fieldError = "from";
    else if (to === null) state.fieldError = "to";
    if (state.fieldError) {
      paint(`access-${state.fieldError}`);
      return;
    }
    Object.assign(state, { party, from, to, cursors: [null] });
    go(0, "access-summary");
  }

  function field(name, label, value, hint) {
    const invalid = state.fieldError === name;
    return h(
      "div",
      { class: "field" },
      h("label", { for: `access-${name}` }, label),
      h("input", {
        id: `access-${name}`,
        name,
        type: "text",
        autocomplete: "off",
        value,
        "aria-invalid": invalid ? "true" : false,
        "aria-describedby": `access-${name}-hint`,
      }),
      h("p", { id: `access-${name}-hint`, class: invalid ? "field-error" : "hint" }, invalid ? t(`access.${name}Error`) : hint),
    );
  }

  function table() {
    const records = state.data.records;
    if (records.length === 0) return h("p", { id: "access-empty" }, t("access.empty"));
    return dataTable({
      id: "access-table",
      caption: t("access.caption"),
      columns: [
        { label: t("access.at") },
        { label: t("access.principal") },
        { label: t("access.person") },
        { label: t("access.route") },
        { label: t("access.purpose") },
      ],
      rows: records.map((r) => [
        h("th", { scope: "row", class: "nowrap" }, instant(r.at)),
        h("td", {}, r.principal, h("span", { class: "explain" }, term("role", r.role))),
        h("td", {}, h("a", { href: `#/person/${r.party_id}`, class: "communication" }, r.party_id)),
        h("td", { class: "communication" }, r.route),
        h("td", {}, r.purpose),
      ]),
    });
  }

  function paint(focusId) {
    const d = state.data;
    fill(
      ctx.main,
      h("h1", {}, t("access.title")),
      h("p", {}, t("access.intro")),
      h(
        "form",
        { class: "inline", id: "access-filter", novalidate: true, onsubmit: submit },
        field("party", t("access.party"), state.party, t("access.partyHint")),
        field("from", t("access.from"), state.from ? state.from.split("-").reverse().join("/") : "", t("statement.dateHint")),
        field("to", t("access.to"), state.to ? state.to.split("-").reverse().join("/") : "", t("statement.dateHint")),
        h("button", { type: "submit" }, t("access.filter")),
      ),
      state.error && h("p", { class: "alert", role: "alert" }, errorText(state.error)),
      d && [
        h(
          "p",
          { id: "access-summary", tabindex: "-1" },
          t("access.count", { count: String(d.records.length) }),
          " · ",
          h("span", { id: "access-page" }, t("common.page", { n: state.page + 1 })),
        ),
        table(),
        pager("access", state.page, Boolean(state.cursors[state.page + 1]), (page) => go(page, "access-summary")),
      ],
    );
    if (focusId) document.getElementById(focusId)?.focus();
  }

  await load();
  if (!alive()) return null;
  paint();
  return { paint: () => paint() };
}
