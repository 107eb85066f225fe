// #/suspense: the bank lines nobody could be matched to (GET /v1/suspense),
// with why, and matching one to its payer (POST /v1/suspense/match), then
// a link to the payer's file to watch it book. The list discloses payers'
// names and accounts, so it asks for a purpose once per visit. The payer
// is named by PartyId, NISS (looked up with POST /v1/persons/lookup, never
// in a URL) or company number; the match is confirmed with its amount
// first and sent with an Idempotency-Key (a double click matches once).

import { h, fill, dataTable, pager, focusOn } from "./dom.js";
import { t, lang, term, errorText } from "./i18n.js";
import { call, newIdempotencyKey } from "./api.js";
import { askPurpose, confirmAction } from "./dialog.js";
import { noteWrite, purposeFor, setPurpose } from "./session.js";
import { communication, date, money, parseNiss } from "./format.js";

const PAGE = 20;

export async function mount(ctx) {
  const alive = ctx.current();
  let purpose = purposeFor("suspense");
  if (!purpose) {
    purpose = await askPurpose("purpose.suspense");
    if (!alive()) return null;
    if (!purpose) {
      ctx.navigate("#/find");
      return null;
    }
    setPurpose("suspense", purpose);
  }
  const state = {
    cursors: [null],
    page: 0,
    data: null,
    error: null,
    item: null, // the item being matched
    payer: "",
    payerError: "",
    booked: null, // {hash, label}: the payer's file after a match
  };

  async function load() {
    try {
      const { body } = await call("GET", "/v1/suspense", { purpose, query: { limit: PAGE, cursor: state.cursors[state.page] } });
      state.data = body;
      state.error = null;
      state.cursors[state.page + 1] = body.next_cursor || undefined;
    } catch (e) {
      state.error = e;
    }
  }

  async function go(page, focusId) {
    state.page = page;
    await load();
    if (alive()) paint(focusId);
  }

  // "P…" -> {party_id}, 11 digits -> {party_id} by lookup, 10 digits -> {company_number}.
  async function payerOf(text) {
    const value = text.trim();
    if (/^p[0-9a-f]{32}$/i.test(value)) return { party_id: `P${value.slice(1).toLowerCase()}` };
    const niss = parseNiss(value);
    if (niss) {
      const { body } = await call("POST", "/v1/persons/lookup", { body: { niss }, purpose });
      return { party_id: body.party_id };
    }
    const company = value.replace(/[\s.]/g, "");
    if (/^\d{10}$/.test(company)) return { company_number: company };
    return null;
  }

  async function submitMatch(event) {
    event.preventDefault();
    state.payer = event.target.elements.payer.value;
    const item = state.item;
    let payer;
    try {
      payer = await payerOf(state.payer);
    } catch (e) {
      if (e.status === 401) return;
      state.payerError = e.status === 404 ? t("find.notfound") : errorText(e);
      return paint("suspense-payer");
    }
    if (!payer) {
      state.payerError = t("suspense.payerFormat");
      return paint("suspense-payer");
    }
    state.payerError = "";
    const shown = money(item.amount, lang());
    const who = payer.party_id ?? payer.company_number;
    const key = newIdempotencyKey();
    try {
      const result = await confirmAction(
        t("suspense.confirmTitle"),
        t("suspense.confirmText", { amount: shown }),
        [
          [t("suspense.amount"), shown],
          [t("suspense.valueDate"), date(item.value_date)],
          [t("suspense.bankRef"), item.bank_ref],
          [t("suspense.payer"), who],
        ],
        t("suspense.confirm", { amount: shown }),
        () => call("POST", "/v1/suspense/match", { body: { bank_ref: item.bank_ref, ...payer }, idempotencyKey: key }),
      );
      if (!result) return paint("suspense-payer");
      ctx.announce(t("suspense.done", { amount: shown, payer: who }));
      state.booked = payer.party_id ? { hash: `#/person/${payer.party_id}`, label: payer.party_id } : null;
      if (payer.party_id) noteWrite(payer.party_id, result.body.min_offset);
      state.item = null;
      state.payer = "";
      state.cursors = [null];
      await go(0, "suspense-booked");
    } catch (e) {
      if (e.status === 401) return;
      state.payerError = errorText(e);
      paint("suspense-payer");
    }
  }

  function matchForm() {
    const item = state.item;
    return h(
      "section",
      { id: "suspense-match", "aria-labelledby": "suspense-match-title" },
      h("h2", { id: "suspense-match-title" }, t("suspense.matchTitle", { ref: item.bank_ref })),
      h(
        "form",
        { id: "suspense-match-form", novalidate: true, onsubmit: submitMatch },
        h(
          "div",
          { class: "field" },
          h("label", { for: "suspense-payer" }, t("suspense.payer")),
          h("input", {
            id: "suspense-payer",
            name: "payer",
            type: "text",
            autocomplete: "off",
            value: state.payer,
            "aria-invalid": state.payerError ? "true" : false,
            "aria-describedby": "suspense-payer-hint suspense-payer-error",
          }),
          h("p", { id: "suspense-payer-hint", class: "hint" }, t("suspense.payerHint")),
          h("p", { id: "suspense-payer-error", class: "field-error" }, state.payerError),
        ),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "submit", class: "primary", id: "suspense-check" }, t("suspense.check")),
          h("button", { type: "button", onclick: () => ((state.item = null), paint("suspense-title")) }, t("common.cancel")),
        ),
      ),
    );
  }

  function table() {
    const d = state.data;
    if (d.items.length === 0) return h("p", { id: "suspense-empty" }, t("suspense.empty"));
    return dataTable({
      id: "suspense-table",
      caption: t("suspense.caption"),
      columns: [
        { label: t("suspense.bankRef") },
        { label: t("suspense.valueDate") },
        { label: t("suspense.amount"), numeric: true },
        { label: t("suspense.communication") },
        { label: t("suspense.counterparty") },
        { label: t("suspense.reason") },
        { label: t("suspense.action"), hidden: true },
      ],
      rows: d.items.map((item) => [
        h("th", { scope: "row", class: "ref" }, item.bank_ref),
        h("td", { class: "nowrap" }, date(item.value_date)),
        h("td", { class: "num" }, money(item.amount, lang())),
        h(
          "td",
          {},
          item.structured_communication ? h("span", { class: "communication" }, communication(item.structured_communication)) : null,
          item.free_communication &&
            item.free_communication !== communication(item.structured_communication) &&
            h("span", { class: "explain" }, item.free_communication),
          !item.structured_communication && !item.free_communication && t("common.none"),
        ),
        h("td", {}, item.counterparty_name, item.counterparty_iban && h("span", { class: "explain" }, item.counterparty_iban)),
        h("td", {}, term("reason", item.reason), item.refusal && h("span", { class: "explain" }, item.refusal)),
        h(
          "td",
          {},
          h(
            "button",
            {
              type: "button",
              class: "match",
              "aria-label": t("suspense.matchLabel", { amount: money(item.amount, lang()), ref: item.bank_ref }),
              onclick: () => {
                state.item = item;
                state.payerError = "";
                paint("suspense-payer");
              },
            },
            t("suspense.match"),
          ),
        ),
      ]),
    });
  }

  function paint(focusId) {
    const d = state.data;
    fill(
      ctx.main,
      h("h1", { id: "suspense-title" }, t("suspense.title")),
      h("p", { class: "muted" }, t("purpose.shown", { purpose })),
      state.booked &&
        h("p", { id: "suspense-booked", tabindex: "-1" }, t("suspense.booked"), " ", h("a", { href: state.booked.hash }, state.booked.label)),
      state.error && h("p", { class: "alert", role: "alert" }, errorText(state.error)),
      d && [
        h("p", { id: "suspense-totals" }, t("suspense.totals", { count: d.count, amount: money(d.total, lang()) })),
        table(),
        pager("suspense", state.page, Boolean(state.cursors[state.page + 1]), (page) => go(page, "suspense-totals")),
      ],
      state.item && matchForm(),
    );
    focusOn(focusId);
  }

  await load();
  if (!alive()) return null;
  paint();
  return { paint: () => paint() };
}
