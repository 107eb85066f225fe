// #/runs (the batch role): the batch runs, each a command form
// (command_form.js) posting to /v1/runs/… — the assessment of a quarter,
// the quarter-end and year-end surcharges, the reminders, the companies'
// contributions — confirmed before it starts and sent with an
// Idempotency-Key (a double click runs once); a bank file import
// (POST /v1/payments/import: CODA or camt.053) with what it booked and
// what went to suspense; and the run board (GET /v1/runs): every run and
// import since kassad started, a progress bar on one still going. While a
// run's POST is on its way (its confirmation stays open, showing the
// progress), an import books (its progress beside the button) or the board
// shows one running, the board is read again every second.

import { h, fill, dataTable, facts, focusOn } from "./dom.js";
import { t, term, errorText } from "./i18n.js";
import { call, newIdempotencyKey } from "./api.js";
import { who } from "./session.js";
import { commandForm } from "./command_form.js";
import { date, todayIso } from "./format.js";

const today = () => date(todayIso());
const thisQuarter = () => {
  const iso = todayIso();
  return `${iso.slice(0, 4)}-Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`;
};
// The quarter-end run's quarter has ended: the one before today's.
const lastQuarter = () => {
  const [year, n] = thisQuarter().split("-Q").map(Number);
  return n === 1 ? `${year - 1}-Q4` : `${year}-Q${n - 1}`;
};
const lastYear = () => String(Number(todayIso().slice(0, 4)) - 1);

const dateField = (required = true) => ({
  name: "date",
  label: "runs.date",
  kind: "date",
  required,
  hint: "statement.dateHint",
  attrs: { inputmode: "numeric", size: 11 },
  initial: required ? today : undefined,
});
const quarterField = { name: "quarter", label: "runs.quarter", kind: "quarter", required: true, hint: "runs.quarterHint", attrs: { size: 8 }, initial: thisQuarter };
const yearField = { name: "year", label: "runs.year", kind: "year", required: true, attrs: { size: 5, inputmode: "numeric" }, initial: lastYear };

// The runs, in the order of a year's work.
const RUNS = [
  ["assessment", [quarterField, dateField()]],
  ["quarter-end", [{ ...quarterField, initial: lastQuarter }]],
  ["reminders", [dateField()]],
  ["year-end", [yearField]],
  ["company-contributions", [yearField, dateField(false)]],
];

// The bank file's type: camt.053 is XML, CODA fixed-width text.
function contentType(file, bytes) {
  const head = new TextDecoder().decode(bytes.slice(0, 64)).trimStart();
  return head.startsWith("<") || /\.xml$/i.test(file.name) ? "application/xml" : "application/octet-stream";
}

export async function mount(ctx) {
  const alive = ctx.current();
  const state = {
    runs: null, // GET /v1/runs
    boardError: null,
    running: 0, // run POSTs on their way
    result: null, // the last run's answer
    imported: null, // the last import's answer
    importError: "",
    importing: false,
    importKey: null,
    confirming: null, // the run whose confirmation is open
  };
  let timer = null;
  const open = new Set(); // the run forms unfolded

  // Reads overlap (the timer's and a run's end): the board asked for last wins.
  let asked = 0;
  let shown = 0;
  async function loadBoard() {
    const mine = ++asked;
    try {
      const { body } = await call("GET", "/v1/runs");
      if (mine < shown) return;
      shown = mine;
      state.runs = body.runs;
      state.boardError = null;
    } catch (e) {
      if (mine < shown) return;
      shown = mine;
      state.boardError = e;
    }
  }

  const anyRunning = () => state.running > 0 || state.importing || (state.runs || []).some((r) => r.state === "running");

  // Reads the board every second while something runs; stops on its own.
  function watch() {
    if (timer) return;
    timer = setInterval(async () => {
      if (!alive()) {
        clearInterval(timer);
        timer = null;
        return;
      }
      await loadBoard();
      if (!alive()) return;
      paintBoard();
      if (!anyRunning()) {
        clearInterval(timer);
        timer = null;
      }
    }, 1000);
  }

  function progressOf(run) {
    return h(
      "progress",
      { max: Math.max(run.aggregates, 1), value: run.aggregates_done, "aria-label": t("runs.progressOf", { run: term("run", run.run) }) },
      `${run.aggregates_done} / ${run.aggregates}`,
    );
  }

  // Under an open confirmation, or beside the import's button: the
  // progress of the latest running run of that kind this principal
  // started (not another operator's, not another run's).
  function paintProgress(id, kind) {
    const node = document.getElementById(id);
    if (!node) return;
    const principal = who()?.principal;
    const run = (state.runs || []).find((r) => r.state === "running" && r.run === kind && r.principal === principal);
    fill(node, run && run.aggregates > 0 ? [progressOf(run), " ", t("runs.doneOf", { done: run.aggregates_done, total: run.aggregates })] : t("runs.starting"));
  }

  function boardTable() {
    if (!state.runs) return null;
    if (state.runs.length === 0) return h("p", { id: "runs-empty" }, t("runs.empty"));
    return dataTable({
      id: "runs-table",
      caption: t("runs.caption"),
      columns: [
        { label: t("runs.number"), numeric: true },
        { label: t("runs.run") },
        { label: t("runs.businessDate") },
        { label: t("runs.state") },
        { label: t("runs.aggregates"), numeric: true },
        { label: t("runs.changed"), numeric: true },
        { label: t("runs.events"), numeric: true },
        { label: t("runs.rejected"), numeric: true },
        { label: t("runs.by") },
      ],
      rows: state.runs.map((r) => [
        h("td", { class: "num" }, String(r.run_id)),
        h("th", { scope: "row" }, term("run", r.run)),
        h("td", { class: "nowrap" }, date(r.business_date)),
        h(
          "td",
          { class: `run-${r.state}` },
          term("runState", r.state),
          r.state === "running" && [" ", progressOf(r)],
          r.error && h("span", { class: "explain" }, r.error),
        ),
        h("td", { class: "num" }, r.state === "running" ? `${r.aggregates_done} / ${r.aggregates}` : String(r.aggregates)),
        h("td", { class: "num" }, String(r.aggregates_changed)),
        h("td", { class: "num" }, String(r.events_written)),
        h("td", { class: "num" }, String(r.rejected)),
        h("td", {}, r.principal),
      ]),
    });
  }

  function paintBoard() {
    const node = document.getElementById("runs-board");
    if (node) fill(node, state.boardError && h("p", { class: "alert", role: "alert" }, errorText(state.boardError)), boardTable());
    if (state.confirming) paintProgress("run-progress", state.confirming);
    if (state.importing) paintProgress("import-progress", "payment-import");
  }

  const forms = RUNS.map(([run, fields]) => {
    const id = `run-${run}`;
    const form = commandForm(
      {
        id,
        url: `/v1/runs/${run}`,
        title: `runs.${run}.title`,
        submit: "runs.submit",
        confirmTitle: `runs.${run}.title`,
        confirmText: () => t(`runs.${run}.confirmText`),
        confirm: () => t("runs.confirm"),
        done: () => t("runs.done", { run: term("run", run) }),
        confirmExtra: () => {
          state.confirming = run;
          return h("p", { id: "run-progress", "aria-live": "polite" }, t("runs.starting"));
        },
        // Its POST is answered when the run ends: the board meanwhile.
        whileSending: (answered) => {
          state.running++;
          watch();
          answered.finally(() => (state.running = Math.max(0, state.running - 1))).catch(() => {});
        },
        focusAfter: "runs-result",
        fields,
      },
      null,
      async (offset, focusId, answer) => {
        state.result = answer;
        await loadBoard();
        if (alive()) paint(focusId);
      },
      ctx.announce,
    );
    form.onRepaint((focusId) => paint(focusId));
    return [run, form];
  });

  function resultFacts() {
    const r = state.result;
    if (!r) return null;
    const rows = [
      [t("runs.run"), term("run", r.run)],
      [t("runs.businessDate"), date(r.business_date)],
      [t("runs.aggregates"), String(r.aggregates)],
      [t("runs.changed"), String(r.aggregates_changed)],
      [t("runs.events"), String(r.events_written)],
      [t("runs.rejected"), String(r.rejected)],
    ];
    if (r.persons_assessed_late !== undefined) rows.push([t("runs.late"), String(r.persons_assessed_late)]);
    return h(
      "section",
      { "aria-labelledby": "runs-result" },
      h("h2", { id: "runs-result", tabindex: "-1" }, t("runs.resultTitle", { number: r.run_id })),
      facts(rows, { id: "runs-result-facts" }),
      r.rejections?.length > 0 && h("ul", { class: "explain" }, r.rejections.map((e) => h("li", {}, `${e.error}: ${e.message}`))),
    );
  }

  async function submitImport(event) {
    event.preventDefault();
    if (state.importing) return;
    const file = event.target.elements.file.files[0];
    if (!file) {
      state.importError = t("import.noFile");
      return paint("import-file");
    }
    state.importing = true; // before the first await: a double click imports once
    const bytes = new Uint8Array(await file.arrayBuffer());
    // One key per file chosen: the same file again after a network error imports once.
    const signature = `${file.name}:${file.size}:${file.lastModified}`;
    if (!state.importKey || state.importKey[0] !== signature) state.importKey = [signature, newIdempotencyKey()];
    state.importError = "";
    paint("import-submit");
    watch(); // the import on the board: its progress beside the button
    let focus = "import-result";
    try {
      const { body } = await call("POST", "/v1/payments/import", {
        bytes,
        contentType: contentType(file, bytes),
        idempotencyKey: state.importKey[1],
      });
      state.imported = { name: file.name, ...body };
      state.importKey = null;
      ctx.announce(t("import.done", { name: file.name }));
    } catch (e) {
      if (e.status === 401) return; // the session ended (api.js)
      if (e.status >= 400 && e.status < 500 && e.rule !== "IdempotencyKeyInFlight") state.importKey = null;
      state.importError = errorText(e); // call() throws ApiError, a network failure included
      focus = "import-file";
    } finally {
      state.importing = false;
    }
    await loadBoard(); // the import as it ended
    if (alive()) paint(focus);
  }

  function importSection() {
    const r = state.imported;
    return h(
      "section",
      { "aria-labelledby": "import-title" },
      h("h2", { id: "import-title" }, t("import.title")),
      h(
        "form",
        { id: "import-form", novalidate: true, onsubmit: submitImport },
        h(
          "div",
          { class: "field" },
          h("label", { for: "import-file" }, t("import.file")),
          h("input", {
            id: "import-file",
            name: "file",
            type: "file",
            accept: ".xml,.cod,.coda,.txt,application/xml,text/plain",
            "aria-invalid": state.importError ? "true" : false,
            "aria-describedby": "import-file-hint import-file-error",
          }),
          h("p", { id: "import-file-hint", class: "hint" }, t("import.hint")),
          h("p", { id: "import-file-error", class: "field-error", role: "alert" }, state.importError),
        ),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "submit", class: "primary", id: "import-submit", "aria-busy": state.importing ? "true" : false, disabled: state.importing }, t(state.importing ? "import.busy" : "import.submit")),
          state.importing && h("span", { id: "import-progress", "aria-live": "polite" }, t("runs.starting")),
        ),
      ),
      r &&
        h(
          "div",
          {},
          h("h3", { id: "import-result", tabindex: "-1" }, t("import.resultTitle", { name: r.name })),
          facts(
            [
              [t("import.format"), r.format],
              [t("import.statements"), String(r.statements)],
              [t("import.credits"), String(r.credit_lines)],
              [t("import.matched"), String(r.matched)],
              [t("import.suspense"), String(r.suspense)],
              [t("import.already"), String(r.already_recorded)],
              [t("runs.events"), String(r.events_written)],
            ],
            { id: "import-result-facts" },
          ),
        ),
    );
  }

  function paint(focusId) {
    fill(
      ctx.main,
      h("h1", { id: "runs-title" }, t("runs.title")),
      h("p", { class: "muted" }, t("runs.intro")),
      resultFacts(),
      h("section", { "aria-labelledby": "runs-board-title" }, h("h2", { id: "runs-board-title" }, t("runs.boardTitle")), h("div", { id: "runs-board" })),
      h(
        "section",
        { "aria-labelledby": "runs-start-title" },
        h("h2", { id: "runs-start-title" }, t("runs.startTitle")),
        forms.map(([run, form]) =>
          h(
            "details",
            { id: `run-${run}-details`, open: open.has(run), ontoggle: (e) => (e.target.open ? open.add(run) : open.delete(run)) },
            h("summary", { id: `run-${run}-title` }, t(`runs.${run}.title`)),
            h("div", { class: "details-body" }, form.paint({ title: false })),
          ),
        ),
      ),
      importSection(),
    );
    paintBoard();
    focusOn(focusId);
  }

  await loadBoard();
  if (!alive()) return null;
  paint();
  if (anyRunning()) watch();
  return { paint: () => paint() };
}
