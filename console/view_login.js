// #/login: the user pastes a bearer token; it is checked with a call that
// discloses no person (GET /v1/session: who the token is), refused unless
// its role is staff or auditor (the console's users), and kept in
// sessionStorage (session.js) with the principal the header shows.

import { h, fill } from "./dom.js";
import { t } from "./i18n.js";
import { call } from "./api.js";
import { signIn } from "./session.js";

export async function mount(ctx) {
  let error = "";
  let busy = false;
  const view = {
    paint() {
      const input = h("input", {
        id: "token",
        name: "token",
        type: "password",
        autocomplete: "off",
        spellcheck: "false",
        required: true,
        "aria-describedby": "token-error",
        "aria-invalid": error ? "true" : false,
      });
      fill(
        ctx.main,
        h("h1", {}, t("login.title")),
        h("p", {}, t("login.intro")),
        h(
          "form",
          { id: "login-form", novalidate: true, onsubmit: (e) => submit(e, input) },
          h(
            "div",
            { class: "field" },
            h("label", { for: "token" }, t("login.token")),
            input,
            h("p", { id: "token-error", class: "field-error", role: "alert" }, error),
          ),
          h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", disabled: busy }, t("login.submit"))),
        ),
      );
    },
  };
  async function submit(event, input) {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      error = t("login.required");
      view.paint();
      ctx.main.querySelector("#token").focus();
      return;
    }
    busy = true;
    try {
      const { body } = await call("GET", "/v1/session", { bearer: token });
      if (!["staff", "auditor", "batch"].includes(body.role)) throw Object.assign(new Error(body.role), { status: 403 });
      signIn(token, body);
      ctx.navigate(body.role === "batch" ? "#/runs" : "#/find");
    } catch (e) {
      busy = false;
      error = e.status === 401 ? t("login.refused") : e.status === 403 ? t("login.role") : t("common.error", { message: e.message });
      view.paint();
      ctx.main.querySelector("#token").focus();
    }
  }
  view.paint();
  return view;
}
