// Modal dialogs on the native <dialog> element: focus moves into it, Esc
// cancels, the page behind is inert. Each function resolves once.

import { h, facts } from "./dom.js";
import { t } from "./i18n.js";
import { utf8Length } from "./api.js";

let counter = 0;

// Builds a <dialog> titled `title`, shows it modally and returns it with
// a promise that resolves to what `settle(value)` is called with
// (undefined on Esc or Cancel). The dialog is removed when settled.
// While busy() is true (a write on its way) Esc does not close it.
function modal(title, build, busy = () => false) {
  const id = `dialog-title-${++counter}`;
  const dialog = h("dialog", { "aria-labelledby": id, class: "dialog" });
  let settle;
  const done = new Promise((resolve) => {
    settle = (value) => {
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(value);
    };
  });
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!busy()) settle(undefined);
  });
  dialog.append(h("h2", { id }, title), ...build(settle));
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, done };
}

const PURPOSES = [
  "purpose.phone",
  "purpose.counter",
  "purpose.letter",
  "purpose.collection",
  "purpose.suspense",
  "purpose.correction",
];
let lastChoice = PURPOSES[0];

// Asks why a file (or a list of persons) is opened. Resolves to the
// purpose's text (at most 200 UTF-8 bytes) or undefined when cancelled.
export function askPurpose(suggested) {
  const choice = h(
    "select",
    { id: "purpose-choice", name: "purpose" },
    PURPOSES.map((key) => h("option", { value: key, selected: key === (suggested || lastChoice) }, t(key))),
  );
  const details = h("input", { id: "purpose-details", name: "details", type: "text", maxlength: 180, autocomplete: "off" });
  const error = h("p", { id: "purpose-error", class: "field-error", role: "alert", hidden: true });
  return modal(t("purpose.title"), (settle) => [
    h("p", {}, t("purpose.intro")),
    h(
      "form",
      {
        method: "dialog",
        onsubmit: (event) => {
          event.preventDefault();
          const extra = details.value.trim();
          const text = t(choice.value) + (extra ? ` — ${extra}` : "");
          if (utf8Length(text) > 200) {
            error.textContent = t("purpose.tooLong");
            error.hidden = false;
            details.setAttribute("aria-invalid", "true");
            details.setAttribute("aria-describedby", "purpose-error");
            details.focus();
            return;
          }
          lastChoice = choice.value;
          settle(text);
        },
      },
      h("div", { class: "field" }, h("label", { for: "purpose-choice" }, t("purpose.choice")), choice),
      h("div", { class: "field" }, h("label", { for: "purpose-details" }, t("purpose.details")), details, error),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit", class: "primary" }, t("purpose.submit")),
        h("button", { type: "button", onclick: () => settle(undefined) }, t("common.cancel")),
      ),
    ),
  ]).done;
}

// Shows `rows` ([label, value] pairs) and asks to confirm with a button
// named `confirmLabel`. onConfirm() runs on the first click only (the
// button is disabled at once: a double click confirms once); its promise
// decides: resolved -> the dialog closes with its value; rejected with an
// error -> the dialog closes and the error is rethrown to the caller.
// `extra`, if given, is a node shown under the values (a run's progress).
export function confirmAction(title, text, rows, confirmLabel, onConfirm, extra = null) {
  let running = false;
  const { done } = modal(title, (settle) => {
    const confirm = h("button", { type: "button", class: "primary", id: "confirm-action" }, confirmLabel);
    confirm.addEventListener("click", async () => {
      if (running) return;
      running = true;
      confirm.disabled = true;
      confirm.setAttribute("aria-busy", "true");
      try {
        settle({ ok: true, value: await onConfirm() });
      } catch (e) {
        settle({ ok: false, error: e });
      }
    });
    return [
      h("p", {}, text),
      facts(rows),
      extra,
      h(
        "div",
        { class: "actions" },
        confirm,
        h("button", { type: "button", onclick: () => !running && settle(undefined) }, t("common.cancel")),
      ),
    ];
  }, () => running);
  return done.then((result) => {
    if (result === undefined) return undefined;
    if (!result.ok) throw result.error;
    return result.value;
  });
}
