// "Record a payment" on a person's file (POST /v1/persons/{id}/payments).
//
// The form checks what it can read (amount, date, reference), then a
// confirmation names the amount before anything is written. The request
// carries an Idempotency-Key made when the confirmation opens: the
// confirm button works once, and a retry of the same submission (a
// double click, a network error) writes once. An API 4xx is shown next to
// the field it names ("field"), else above the form.

import { h } from "./dom.js";
import { t, lang, errorText } from "./i18n.js";
import { call, newIdempotencyKey } from "./api.js";
import { confirmAction } from "./dialog.js";
import { date, money, parseDate, parseMoney, todayIso } from "./format.js";

const FIELDS = ["amount", "value_date", "bank_ref", "communication"];

export function paymentSection(partyId, onRecorded, announce) {
  const state = {
    values: { amount: "", value_date: date(todayIso()), bank_ref: "", communication: "" },
    errors: {}, // field -> message
    formError: "",
    communications: [], // the open notices' communications, offered as suggestions
  };

  function fieldNode(name, label, attrs, hint) {
    const id = `payment-${name.replace("_", "-")}`;
    const error = state.errors[name] || "";
    const described = [hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(" ");
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, label),
      h("input", {
        id,
        name,
        type: "text",
        autocomplete: "off",
        value: state.values[name],
        "aria-invalid": error ? "true" : false,
        "aria-describedby": described,
        oninput: (e) => (state.values[name] = e.target.value),
        ...attrs,
      }),
      hint && h("p", { id: `${id}-hint`, class: "hint" }, hint),
      h("p", { id: `${id}-error`, class: "field-error" }, error),
    );
  }

  function check() {
    const errors = {};
    const amount = parseMoney(state.values.amount, lang());
    if (!state.values.amount.trim()) errors.amount = t("payment.required");
    else if (amount === null) errors.amount = t("payment.badAmount");
    const valueDate = parseDate(state.values.value_date);
    if (!valueDate) errors.value_date = t("payment.badDate");
    const bankRef = state.values.bank_ref.trim();
    if (!bankRef) errors.bank_ref = t("payment.required");
    state.errors = errors;
    state.formError = "";
    if (Object.keys(errors).length) return null;
    const body = { amount, value_date: valueDate, bank_ref: bankRef, channel: "manual" };
    const communication = state.values.communication.trim();
    if (communication) body.communication = communication;
    return body;
  }

  // Repaints the file and moves focus to `id`.
  let repaint = () => {};

  async function submit(event) {
    event.preventDefault();
    // What the fields hold now (typed, pasted, autofilled or cleared).
    for (const name of FIELDS) state.values[name] = event.target.elements[name].value;
    const body = check();
    if (!body) {
      repaint(`payment-${Object.keys(state.errors)[0].replace("_", "-")}`);
      return;
    }
    const key = newIdempotencyKey();
    const shown = money(body.amount, lang());
    const rows = [
      [t("payment.amount"), shown],
      [t("payment.valueDate"), date(body.value_date)],
      [t("payment.bankRef"), body.bank_ref],
    ];
    if (body.communication) rows.push([t("debt.communication"), body.communication]);
    try {
      const result = await confirmAction(
        t("payment.confirmTitle"),
        t("payment.confirmText", { amount: shown }),
        rows,
        t("payment.confirm", { amount: shown }),
        () => call("POST", `/v1/persons/${partyId}/payments`, { body, idempotencyKey: key }),
      );
      if (!result) {
        repaint("payment-submit");
        return;
      }
      state.values = { amount: "", value_date: date(todayIso()), bank_ref: "", communication: "" };
      announce(result.status === 201 ? t("payment.done", { amount: shown }) : t("payment.nothing"));
      await onRecorded(result.body.min_offset);
    } catch (e) {
      if (e.status === 401) return;
      const field = FIELDS.includes(e.field) ? e.field : null;
      if (field) state.errors = { [field]: errorText(e) };
      else state.formError = errorText(e);
      repaint(field ? `payment-${field.replace("_", "-")}` : "payment-form-error");
    }
  }

  function paint() {
    return h(
      "section",
      { id: "payment-section", "aria-labelledby": "payment-title", class: "no-print" },
      h("h2", { id: "payment-title" }, t("payment.title")),
      h("p", { id: "payment-form-error", class: "form-error", role: "alert", tabindex: "-1" }, state.formError),
      h(
        "form",
        { id: "payment-form", novalidate: true, onsubmit: submit },
        fieldNode("amount", t("payment.amount"), { inputmode: "decimal", size: 14 }, t("payment.amountHint")),
        fieldNode("value_date", t("payment.valueDate"), { inputmode: "numeric", size: 11 }, t("statement.dateHint")),
        fieldNode("bank_ref", t("payment.bankRef"), { size: 30 }),
        fieldNode("communication", t("payment.communication"), { size: 24, list: "payment-communications" }),
        h("datalist", { id: "payment-communications" }, state.communications.map((c) => h("option", { value: c }))),
        h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "payment-submit" }, t("payment.submit"))),
      ),
    );
  }

  return {
    paint,
    setCommunications(list) {
      state.communications = list;
    },
    onRepaint(callback) {
      repaint = callback;
    },
  };
}
