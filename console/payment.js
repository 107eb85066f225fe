// "Record a payment" on a person's file (POST /v1/persons/{id}/payments):
// a command form (command_form.js) whose communication field offers the
// open notices' structured communications.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { commandForm } from "./command_form.js";
import { date, todayIso } from "./format.js";

export const PAYMENT = {
  id: "payment",
  path: "payments",
  title: "payment.title",
  submit: "payment.submit",
  confirmTitle: "payment.confirmTitle",
  confirmText: (body, amount) => t("payment.confirmText", { amount }),
  confirm: (body, amount) => t("payment.confirm", { amount }),
  done: (body, amount, status) => (status === 201 ? t("payment.done", { amount }) : t("payment.nothing")),
  fixed: { channel: "manual" },
  focusAfter: "debt-title", // the debt it paid
  fields: [
    { name: "amount", label: "payment.amount", kind: "money", required: true, hint: "payment.amountHint", attrs: { inputmode: "decimal", size: 14 } },
    { name: "value_date", label: "payment.valueDate", kind: "date", required: true, hint: "statement.dateHint", attrs: { inputmode: "numeric", size: 11 }, initial: () => date(todayIso()) },
    { name: "bank_ref", label: "payment.bankRef", kind: "text", required: true, attrs: { size: 30 } },
    { name: "communication", label: "payment.communication", kind: "text", attrs: { size: 24 } },
  ],
};

export function paymentSection(partyId, onRecorded, announce) {
  const form = commandForm(PAYMENT, partyId, onRecorded, announce);
  return {
    paint: () => h("section", { id: "payment-section", "aria-labelledby": "payment-title", class: "no-print" }, form.paint()),
    setCommunications: (list) => form.suggest("communication", list),
    onRepaint: (callback) => form.onRepaint(callback),
  };
}
