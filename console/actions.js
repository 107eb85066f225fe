// The file's other staff commands, each a command form (command_form.js)
// folded in a <details> (keyboard: Tab to its title, Enter opens it):
// a personal contact (before any contrainte), a refund, a payment plan
// asked for or refused (with the reason and the appeal's body and
// deadline, as the refusal is sent), a waiver of surcharges and a
// dispense of contributions asked for. What stays open survives the
// file's repaints.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { commandForm } from "./command_form.js";
import { date, todayIso } from "./format.js";

const today = () => date(todayIso());

export const ACTIONS = [
  {
    id: "contact",
    path: "personal-contacts",
    title: "contact.title",
    submit: "contact.submit",
    confirmTitle: "contact.confirmTitle",
    confirmText: () => t("contact.confirmText"),
    confirm: () => t("contact.confirm"),
    done: (body, shown, status) => (status === 201 ? t("contact.done") : t("form.nothing")),
    fields: [
      { name: "on", label: "contact.on", kind: "date", required: true, hint: "statement.dateHint", attrs: { inputmode: "numeric", size: 11 }, initial: today },
      {
        name: "channel",
        label: "contact.channel",
        kind: "select",
        options: [["phone", "contact.phone"], ["visit", "contact.visit"], ["meeting", "contact.meeting"], ["email", "contact.email"], ["letter", "contact.letter"]],
      },
      { name: "reached", label: "contact.reached", kind: "checkbox", initial: () => true },
      { name: "notes_ref", label: "contact.notesRef", kind: "text", hint: "contact.notesHint", attrs: { size: 30 } },
    ],
  },
  {
    id: "refund",
    path: "refunds",
    title: "refund.title",
    submit: "refund.submit",
    confirmTitle: "refund.confirmTitle",
    confirmText: (body, amount) => t("refund.confirmText", { amount }),
    confirm: (body, amount) => t("refund.confirm", { amount }),
    done: (body, amount, status) => (status === 201 ? t("refund.done", { amount }) : t("form.nothing")),
    fields: [
      { name: "amount", label: "refund.amount", kind: "money", required: true, hint: "payment.amountHint", attrs: { inputmode: "decimal", size: 14 } },
      {
        name: "reason",
        label: "refund.reason",
        kind: "select",
        options: [["overpayment", "refund.overpayment"], ["regularisation", "refund.regularisation"], ["on_request", "refund.onRequest"], ["suspense_returned", "refund.suspenseReturned"]],
      },
      { name: "refund_ref", label: "refund.ref", kind: "text", required: true, attrs: { size: 30 } },
      { name: "iban", label: "refund.iban", kind: "text", hint: "refund.ibanHint", attrs: { size: 34 } },
    ],
  },
  {
    id: "plan",
    path: "payment-plans",
    title: "plan.title",
    submit: "plan.submit",
    confirmTitle: "plan.confirmTitle",
    confirmText: (body) => t("plan.confirmText", { n: body.instalments }),
    confirm: () => t("plan.confirm"),
    done: (body, shown, status) => (status === 201 ? t("plan.done") : t("form.nothing")),
    fields: [
      { name: "quarters", label: "form.quarters", kind: "quarters", required: true, hint: "form.quartersHint", attrs: { size: 30 } },
      { name: "instalments", label: "plan.instalments", kind: "count", required: true, attrs: { inputmode: "numeric", size: 4 } },
    ],
  },
  {
    id: "plan-refusal",
    path: "payment-plans/refuse",
    title: "refusal.title",
    submit: "refusal.submit",
    confirmTitle: "refusal.confirmTitle",
    confirmText: () => t("refusal.confirmText"),
    confirm: () => t("refusal.confirm"),
    done: (body, shown, status) => (status === 201 ? t("refusal.done") : t("form.nothing")),
    fields: [
      { name: "reason_code", label: "refusal.code", kind: "text", required: true, hint: "refusal.codeHint", attrs: { size: 20 } },
      { name: "reason", label: "refusal.reason", kind: "text", required: true, hint: "refusal.reasonHint", attrs: { size: 50 } },
      { name: "appeal_body", label: "refusal.appealBody", kind: "text", required: true, attrs: { size: 50 } },
      { name: "appeal_deadline", label: "refusal.appealDeadline", kind: "date", required: true, hint: "statement.dateHint", attrs: { inputmode: "numeric", size: 11 } },
    ],
  },
  {
    id: "waiver",
    path: "waivers",
    title: "waiver.title",
    submit: "waiver.submit",
    confirmTitle: "waiver.confirmTitle",
    confirmText: () => t("waiver.confirmText"),
    confirm: () => t("waiver.confirm"),
    done: (body, shown, status) => (status === 201 ? t("waiver.done") : t("form.nothing")),
    fields: [
      { name: "quarters", label: "form.quarters", kind: "quarters", required: true, hint: "form.quartersHint", attrs: { size: 30 } },
      {
        name: "ground",
        label: "waiver.ground",
        kind: "select",
        options: [["good_faith", "waiver.goodFaith"], ["force_majeure", "waiver.forceMajeure"], ["other_deserving", "waiver.otherDeserving"]],
      },
    ],
  },
  {
    id: "dispense",
    path: "dispenses",
    title: "dispense.title",
    submit: "dispense.submit",
    confirmTitle: "dispense.confirmTitle",
    confirmText: () => t("dispense.confirmText"),
    confirm: () => t("dispense.confirm"),
    done: (body, shown, status) => (status === 201 ? t("dispense.done") : t("form.nothing")),
    fields: [{ name: "quarters", label: "form.quarters", kind: "quarters", required: true, hint: "form.quartersHint", attrs: { size: 30 } }],
  },
];

export function actionsSection(partyId, onWritten, announce, repaint) {
  const open = new Set();
  const forms = ACTIONS.map((spec) => {
    const form = commandForm(spec, partyId, onWritten, announce);
    form.onRepaint(repaint);
    return { spec, form };
  });
  return {
    paint: () =>
      h(
        "section",
        { id: "actions-section", "aria-labelledby": "actions-title", class: "no-print" },
        h("h2", { id: "actions-title" }, t("actions.title")),
        forms.map(({ spec, form }) =>
          h(
            "details",
            {
              id: `${spec.id}-details`,
              open: open.has(spec.id),
              ontoggle: (e) => (e.target.open ? open.add(spec.id) : open.delete(spec.id)),
            },
            h("summary", { id: `${spec.id}-title` }, t(spec.title)),
            h("div", { class: "details-body" }, form.paint({ title: false })),
          ),
        ),
      ),
  };
}
