// Builds DOM nodes without innerHTML: text from the API is always text.
//   h("p", {class: "x", onclick: fn}, "text", node, [more], null)
// Attributes: "class", "for" (htmlFor), on* handlers, booleans (true sets
// the attribute, false/null/undefined omit it), anything else as given.
// dataTable() and pager() build every list's table and page buttons.

import { t } from "./i18n.js";

export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (value === true) {
      node.setAttribute(name, "");
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

// Replaces every child of `node`.
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

// Moves the keyboard's focus to the element `id` after a repaint (none
// when absent): an element that takes no focus of its own (a heading, a
// message) is made focusable by script only (tabindex -1).
export function focusOn(id) {
  if (!id) return;
  const target = document.getElementById(id);
  if (!target) return;
  if (!target.matches("input, button, select, textarea, a, summary, [tabindex]")) target.setAttribute("tabindex", "-1");
  target.focus();
}

// A list of facts: [label, value] pairs as a <dl class="facts">.
export function facts(rows, attrs = {}) {
  return h("dl", { class: "facts", ...attrs }, rows.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

// A table's frame that scrolls sideways on a narrow screen or at 200 %
// zoom: a named region that takes focus, so a keyboard can scroll it.
function scrollable(label, ...children) {
  return h("div", { class: "table-wrap", role: "region", "aria-label": label, tabindex: "0" }, ...children);
}

// A list as a table in its scrollable frame, the caption naming both:
//   dataTable({ id, caption, columns: [{ label, numeric, hidden }], rows, foot })
// Each column is a header cell with scope="col"; `numeric` right-aligns it
// (class "num"), `hidden` keeps its label for screen readers only. `rows`
// holds each row's cells (its th scope="row" and tds); `foot`, if given,
// the cells of one row in a tfoot.
export function dataTable({ id, caption, columns, rows, foot }) {
  const head = columns.map(({ label, numeric, hidden }) =>
    h("th", { scope: "col", class: numeric && "num" }, hidden ? h("span", { class: "visually-hidden" }, label) : label),
  );
  return scrollable(
    caption,
    h(
      "table",
      { id },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, head)),
      h("tbody", {}, rows.map((cells) => h("tr", {}, cells))),
      foot && h("tfoot", {}, h("tr", {}, foot)),
    ),
  );
}

// The previous/next buttons under a paged list (ids PREFIX-previous and
// PREFIX-next): `go(page)` reads and paints that page; `attrs` go on the
// frame (an id).
export function pager(prefix, page, hasNext, go, attrs = {}) {
  return h(
    "div",
    { class: "pager", ...attrs },
    h("button", { type: "button", id: `${prefix}-previous`, disabled: page === 0, onclick: () => go(page - 1) }, t("common.previous")),
    h("button", { type: "button", id: `${prefix}-next`, disabled: !hasNext, onclick: () => go(page + 1) }, t("common.next")),
  );
}
