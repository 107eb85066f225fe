// The file's other staff commands, each a command form (command_form.js)
// folded in a <details> (keyboard: Tab to its title, Enter opens it):
// a change of the person's name, address, bank account or contact details
// (only the fields filled in change), a personal contact (before any
// contrainte), a refund; a payment plan, a waiver of surcharges, a
// dispense of contributions and a benefit (bridging right, maternity aid)
// asked for, then granted (a plan with its instalments, each due date and
// amount) or refused (with the reason and the appeal's body and deadline,
// as the refusal is sent). What stays open survives the file's repaints.

import { h } from "./dom.js";
import { commandForm } from "./command_form.js";
import { t, lang } from "./i18n.js";
import { date, money, sumMoney, todayIso } from "./format.js";

const today = () => date(todayIso());

// The address's parts travel as one object, sent when any part is filled
// in (the API names a missing one); the country is Belgium unless another
// is given, in capitals.
const ADDRESS = ["street", "number", "box", "postal_code", "city", "country"];
function personalBody(body) {
  const out = {};
  const address = {};
  for (const [name, value] of Object.entries(body)) (ADDRESS.includes(name) ? address : out)[name] = value;
  if (ADDRESS.some((name) => address[name] !== undefined)) out.address = { ...address, country: (address.country ?? "BE").toUpperCase() };
  return out;
}

// A refusal's reason and appeal, as the letter states them (the charter's
// reasoned refusal with appeal information).
const REFUSAL_FIELDS = [
  { name: "reason_code", label: "refusal.code", kind: "text", required: true, hint: "refusal.codeHint", attrs: { size: 20 } },
  { name: "reason", label: "refusal.reason", kind: "text", required: true, hint: "refusal.reasonHint", attrs: { size: 50 } },
  { name: "appeal_body", label: "refusal.appealBody", kind: "text", required: true, attrs: { size: 50 } },
  { name: "appeal_deadline", label: "refusal.appealDeadline", kind: "date", required: true, hint: "statement.dateHint", attrs: { inputmode: "numeric", size: 11 } },
];
const QUARTERS_FIELD = { name: "quarters", label: "form.quarters", kind: "quarters", required: true, hint: "form.quartersHint", attrs: { size: 30 } };
const DECISION_FIELD = { name: "decision_ref", label: "decision.ref", kind: "text", required: true, hint: "decision.refHint", attrs: { size: 20 } };
const CLAIM_FIELD = { name: "claim_ref", label: "benefitClaim.ref", kind: "text", required: true, attrs: { size: 20 } };

// A decision on a request: `words` names its word keys (title, confirmText,
// confirm, done); the submit and confirmation titles are the shared ones.
function decision(id, path, words, fields, extra = {}) {
  return {
    id,
    path,
    title: `${words}.title`,
    submit: "decision.submit",
    confirmTitle: "decision.confirmTitle",
    confirmText: () => t(`${words}.confirmText`),
    confirm: () => t(`${words}.confirm`),
    done: (body, shown, status) => (status === 201 ? t(`${words}.done`) : t("form.nothing")),
    fields,
    ...extra,
  };
}

export const ACTIONS = [
  {
    id: "personal",
    path: "personal-data",
    title: "personal.title",
    submit: "personal.submit",
    confirmTitle: "personal.confirmTitle",
    confirmText: () => t("personal.confirmText"),
    confirm: () => t("personal.confirm"),
    done: (body, shown, status) => (status === 201 ? t("personal.done") : t("form.nothing")),
    toBody: personalBody,
    fields: [
      { name: "first_name", label: "personal.firstName", kind: "text", attrs: { size: 30, autocomplete: "off" } },
      { name: "last_name", label: "personal.lastName", kind: "text", attrs: { size: 30, autocomplete: "off" } },
      { name: "street", label: "personal.street", kind: "text", hint: "personal.addressHint", attrs: { size: 30, autocomplete: "off" } },
      { name: "number", label: "personal.number", kind: "text", attrs: { size: 6, autocomplete: "off" } },
      { name: "box", label: "personal.box", kind: "text", attrs: { size: 6, autocomplete: "off" } },
      { name: "postal_code", label: "personal.postalCode", kind: "text", attrs: { size: 6, autocomplete: "off", inputmode: "numeric" } },
      { name: "city", label: "personal.city", kind: "text", attrs: { size: 24, autocomplete: "off" } },
      { name: "country", label: "personal.country", kind: "text", hint: "personal.countryHint", attrs: { size: 3, autocomplete: "off" } },
      { name: "iban", label: "personal.iban", kind: "text", hint: "personal.ibanHint", attrs: { size: 34, autocomplete: "off" } },
      { name: "email", label: "personal.email", kind: "text", attrs: { size: 30, autocomplete: "off", inputmode: "email" } },
      { name: "phone", label: "personal.phone", kind: "text", attrs: { size: 20, autocomplete: "off", inputmode: "tel" } },
    ],
  },
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
  decision(
    "plan-grant",
    "payment-plans/grant",
    "planGrant",
    [
      { name: "plan_ref", label: "planGrant.ref", kind: "text", required: true, hint: "decision.refHint", attrs: { size: 20 } },
      { name: "instalments", label: "planGrant.instalments", kind: "instalments", required: true, hint: "planGrant.instalmentsHint", attrs: { size: 60 } },
    ],
    {
      confirmText: (body) =>
        t("planGrant.confirmText", { n: body.instalments.length, total: money(sumMoney(body.instalments.map((i) => i.amount)), lang()) }),
    },
  ),
  {
    id: "plan-refusal",
    path: "payment-plans/refuse",
    title: "refusal.title",
    submit: "refusal.submit",
    confirmTitle: "refusal.confirmTitle",
    confirmText: () => t("refusal.confirmText"),
    confirm: () => t("refusal.confirm"),
    done: (body, shown, status) => (status === 201 ? t("refusal.done") : t("form.nothing")),
    fields: REFUSAL_FIELDS,
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
  decision("waiver-grant", "waivers/grant", "waiverGrant", [QUARTERS_FIELD, DECISION_FIELD]),
  decision("waiver-refusal", "waivers/refuse", "waiverRefusal", [QUARTERS_FIELD, DECISION_FIELD, ...REFUSAL_FIELDS]),
  {
    id: "dispense",
    path: "dispenses",
    title: "dispense.title",
    submit: "dispense.submit",
    confirmTitle: "dispense.confirmTitle",
    confirmText: () => t("dispense.confirmText"),
    confirm: () => t("dispense.confirm"),
    done: (body, shown, status) => (status === 201 ? t("dispense.done") : t("form.nothing")),
    fields: [QUARTERS_FIELD],
  },
  decision("dispense-grant", "dispenses/grant", "dispenseGrant", [QUARTERS_FIELD, DECISION_FIELD]),
  decision("dispense-refusal", "dispenses/refuse", "dispenseRefusal", [QUARTERS_FIELD, DECISION_FIELD, ...REFUSAL_FIELDS]),
  decision("benefit-claim", "benefits", "benefitClaim", [
    { name: "kind", label: "benefitClaim.kind", kind: "select", options: [["bridging_right", "benefit.bridging-right"], ["maternity_aid", "benefit.maternity-aid"]] },
    {
      name: "ground",
      label: "benefitClaim.ground",
      kind: "select",
      options: [
        ["bankruptcy", "ground.bankruptcy"],
        ["collective_debt_settlement", "ground.collective-debt-settlement"],
        ["forced_interruption", "ground.forced-interruption"],
        ["economic_difficulties", "ground.economic-difficulties"],
        ["not_applicable", "ground.not-applicable"],
      ],
    },
    { name: "event_date", label: "benefitClaim.eventDate", kind: "date", hint: "benefitClaim.eventHint", attrs: { inputmode: "numeric", size: 11 } },
    CLAIM_FIELD,
  ]),
  decision("benefit-grant", "benefits/grant", "benefitGrant", [
    CLAIM_FIELD,
    { name: "start", label: "benefitGrant.start", kind: "date", required: true, hint: "statement.dateHint", attrs: { inputmode: "numeric", size: 11 } },
    { name: "family_charge", label: "benefitGrant.familyCharge", kind: "checkbox" },
    { name: "monthly_amount", label: "benefitGrant.monthly", kind: "money", hint: "benefitGrant.monthlyHint", attrs: { inputmode: "decimal", size: 12 } },
  ]),
  decision("benefit-refusal", "benefits/refuse", "benefitRefusal", [CLAIM_FIELD, ...REFUSAL_FIELDS]),
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
