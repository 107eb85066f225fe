// #/work-list: the collection work-list (GET /v1/collection/work-list),
// debtors by stage (furthest first) then amount, with totals, filters
// (stage, payment plan, personal contact, at least an amount) and pages (the API's cursor; earlier cursors kept for
// "previous"). It discloses persons, so it asks for a purpose once per
// visit; opening a debtor's file asks for that file's purpose.

import { h, fill, dataTable, pager } from "./dom.js";
import { t, lang, term, errorText } from "./i18n.js";
import { call } from "./api.js";
import { askPurpose } from "./dialog.js";
import { purposeFor, setPurpose } from "./session.js";
import { date, money, parseMoney } from "./format.js";

const PAGE = 20;
const STAGES = ["notice", "reminder", "formal-notice", "contrainte-eligible", "contrainte-served"];
const PLANS = ["none", "requested", "granted", "refused", "breached"];

export async function mount(ctx) {
  const alive = ctx.current();
  let purpose = purposeFor("work-list");
  if (!purpose) {
    purpose = await askPurpose("purpose.collection");
    if (!alive()) return null;
    if (!purpose) {
      ctx.navigate("#/find");
      return null;
    }
    setPurpose("work-list", purpose);
  }
  const state = { stage: "", plan: "", contact: "", min: "", minError: "", cursors: [null], page: 0, data: null, error: null };

  async function load() {
    const min = state.min.trim() ? parseMoney(state.min, lang()) : "";
    if (min === null) {
      state.minError = t("form.bad.money");
      return;
    }
    state.minError = "";
    try {
      const { body } = await call("GET", "/v1/collection/work-list", {
        purpose,
        query: {
          stage: state.stage,
          plan: state.plan,
          personal_contact: state.contact,
          min_outstanding: min,
          limit: PAGE,
          cursor: state.cursors[state.page],
        },
      });
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

  function table() {
    const d = state.data;
    if (d.debtors.length === 0) return h("p", {}, t("worklist.empty"));
    const yesNo = (v) => t(v ? "common.yes" : "common.no");
    return dataTable({
      id: "worklist-table",
      caption: t("worklist.caption"),
      columns: [
        { label: t("worklist.person") },
        { label: t("worklist.stage") },
        { label: t("worklist.outstanding"), numeric: true },
        { label: t("worklist.formalNotice") },
        { label: t("worklist.plan") },
        { label: t("worklist.contact") },
        { label: t("worklist.contrainte") },
      ],
      rows: d.debtors.map((row) => [
        h("th", { scope: "row" }, h("a", { href: `#/person/${row.party_id}`, class: "communication" }, row.party_id)),
        h("td", {}, term("stage", row.stage)),
        h("td", { class: "num" }, money(row.outstanding, lang())),
        h("td", { class: "nowrap" }, date(row.last_formal_notice) || t("common.none")),
        h("td", {}, row.payment_plan ? term("plan", row.payment_plan) : t("common.none")),
        h("td", {}, yesNo(row.personal_contact)),
        h("td", {}, yesNo(row.contrainte_eligible), row.contrainte_blocked_by && h("span", { class: "explain" }, row.contrainte_blocked_by)),
      ]),
    });
  }

  function paint(focusId) {
    const d = state.data;
    const stage = h(
      "select",
      { id: "worklist-stage", onchange: (e) => (state.stage = e.target.value) },
      h("option", { value: "", selected: state.stage === "" }, t("worklist.allStages")),
      STAGES.map((s) => h("option", { value: s, selected: state.stage === s }, term("stage", s))),
    );
    const choice = (id, key, value, options) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: id }, t(key)),
        h(
          "select",
          { id, onchange: (e) => (state[value] = e.target.value) },
          h("option", { value: "", selected: state[value] === "" }, t("worklist.any")),
          options.map(([v, label]) => h("option", { value: v, selected: state[value] === v }, label)),
        ),
      );
    fill(
      ctx.main,
      h("h1", {}, t("worklist.title")),
      h("p", { class: "muted" }, t("purpose.shown", { purpose })),
      h(
        "form",
        {
          class: "inline",
          id: "worklist-filter",
          onsubmit: (e) => {
            e.preventDefault();
            // What the fields hold now: a field emptied without an input
            // event (cleared by a script, a browser's own clear) counts too.
            const fields = e.target.elements;
            state.stage = fields["worklist-stage"].value;
            state.plan = fields["worklist-plan"].value;
            state.contact = fields["worklist-contact"].value;
            state.min = fields["worklist-min"].value;
            state.cursors = [null];
            go(0, "worklist-totals");
          },
        },
        h("div", { class: "field" }, h("label", { for: "worklist-stage" }, t("worklist.stage")), stage),
        choice("worklist-plan", "worklist.plan", "plan", PLANS.map((p) => [p, term("plan", p)])),
        choice("worklist-contact", "worklist.contact", "contact", [["true", t("common.yes")], ["false", t("common.no")]]),
        h(
          "div",
          { class: "field" },
          h("label", { for: "worklist-min" }, t("worklist.minOutstanding")),
          h("input", {
            id: "worklist-min",
            type: "text",
            inputmode: "decimal",
            size: 10,
            autocomplete: "off",
            value: state.min,
            "aria-invalid": state.minError ? "true" : false,
            "aria-describedby": "worklist-min-error",
            oninput: (e) => (state.min = e.target.value),
          }),
        ),
        h("button", { type: "submit" }, t("worklist.filter")),
      ),
      h("p", { id: "worklist-min-error", class: "field-error", role: "alert" }, state.minError),
      state.error && h("p", { class: "alert", role: "alert" }, errorText(state.error)),
      d && [
        h(
          "p",
          { id: "worklist-totals", tabindex: "-1" },
          t("worklist.totals", { count: d.total, amount: money(d.total_outstanding, lang()) }),
          " · ",
          h("span", { id: "worklist-page" }, t("common.page", { n: state.page + 1 })),
        ),
        table(),
        pager("worklist", state.page, Boolean(state.cursors[state.page + 1]), (page) => go(page, "worklist-totals")),
      ],
    );
    if (focusId) document.getElementById(focusId)?.focus();
  }

  await load();
  if (!alive()) return null;
  paint();
  return { paint: () => paint() };
}
