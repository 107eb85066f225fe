// #/find: a person by NISS (POST /v1/persons/lookup), by member number or
// by name (POST /v1/persons/search), or by PartyId. The NISS and the name
// travel in the body, never in a URL. A search is a read of the persons it
// lists, so the purpose is asked first, and kept for the file opened from
// it. A name may match homonyms: the list shows what tells them apart
// (birth date, member number, status) and the file opens from a row.

import { h, fill, dataTable } from "./dom.js";
import { t, term, errorText } from "./i18n.js";
import { call } from "./api.js";
import { askPurpose } from "./dialog.js";
import { setPurpose, who } from "./session.js";
import { date, parseNiss } from "./format.js";

// What was typed: {niss}, {party}, {member_number} or {name}; null if none.
function classify(text) {
  if (/^p[0-9a-f]{32}$/i.test(text)) return { party: `P${text.slice(1).toLowerCase()}` };
  const niss = parseNiss(text);
  if (niss) return { niss };
  if (/^\d{1,7}$/.test(text)) return { member_number: Number(text) };
  if (/\p{L}/u.test(text) && !/\d/.test(text)) return { name: text };
  return null;
}

export async function mount(ctx) {
  const state = { query: "", error: "", busy: false, results: null, more: false, purpose: null };
  const view = {
    paint(focusId) {
      const input = h("input", {
        id: "find-query",
        name: "query",
        type: "text",
        autocomplete: "off",
        spellcheck: "false",
        required: true,
        value: state.query,
        "aria-describedby": "find-hint find-error",
        "aria-invalid": state.error ? "true" : false,
        oninput: (e) => (state.query = e.target.value),
      });
      fill(
        ctx.main,
        h("h1", {}, t("find.title")),
        h("p", {}, t("find.intro")),
        h(
          "form",
          { id: "find-form", novalidate: true, onsubmit: submit },
          h(
            "div",
            { class: "field" },
            h("label", { for: "find-query" }, t("find.query")),
            input,
            h("p", { id: "find-hint", class: "hint" }, t("find.hint")),
            h("p", { id: "find-error", class: "field-error", role: "alert" }, state.error),
          ),
          h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", disabled: state.busy }, t("find.submit"))),
        ),
        state.results && results(),
      );
      if (focusId) document.getElementById(focusId)?.focus();
    },
  };

  function results() {
    if (state.results.length === 0) {
      return h("section", { id: "find-results", "aria-labelledby": "find-results-title" },
        h("h2", { id: "find-results-title", tabindex: "-1" }, t("find.results")),
        h("p", { id: "find-none" }, t("find.noname")));
    }
    return h(
      "section",
      { id: "find-results", "aria-labelledby": "find-results-title" },
      h("h2", { id: "find-results-title", tabindex: "-1" }, t("find.results")),
      dataTable({
        id: "find-table",
        caption: t("find.caption", { count: String(state.results.length) }),
        columns: [
          { label: t("find.name") },
          { label: t("identity.birthDate") },
          { label: t("identity.memberNumber"), numeric: true },
          { label: t("person.status") },
        ],
        rows: state.results.map((p) => [
          h(
            "th",
            { scope: "row" },
            h(
              "a",
              { href: `#/person/${p.party_id}`, onclick: () => setPurpose(p.party_id, state.purpose) },
              p.personal_data_erased ? t("person.erased") : `${p.first_name ?? ""} ${p.last_name ?? ""}`.trim(),
            ),
          ),
          h("td", { class: "nowrap" }, p.birth_date ? date(p.birth_date) : t("common.none")),
          h("td", { class: "num" }, p.member_number == null ? "" : String(p.member_number)),
          h("td", {}, term("status", p.status)),
        ]),
      }),
      state.more && h("p", { id: "find-more", class: "muted" }, t("find.more")),
    );
  }

  function fail(message) {
    state.error = message;
    state.busy = false;
    state.results = null;
    view.paint();
    ctx.main.querySelector("#find-query").focus();
  }

  function open(partyId, purpose) {
    setPurpose(partyId, purpose);
    state.query = ""; // a NISS or a name is not kept once the file opens
    ctx.navigate(`#/person/${partyId}`);
  }

  async function submit(event) {
    event.preventDefault();
    state.query = event.target.elements.query.value;
    const what = classify(state.query.trim());
    if (!what) return fail(t("find.format"));
    if (what.party) return ctx.navigate(`#/person/${what.party}`);
    // Names in clear are the staff's (the API refuses auditors a search).
    if ((what.name || what.member_number !== undefined) && who()?.role !== "staff") return fail(t("find.staffOnly"));
    const purpose = await askPurpose();
    if (!purpose) return;
    state.busy = true;
    state.error = "";
    view.paint();
    try {
      if (what.niss) {
        const { body } = await call("POST", "/v1/persons/lookup", { body: { niss: what.niss }, purpose });
        return open(body.party_id, purpose);
      }
      const { body } = await call("POST", "/v1/persons/search", { body: what.name ? { name: what.name } : { member_number: what.member_number }, purpose });
      if (what.member_number !== undefined) {
        if (body.persons.length === 0) return fail(t("find.nomember"));
        return open(body.persons[0].party_id, purpose);
      }
      state.busy = false;
      state.results = body.persons;
      state.more = body.more;
      state.purpose = purpose;
      view.paint("find-results-title");
    } catch (e) {
      if (e.status === 401) return;
      fail(e.status === 404 ? t("find.notfound") : errorText(e));
    }
  }
  view.paint();
  return view;
}
