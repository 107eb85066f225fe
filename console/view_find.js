// #/find: a person by NISS (POST /v1/persons/lookup: the NISS travels in
// the body, never in a URL) or by PartyId. A NISS lookup is a read of the
// person, so the purpose is asked first, and kept for the file it opens.

import { h, fill } from "./dom.js";
import { t, errorText } from "./i18n.js";
import { call } from "./api.js";
import { askPurpose } from "./dialog.js";
import { setPurpose } from "./session.js";
import { parseNiss } from "./format.js";

export async function mount(ctx) {
  const state = { query: "", error: "", busy: false };
  const view = {
    paint() {
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
      );
    },
  };
  function fail(message) {
    state.error = message;
    state.busy = false;
    view.paint();
    ctx.main.querySelector("#find-query").focus();
  }
  async function submit(event) {
    event.preventDefault();
    state.query = event.target.elements.query.value;
    const text = state.query.trim();
    if (/^p[0-9a-f]{32}$/i.test(text)) {
      ctx.navigate(`#/person/P${text.slice(1).toLowerCase()}`);
      return;
    }
    const niss = parseNiss(text);
    if (!niss) return fail(t("find.format"));
    const purpose = await askPurpose();
    if (!purpose) return;
    state.busy = true;
    view.paint();
    try {
      const { body } = await call("POST", "/v1/persons/lookup", { body: { niss }, purpose });
      setPurpose(body.party_id, purpose);
      state.query = ""; // the NISS is not kept once the file opens
      ctx.navigate(`#/person/${body.party_id}`);
    } catch (e) {
      if (e.status === 401) return;
      fail(e.status === 404 ? t("find.notfound") : errorText(e));
    }
  }
  view.paint();
  return view;
}
