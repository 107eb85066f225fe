// The account statement section of a person's file: a period (from, to),
// optionally as the fund knew it on a date (?at=: only what was decided by
// then), pages of lines in date order (the API's cursor; earlier pages'
// cursors kept for "previous"), each line explained — an allocation with
// what it paid of which debt, and what it left as credit — a print button
// that prints this section alone (console.css, @media print), and the
// period's lines as a CSV file for a spreadsheet (Accept: text/csv).

import { h, dataTable, pager } from "./dom.js";
import { t, lang, term, errorText } from "./i18n.js";
import { call, download } from "./api.js";
import { date, money, parseDate } from "./format.js";

const PAGE = 25;

export function statementSection(partyId, purpose, onChange) {
  const state = {
    from: "", // what the user typed, dd/mm/yyyy
    to: "",
    at: "", // as of (empty: now)
    error: "",
    cursors: [null], // cursors[i] opens page i
    page: 0,
    data: null,
    loadError: null,
  };

  // The typed period and as-of date as the API reads them, or null (and
  // state.error) when one is not a date.
  function period() {
    const from = state.from ? parseDate(state.from) : "";
    const to = state.to ? parseDate(state.to) : "";
    const at = state.at ? parseDate(state.at) : "";
    const ok = from !== null && to !== null && at !== null;
    state.error = ok ? "" : t("statement.badDate");
    return ok ? { from, to, at } : null;
  }

  async function load(minOffset) {
    const dates = period();
    if (!dates) return;
    try {
      const { body } = await call("GET", `/v1/persons/${partyId}/statement`, {
        purpose,
        query: { ...dates, limit: PAGE, cursor: state.cursors[state.page], min_offset: minOffset },
      });
      state.data = body;
      state.loadError = null;
      state.cursors[state.page + 1] = body.next_cursor || undefined;
    } catch (e) {
      state.loadError = e;
    }
  }

  async function go(page) {
    state.page = page;
    await load();
    onChange("statement-pager");
  }

  function explanation(line) {
    const key = `explain.${line.kind}`;
    const words = t(key);
    return words === key ? line.rule : words;
  }

  // "2025-Q4 cotisation 871,71 € · 2025-Q4 frais de gestion 34,43 €", and what stayed as credit.
  function allocation(line) {
    if (!line.allocation || line.allocation.length === 0) return null;
    const parts = line.allocation.map((a) => `${a.debt} ${term("component", a.component)} ${money(a.amount, lang())}`);
    if (line.left_as_credit && line.left_as_credit !== "0.00") {
      parts.push(t("statement.leftAsCredit", { amount: money(line.left_as_credit, lang()) }));
    }
    return h("span", { class: "explain allocation" }, parts.join(" · "));
  }

  function lineCells(line) {
    const what = [term("kind", line.kind) || line.kind, line.debt ? ` ${line.debt}` : ""].join("");
    return [
      h("td", { class: "nowrap" }, date(line.date)),
      h(
        "td",
        {},
        what,
        line.reference && h("span", { class: "explain" }, line.reference),
        // The rule in the page's language (the API gives it in English).
        line.rule && h("span", { class: "explain" }, explanation(line)),
        allocation(line),
      ),
      h("td", { class: "communication" }, line.communication || ""),
      h("td", { class: "num" }, line.debit && line.debit !== "0.00" ? money(line.debit, lang()) : ""),
      h("td", { class: "num" }, line.credit && line.credit !== "0.00" ? money(line.credit, lang()) : ""),
      h("td", { class: "num" }, money(line.balance, lang())),
    ];
  }

  function paint() {
    const d = state.data;
    const dateField = (name, key) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: `statement-${name}` }, t(key)),
        h("input", {
          id: `statement-${name}`,
          name,
          type: "text",
          inputmode: "numeric",
          autocomplete: "off",
          size: 11,
          placeholder: t("statement.dateHint"),
          value: state[name],
          "aria-describedby": "statement-date-error",
          oninput: (e) => (state[name] = e.target.value),
        }),
      );
    const hasNext = Boolean(state.cursors[state.page + 1]);
    return h(
      "section",
      { id: "statement-section", "aria-labelledby": "statement-title" },
      h("h2", { id: "statement-title" }, t("statement.title")),
      h(
        "form",
        {
          class: "inline",
          id: "statement-period",
          novalidate: true,
          onsubmit: async (e) => {
            e.preventDefault();
            state.from = e.target.elements.from.value;
            state.to = e.target.elements.to.value;
            state.at = e.target.elements.at.value;
            state.cursors = [null];
            state.page = 0;
            await load();
            onChange(state.error ? "statement-from" : "statement-title");
          },
        },
        dateField("from", "statement.from"),
        dateField("to", "statement.to"),
        dateField("at", "statement.at"),
        h("button", { type: "submit" }, t("statement.show")),
        h(
          "button",
          {
            type: "button",
            id: "statement-csv",
            onclick: async () => {
              const dates = period();
              if (!dates) {
                onChange("statement-from");
                return;
              }
              try {
                await download(`/v1/persons/${partyId}/statement`, { purpose, accept: "text/csv", query: dates, language: lang() });
              } catch (e) {
                if (e.status === 401) return;
                state.loadError = e;
                onChange("statement-title");
              }
            },
          },
          t("statement.csv"),
        ),
        h(
          "button",
          {
            type: "button",
            id: "statement-print",
            onclick: () => {
              document.body.dataset.print = "statement";
              window.print();
              delete document.body.dataset.print;
            },
          },
          t("statement.print"),
        ),
      ),
      h("p", { id: "statement-date-error", class: "field-error", role: "alert" }, state.error),
      state.loadError && h("p", { class: "alert" }, errorText(state.loadError)),
      d && [
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, t("statement.opening")),
          h("dd", {}, money(d.opening_balance, lang())),
          h("dt", {}, t("statement.closing")),
          h("dd", { id: "statement-closing" }, money(d.closing_balance, lang())),
        ),
        d.as_of?.at && h("p", { id: "statement-as-of", class: "lead-note" }, t("statement.asOf", { date: date(d.as_of.at) })),
        h("p", { class: "muted" }, t("statement.count", { n: d.line_count }), " · ", t("common.page", { n: state.page + 1 })),
        d.lines.length === 0
          ? h("p", {}, t("statement.empty"))
          : dataTable({
              id: "statement-table",
              caption: t("statement.caption"),
              columns: [
                { label: t("statement.date") },
                { label: t("statement.line") },
                { label: t("debt.communication") },
                { label: t("statement.debit"), numeric: true },
                { label: t("statement.credit"), numeric: true },
                { label: t("statement.balance"), numeric: true },
              ],
              rows: d.lines.map((line) => lineCells(line)),
            }),
        pager("statement", state.page, hasNext, go, { id: "statement-pager" }),
      ],
    );
  }

  return {
    paint,
    // The first page again (after a payment: `minOffset` reads that write).
    async reload(minOffset) {
      state.cursors = [null];
      state.page = 0;
      await load(minOffset);
    },
  };
}
