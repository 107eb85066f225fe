// The staff console's entry: the page's frame (header, language,
// navigation) and a router over location.hash:
//   #/login  #/find  #/person/<PartyId>  #/work-list  #/suspense (staff)
//   #/access-log (auditors)  #/runs (batch)
// The navigation offers what the signed-in role may do (GET /v1/session).
// A view is a module exporting mount(ctx, ...params) -> { paint() }:
// mount reads what it needs and paints; paint() redraws from what was
// read, in the current language (a language switch reads nothing again,
// so it writes no access-log record). No NISS ever enters a URL.

import { h, fill } from "./dom.js";
import { t, term, lang, setLang, LANGUAGES } from "./i18n.js";
import * as session from "./session.js";
import { onUnauthorized } from "./api.js";
import * as login from "./view_login.js";
import * as find from "./view_find.js";
import * as person from "./view_person.js";
import * as worklist from "./view_worklist.js";
import * as suspense from "./view_suspense.js";
import * as accessLog from "./view_access_log.js";
import * as runs from "./view_runs.js";

const ROUTES = [
  [/^#\/login$/, login, false],
  [/^#\/find$/, find, true],
  [/^#\/person\/(P[0-9a-f]{32})$/, person, true],
  [/^#\/work-list$/, worklist, true],
  [/^#\/suspense$/, suspense, true],
  [/^#\/access-log$/, accessLog, true],
  [/^#\/runs$/, runs, true],
];

// What each role's navigation offers (the API refuses the rest anyway).
const NAV = {
  staff: [["#/find", "nav.find"], ["#/work-list", "nav.worklist"], ["#/suspense", "nav.suspense"]],
  auditor: [["#/find", "nav.find"], ["#/access-log", "nav.accessLog"]],
  batch: [["#/runs", "nav.runs"]],
};
// Where each role starts.
const HOME = { batch: "#/runs" };
const home = () => HOME[session.who()?.role] || "#/find";

const main = document.getElementById("main");
const status = document.getElementById("status");
let current = null; // the mounted view
let generation = 0; // a newer route supersedes a mount still reading

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// A short message for everyone, read out by screen readers; cleared by
// the next route change unless `keep` (a message about that change).
let keepStatus = false;
function announce(text, keep = false) {
  status.textContent = text;
  keepStatus = keep;
}

const ctx = {
  main,
  navigate,
  announce,
  // Whether this mount is still the current one (its route not left).
  current: () => {
    const mine = generation;
    return () => mine === generation;
  },
};

function paintFrame() {
  document.documentElement.lang = lang();
  document.getElementById("skip").textContent = t("app.skip");
  const signedIn = Boolean(session.token());
  const here = location.hash;
  const link = (hash, key) =>
    h("li", {}, h("a", { href: hash, "aria-current": here.startsWith(hash) ? "page" : false }, t(key)));
  const language = h(
    "select",
    { id: "language", onchange: (e) => switchLanguage(e.target.value) },
    LANGUAGES.map(([code, name]) => h("option", { value: code, lang: code, selected: code === lang() }, name)),
  );
  fill(
    document.getElementById("top"),
    h("span", { class: "brand", title: t("app.title") }, "Kassa"),
    signedIn && h("nav", { "aria-label": t("nav.label") }, h("ul", {}, (NAV[session.who()?.role] || NAV.staff).map(([hash, key]) => link(hash, key)))),
    h("div", {}, h("label", { for: "language" }, t("lang.label")), language),
    signedIn &&
      h(
        "div",
        { class: "account" },
        session.who() && h("span", { id: "who" }, t("nav.who", { principal: session.who().principal, role: term("role", session.who().role) })),
        h(
          "button",
          {
            type: "button",
            id: "sign-out",
            onclick: () => {
              session.signOut();
              navigate("#/login");
            },
          },
          t("nav.signout"),
        ),
      ),
  );
}

function switchLanguage(code) {
  setLang(code);
  paintFrame();
  if (current) current.paint();
  document.title = `${main.querySelector("h1")?.textContent ?? ""} — Kassa`;
  document.getElementById("language").focus();
}

async function route() {
  const hash = location.hash;
  if (!hash.startsWith("#/")) {
    if (current && hash === "#main") return; // the skip link
    navigate(session.token() ? home() : "#/login");
    return;
  }
  const found = ROUTES.map(([pattern, view, needsToken]) => [pattern.exec(hash), view, needsToken]).find(([m]) => m);
  if (!found) {
    navigate(session.token() ? home() : "#/login");
    return;
  }
  const [match, view, needsToken] = found;
  if (needsToken && !session.token()) {
    navigate("#/login");
    return;
  }
  generation++;
  if (!keepStatus) status.textContent = "";
  keepStatus = false;
  paintFrame();
  fill(main, h("p", { class: "muted" }, t("common.loading")));
  const mine = generation;
  const mounted = await view.mount(ctx, ...match.slice(1));
  if (!mounted || mine !== generation) return; // it navigated elsewhere, or the user did
  current = mounted;
  document.title = `${main.querySelector("h1")?.textContent ?? ""} — Kassa`;
  main.querySelector("h1")?.setAttribute("tabindex", "-1");
  main.querySelector("h1")?.focus();
}

onUnauthorized(() => {
  session.signOut();
  navigate("#/login");
  announce(t("login.expired"), true);
});

document.getElementById("skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", route);
route();
