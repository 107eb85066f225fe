// A staff command on a person's file as a form (POST /v1/persons/{id}/<path>).
//
// One module for every write the file offers (payment.js, actions.js): the
// form checks what it can read (amounts, dates, quarters, required
// fields), then a confirmation lists every value — the amount first —
// before anything is written. The request carries an Idempotency-Key made
// for the submission and kept until it is written or its values change:
// the confirm button works once, the form submits nothing while a write is
// on its way, and submitting the same values again after a network error
// or a timeout (the write may have landed) writes once. An API 4xx is
// shown next to the field it names ("field"; a refusal's "appeal.reason"
// is the form's "reason"), else above the form.
//
// spec: {
//   id,        element ids: `${id}-form`, `${id}-<field>` (underscores as
//              dashes), `${id}-<field>-error`, `${id}-submit`, `${id}-form-error`
//   path,      the command's path under the person
//   url        instead of path: the whole path (the batch runs, /v1/runs/…)
//   title, submit, confirmTitle      word keys
//   confirmText(body, shown), confirm(body, shown), done(body, shown, status)
//              words; `shown` is the first money field as displayed
//   focusAfter the id focused once written (default: the form's title)
//   fields: [{ name, label, kind, required, hint, options, attrs, initial }]
//              kind: "text" | "money" | "date" | "quarter" | "quarters" | "year" | "count" |
//                    "instalments" | "select" | "checkbox";
//              options: [[value, word key]] for selects; initial(): the value
//              a fresh form holds
//   fixed      body members every submission carries (e.g. channel)
//   confirmExtra()  a node the confirmation shows under the values (a run's progress)
//   whileSending(promise)  told of the POST once confirmed, before it is answered
// }
// onWritten(min_offset, focusId, answer) runs once the write is answered.

import { h } from "./dom.js";
import { t, lang, errorText } from "./i18n.js";
import { call, newIdempotencyKey } from "./api.js";
import { confirmAction } from "./dialog.js";
import { date, money, parseDate, parseMoney } from "./format.js";

const QUARTER = /^(19\d{2}|2\d{3})-Q[1-4]$/;

// "2025-q1, 2025-Q2 2025-Q3" -> ["2025-Q1", "2025-Q2", "2025-Q3"], or null.
export function parseQuarters(text) {
  const items = String(text || "")
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((q) => q.toUpperCase());
  return items.length && items.every((q) => QUARTER.test(q)) ? items : null;
}

// "31/01/2027 250,00; 28/02/2027 250" (or one a line) -> [{due, amount}]
// in the API's terms, or null.
export function parseInstalments(text, language) {
  const items = String(text || "")
    .split(/[;\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const out = [];
  for (const item of items) {
    const m = /^(\S+)\s+(.+)$/.exec(item);
    const due = m && parseDate(m[1]);
    const amount = m && parseMoney(m[2], language);
    if (!due || !amount || Number(amount) <= 0) return null;
    out.push({ due, amount });
  }
  return out.length ? out : null;
}

// What a field of each kind sends, from its text; null when it is not one.
const PARSE = {
  money: (text) => parseMoney(text, lang()),
  date: parseDate,
  quarter: (text) => (parseQuarters(text)?.length === 1 ? parseQuarters(text)[0] : null),
  quarters: parseQuarters,
  year: (text) => (/^(19|2\d)\d{2}$/.test(text) ? Number(text) : null),
  count: (text) => (/^\d{1,4}$/.test(text) && Number(text) > 0 ? Number(text) : null),
  instalments: (text) => parseInstalments(text, lang()),
};

function fieldId(spec, name) {
  return `${spec.id}-${name.replaceAll("_", "-")}`;
}

function blank(spec) {
  const values = {};
  for (const f of spec.fields) values[f.name] = f.initial ? f.initial() : f.kind === "checkbox" ? false : f.kind === "select" ? f.options[0][0] : "";
  return values;
}

export function commandForm(spec, partyId, onWritten, announce) {
  const state = {
    values: blank(spec),
    errors: {}, // field -> message
    formError: "",
    suggestions: {}, // field -> values offered (a datalist)
    busy: false, // a write on its way
    key: null, // the Idempotency-Key of the submission not yet written, and its body
    keyBody: null,
  };
  const names = spec.fields.map((f) => f.name);

  function fieldNode(f) {
    const id = fieldId(spec, f.name);
    const error = state.errors[f.name] || "";
    const described = [f.hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(" ");
    const common = {
      id,
      name: f.name,
      "aria-invalid": error ? "true" : false,
      "aria-describedby": described,
      ...(f.attrs || {}),
    };
    let control;
    if (f.kind === "select") {
      control = h(
        "select",
        { ...common, onchange: (e) => (state.values[f.name] = e.target.value) },
        f.options.map(([value, key]) => h("option", { value, selected: state.values[f.name] === value }, t(key))),
      );
    } else if (f.kind === "checkbox") {
      control = h("input", { ...common, type: "checkbox", checked: state.values[f.name], onchange: (e) => (state.values[f.name] = e.target.checked) });
    } else {
      const suggestions = state.suggestions[f.name];
      control = h("input", {
        type: "text",
        autocomplete: "off",
        value: state.values[f.name],
        oninput: (e) => (state.values[f.name] = e.target.value),
        ...(suggestions ? { list: `${id}-suggestions` } : {}),
        ...common,
      });
      if (suggestions) control = [control, h("datalist", { id: `${id}-suggestions` }, suggestions.map((v) => h("option", { value: v })))];
    }
    return h(
      "div",
      { class: f.kind === "checkbox" ? "field check" : "field" },
      h("label", { for: id }, t(f.label)),
      control,
      f.hint && h("p", { id: `${id}-hint`, class: "hint" }, t(f.hint)),
      h("p", { id: `${id}-error`, class: "field-error" }, error),
    );
  }

  // The body to send, or null with state.errors set.
  function check() {
    const errors = {};
    const body = { ...(spec.fixed || {}) };
    for (const f of spec.fields) {
      const raw = state.values[f.name];
      if (f.kind === "checkbox") {
        body[f.name] = Boolean(raw);
        continue;
      }
      if (f.kind === "select") {
        if (raw) body[f.name] = raw;
        continue;
      }
      const text = String(raw || "").trim();
      if (!text) {
        if (f.required) errors[f.name] = t("form.required");
        continue;
      }
      const parse = PARSE[f.kind];
      const parsed = parse ? parse(text) : text;
      if (parsed === null) errors[f.name] = t(`form.bad.${f.kind}`);
      else body[f.name] = parsed;
    }
    state.errors = errors;
    state.formError = "";
    return Object.keys(errors).length ? null : body;
  }

  function shownValue(f, value) {
    if (f.kind === "money") return money(value, lang());
    if (f.kind === "date") return date(value);
    if (f.kind === "quarters") return value.join(", ");
    if (f.kind === "instalments") return value.map((i) => `${date(i.due)} ${money(i.amount, lang())}`).join("; ");
    if (f.kind === "checkbox") return t(value ? "common.yes" : "common.no");
    if (f.kind === "select") return t(f.options.find(([v]) => v === value)?.[1] ?? value);
    return value;
  }

  // Repaints the file and moves focus to `id`.
  let repaint = () => {};

  async function submit(event) {
    event.preventDefault();
    if (state.busy) return;
    // What the fields hold now (typed, pasted, autofilled or cleared).
    for (const f of spec.fields) {
      const el = event.target.elements[f.name];
      state.values[f.name] = f.kind === "checkbox" ? el.checked : el.value;
    }
    const body = check();
    if (!body) {
      repaint(fieldId(spec, Object.keys(state.errors)[0]));
      return;
    }
    // One key per submission: the same values again reuse it.
    const bodyText = JSON.stringify(body);
    if (state.key === null || state.keyBody !== bodyText) {
      state.key = newIdempotencyKey();
      state.keyBody = bodyText;
    }
    const key = state.key;
    const amountField = spec.fields.find((f) => f.kind === "money" && body[f.name] !== undefined);
    const shown = amountField ? money(body[amountField.name], lang()) : "";
    // The amount first: it is what the confirmation is about.
    const shownFields = amountField ? [amountField, ...spec.fields.filter((f) => f !== amountField)] : spec.fields;
    const rows = shownFields.filter((f) => body[f.name] !== undefined).map((f) => [t(f.label), shownValue(f, body[f.name])]);
    state.busy = true;
    try {
      const url = spec.url ?? `/v1/persons/${partyId}/${spec.path}`;
      const result = await confirmAction(
        t(spec.confirmTitle),
        spec.confirmText(body, shown),
        rows,
        spec.confirm(body, shown),
        () => {
          const answered = call("POST", url, { body: spec.toBody ? spec.toBody(body) : body, idempotencyKey: key });
          spec.whileSending?.(answered);
          return answered;
        },
        spec.confirmExtra?.(),
      );
      if (!result) {
        repaint(`${spec.id}-submit`);
        return;
      }
      state.key = null;
      state.values = blank(spec);
      announce(spec.done(body, shown, result.status));
      await onWritten(result.body.min_offset, spec.focusAfter ?? `${spec.id}-title`, result.body);
    } catch (e) {
      if (e.status === 401) return;
      if (e.status >= 400 && e.status < 500 && e.rule !== "IdempotencyKeyInFlight") state.key = null; // refused: nothing written
      const named = String(e.field || "").replace(/^(appeal|address)\./, "");
      const field = names.includes(named) ? named : null;
      if (field) state.errors = { [field]: errorText(e) };
      else state.formError = errorText(e);
      repaint(field ? fieldId(spec, field) : `${spec.id}-form-error`);
    } finally {
      state.busy = false;
    }
  }

  // The form under an h2 of its title; with { title: false } the caller
  // gives its own element (a <summary>, say) the id `${spec.id}-title`.
  function paint({ title = true } = {}) {
    return [
      title && h("h2", { id: `${spec.id}-title` }, t(spec.title)),
      h("p", { id: `${spec.id}-form-error`, class: "form-error", role: "alert", tabindex: "-1" }, state.formError),
      h(
        "form",
        { id: `${spec.id}-form`, novalidate: true, onsubmit: submit, "aria-labelledby": `${spec.id}-title` },
        spec.fields.map(fieldNode),
        h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: `${spec.id}-submit` }, t(spec.submit))),
      ),
    ];
  }

  return {
    paint,
    suggest(field, values) {
      state.suggestions[field] = values;
    },
    onRepaint(callback) {
      repaint = callback;
    },
  };
}
