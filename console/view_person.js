// #/person/<PartyId>: a person's file. The purpose is asked once per
// opened file (session.js keeps it for this tab's life); every read
// carries it, so each is in the access log. Sections: identity
// (/identity, staff only: name, NISS, member number, address, decrypted by
// kassad and never cached) and status (GET /v1/persons/{id}), debt per
// quarter with each notice's structured communication and due date
// (/debt), the payment form (payment.js, staff), the other staff commands
// (actions.js: contact, refund, plan, refusal, waiver, dispense), the
// requests and decisions with each refusal's appeal (/requests), the
// account statement (statement.js), the career (/career), the tax certificate
// (/tax-certificate), and for auditors the events with their lineage
// (/events).

import { h, fill, dataTable, pager, focusOn } from "./dom.js";
import { t, lang, term, errorText } from "./i18n.js";
import { call } from "./api.js";
import { askPurpose } from "./dialog.js";
import { purposeFor, setPurpose, takeWrite, who } from "./session.js";
import { date, money, formatNiss } from "./format.js";
import { statementSection } from "./statement.js";
import { paymentSection } from "./payment.js";
import { actionsSection } from "./actions.js";

export async function mount(ctx, partyId) {
  const alive = ctx.current();
  let purpose = purposeFor(partyId);
  if (!purpose) {
    purpose = await askPurpose();
    if (!alive()) return null;
    if (!purpose) {
      ctx.navigate("#/find");
      return null;
    }
    setPurpose(partyId, purpose);
  }
  const auditor = who()?.role === "auditor";
  const state = { summary: null, identity: null, debt: null, career: null, tax: null, requests: null, error: null, showSettled: false, events: null, eventPages: [0] };
  const statement = statementSection(partyId, purpose, (focusId) => paint(focusId));
  const payment = paymentSection(partyId, afterWrite, ctx.announce);
  payment.onRepaint((focusId) => paint(focusId));
  const actions = actionsSection(partyId, afterWrite, ctx.announce, (focusId) => paint(focusId));

  async function load(minOffset) {
    const read = (path) => call("GET", `/v1/persons/${partyId}${path}`, { purpose, query: { min_offset: minOffset } });
    try {
      const [summary, identity, debt, career, tax, requests] = await Promise.all([
        read(""),
        auditor ? { body: null } : read("/identity"), // staff only: names in clear
        read("/debt"),
        read("/career"),
        read("/tax-certificate"),
        read("/requests"),
        statement.reload(minOffset),
        auditor && loadEvents(0),
      ]);
      state.summary = summary.body;
      state.identity = identity.body;
      state.debt = debt.body;
      state.career = career.body;
      state.tax = tax.body;
      state.requests = requests.body;
      state.error = null;
      const open = (state.debt.lines || []).filter((l) => l.communication && l.outstanding !== "0.00");
      payment.setCommunications(open.map((l) => l.communication));
    } catch (e) {
      state.error = e;
    }
  }

  // The auditor's events with their lineage, a page at a time (?after=).
  async function loadEvents(page) {
    const { body } = await call("GET", `/v1/persons/${partyId}/events`, { purpose, query: { after: state.eventPages[page], limit: 50 } });
    state.events = { page, items: body.events };
    state.eventPages[page + 1] = body.next_after ?? undefined;
  }

  async function eventsPage(page) {
    try {
      await loadEvents(page);
    } catch (e) {
      state.error = e;
    }
    if (alive()) paint("events-title");
  }

  function events() {
    const items = state.events?.items || [];
    // The end of a UUIDv7 (its random part: the start is the time, alike
    // for every event of a day); the whole id in the cell's title.
    const short = (id) => (id ? "…" + id.slice(-8) : t("common.none"));
    const page = state.events?.page ?? 0;
    return h(
      "section",
      { id: "events-section", "aria-labelledby": "events-title" },
      h("h2", { id: "events-title", tabindex: "-1" }, t("events.title")),
      h("p", { class: "muted" }, t("events.intro")),
      dataTable({
        id: "events-table",
        caption: t("events.caption", { n: page + 1 }),
        columns: [
          { label: t("events.sequence"), numeric: true },
          { label: t("events.type") },
          { label: t("events.recorded") },
          { label: t("events.effective") },
          { label: t("events.actor") },
          { label: t("events.causation") },
          { label: t("events.correlation") },
          { label: t("events.id") },
        ],
        rows: items.map((e) => [
          h("th", { scope: "row", class: "num" }, String(e.sequence)),
          h("td", {}, e.type),
          h("td", { class: "nowrap" }, date(e.recorded_at.slice(0, 10))),
          h("td", { class: "nowrap" }, e.effective_quarter || (e.effective_date ? date(e.effective_date) : t("common.none"))),
          h("td", {}, e.actor || t("common.none")),
          h("td", { class: "communication", title: e.causation_id || "" }, short(e.causation_id)),
          h("td", { class: "communication", title: e.correlation_id || "" }, short(e.correlation_id)),
          h("td", { class: "communication", title: e.event_id }, short(e.event_id)),
        ]),
      }),
      pager("events", page, state.eventPages[page + 1] !== undefined, eventsPage),
    );
  }

  async function afterWrite(minOffset, focusId = "debt-title") {
    await load(minOffset);
    if (alive()) paint(focusId);
  }

  function fullName() {
    const id = state.identity;
    return id && !id.personal_data_erased ? [id.first_name, id.last_name].filter(Boolean).join(" ") : null;
  }

  function address(a) {
    if (!a) return null;
    const street = [a.street, a.number].filter(Boolean).join(" ") + (a.box ? ` ${t("identity.box")} ${a.box}` : "");
    return [street, [a.postal_code, a.city].filter(Boolean).join(" "), a.country].filter(Boolean).join(", ");
  }

  function identity() {
    const s = state.summary;
    const id = state.identity;
    const debt = state.debt;
    const fact = (key, value, id) => [h("dt", {}, t(key)), h("dd", { id }, value ?? t("common.none"))];
    const personal = id && !id.personal_data_erased;
    return h(
      "section",
      { id: "identity-section", "aria-labelledby": "identity-title" },
      h("h2", { id: "identity-title" }, t("person.identity")),
      h(
        "dl",
        { class: "facts" },
        personal && fact("identity.name", fullName(), "identity-name"),
        personal && fact("identity.niss", id.niss && formatNiss(id.niss), "identity-niss"),
        id && fact("identity.memberNumber", id.member_number == null ? null : String(id.member_number), "identity-member"),
        personal && fact("identity.birthDate", id.birth_date && date(id.birth_date)),
        personal && fact("identity.address", address(id.address), "identity-address"),
        personal && id.email && fact("identity.email", id.email),
        personal && id.phone && fact("identity.phone", id.phone, "identity-phone"),
        personal && fact("identity.iban", id.iban, "identity-iban"),
        fact("person.partyId", partyId),
        fact("person.status", term("status", s.status), "person-status"),
        fact("person.category", term("category", s.category), "person-category"),
        fact("person.start", s.start_quarter),
        fact("person.end", s.end_quarter),
        fact("person.stage", term("stage", s.collection_stage), "person-stage"),
        fact("person.outstanding", money(s.outstanding, lang()), "person-outstanding"),
        fact("person.credit", money(s.credit, lang())),
        fact("person.balance", money(s.balance, lang()), "person-balance"),
        fact("worklist.plan", term("plan", debt.payment_plan?.state ?? "none"), "person-plan"),
        fact("worklist.contact", t(debt.personal_contact ? "common.yes" : "common.no"), "person-contact"),
        fact("worklist.formalNotice", debt.last_formal_notice ? date(debt.last_formal_notice) : null),
        s.personal_data_erased && fact("person.erased", t("common.yes")),
        s.director_of?.length > 0 && fact("person.directorOf", s.director_of.map((d) => d.company_number).join(", ")),
      ),
    );
  }

  function debtTable() {
    const lines = (state.debt.lines || []).filter((l) => state.showSettled || l.outstanding !== "0.00");
    const m = (v) => money(v, lang());
    return h(
      "section",
      { id: "debt-section", "aria-labelledby": "debt-title" },
      h("h2", { id: "debt-title" }, t("debt.title")),
      h(
        "div",
        { class: "field no-print" },
        h(
          "label",
          {},
          h("input", {
            type: "checkbox",
            id: "debt-settled",
            checked: state.showSettled,
            onchange: (e) => {
              state.showSettled = e.target.checked;
              paint("debt-settled");
            },
          }),
          " ",
          t("debt.showSettled"),
        ),
      ),
      lines.length === 0
        ? h("p", { id: "debt-empty" }, t("debt.empty"))
        : dataTable({
            id: "debt-table",
            caption: t("debt.caption"),
            columns: [
              { label: t("debt.debt") },
              { label: t("debt.due") },
              { label: t("debt.communication") },
              { label: t("debt.principal"), numeric: true },
              { label: t("debt.surcharges"), numeric: true },
              { label: t("debt.costs"), numeric: true },
              { label: t("debt.outstanding"), numeric: true },
              { label: t("debt.stage") },
            ],
            rows: lines.map((l) => [
              h("th", { scope: "row" }, l.debt),
              h("td", { class: "nowrap" }, date(l.due_date)),
              h("td", { class: "communication" }, l.communication || ""),
              h("td", { class: "num" }, m(l.unpaid_principal)),
              h("td", { class: "num" }, m(l.unpaid_surcharges)),
              h("td", { class: "num" }, m(l.unpaid_costs)),
              h("td", { class: "num" }, m(l.outstanding)),
              h("td", {}, term("stage", l.stage)),
            ]),
            foot: [
              h("th", { scope: "row", colspan: 6 }, t("person.outstanding")),
              h("td", { class: "num", id: "debt-total" }, m(state.debt.outstanding)),
              h("td", {}),
            ],
          }),
    );
  }

  function career() {
    const rows = (state.career.years || []).flatMap((y) => y.quarters || []);
    return h(
      "section",
      { id: "career-section", "aria-labelledby": "career-title" },
      h("h2", { id: "career-title" }, t("career.title")),
      rows.length === 0
        ? h("p", {}, t("career.empty"))
        : dataTable({
            id: "career-table",
            caption: t("career.caption"),
            columns: [
              { label: t("career.quarter") },
              { label: t("person.category") },
              { label: t("career.due"), numeric: true },
              { label: t("career.paid"), numeric: true },
              { label: t("career.status") },
            ],
            rows: rows.map((q) => [
              h("th", { scope: "row" }, q.quarter),
              h("td", {}, term("category", q.category)),
              h("td", { class: "num" }, money(q.contribution_due, lang())),
              h("td", { class: "num" }, money(q.contribution_paid, lang())),
              h("td", {}, term("career", q.status), q.reason && h("span", { class: "explain" }, term("reason", q.reason))),
            ]),
          }),
    );
  }

  // Requests and decisions, each refusal with its reason and appeal.
  function requests() {
    const rows = state.requests.requests || [];
    return h(
      "section",
      { id: "requests-section", "aria-labelledby": "requests-title" },
      h("h2", { id: "requests-title" }, t("requests.title")),
      rows.length === 0
        ? h("p", { id: "requests-empty" }, t("requests.empty"))
        : dataTable({
            id: "requests-table",
            caption: t("requests.caption"),
            columns: [
              { label: t("requests.kind") },
              { label: t("requests.quarters") },
              { label: t("requests.requested") },
              { label: t("requests.status") },
              { label: t("requests.decided") },
              { label: t("requests.amount"), numeric: true },
              { label: t("requests.appeal") },
            ],
            rows: rows.map((r) => [
              h("th", { scope: "row" }, r.benefit ? term("benefit", r.benefit) : term("request", r.kind), r.reference && h("span", { class: "explain" }, r.reference)),
              h("td", {}, r.quarters.join(", ")),
              h("td", { class: "nowrap" }, date(r.requested)),
              h("td", { class: `request-${r.status}` }, term("requestStatus", r.status)),
              h("td", { class: "nowrap" }, date(r.decided)),
              h("td", { class: "num" }, money(r.amount, lang())),
              h(
                "td",
                { class: "appeal" },
                r.appeal && [
                  h("span", {}, r.appeal.reason),
                  h("span", { class: "explain" }, t("requests.appealText", { body: r.appeal.appeal_body, deadline: date(r.appeal.appeal_deadline) })),
                ],
              ),
            ]),
          }),
    );
  }

  // Contributions paid per calendar year, for the tax return.
  function taxCertificate() {
    const years = state.tax.certificates || [];
    const m = (v) => money(v, lang());
    const cols = [
      ["tax.contributions", "contributions"],
      ["tax.fees", "fees"],
      ["tax.regularisation", "regularisation"],
      ["tax.refunded", "refunded"],
      ["tax.deductible", "deductible_total"],
      ["tax.surcharges", "surcharges_not_deductible"],
      ["tax.costs", "costs_not_deductible"],
    ];
    return h(
      "section",
      { id: "tax-section", "aria-labelledby": "tax-title" },
      h("h2", { id: "tax-title" }, t("tax.title")),
      years.length === 0
        ? h("p", {}, t("tax.empty"))
        : dataTable({
            id: "tax-table",
            caption: t("tax.caption"),
            columns: [{ label: t("career.year") }, ...cols.map(([key]) => ({ label: t(key), numeric: true }))],
            rows: years.map((y) => [h("th", { scope: "row" }, String(y.year)), cols.map(([, field]) => h("td", { class: "num" }, m(y[field])))]),
          }),
    );
  }

  function paint(focusId) {
    fill(
      ctx.main,
      // The title names the file, never the person: the window's title
      // goes into the browser's history and its tab and window lists.
      h("h1", {}, t("person.title", { id: partyId })),
      fullName() && h("p", { id: "person-name", class: "lead" }, fullName()),
      h("p", { class: "muted file-purpose" }, t("purpose.shown", { purpose })),
      state.error
        ? h(
            "div",
            { class: "alert", role: "alert" },
            h("p", {}, errorText(state.error)),
            h("button", { type: "button", onclick: async () => (await load(), paint("debt-title")) }, t("common.retry")),
          )
        : [identity(), debtTable(), !auditor && payment.paint(), !auditor && actions.paint(), requests(), statement.paint(), career(), taxCertificate(), auditor && events()],
    );
    focusOn(focusId);
  }

  await load(takeWrite(partyId)); // a match booked from the suspense list, say
  if (!alive()) return null;
  paint();
  return { paint: () => paint() };
}
