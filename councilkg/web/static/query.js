// The query page: a SPARQL editor (YASQE, vendored) with the prepared
// queries selectable and their parameters as form fields.
//
// Why the server binds the parameters (/query/prepared) instead of this
// script: values are validated and encoded by the same code as the command
// line (councilkg.queries.bind), so a page, a script and `councilkg query`
// run the same SPARQL and get the same errors.  Results come from /sparql
// as SPARQL JSON; IRIs are shown with their labels in the page language.
(function () {
  "use strict";
  const app = document.getElementById("query-app");
  const catalogue = JSON.parse(document.getElementById("catalogue").textContent);
  const text = JSON.parse(document.getElementById("query-strings").textContent);
  const lang = document.documentElement.lang === "zh" ? "zh" : "en";
  const base = app.dataset.base;
  const endpoint = app.dataset.endpoint;
  const select = document.getElementById("prepared");
  const form = document.getElementById("params");
  const fields = document.getElementById("param-fields");
  const about = document.getElementById("prepared-about");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const table = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  let lastJson = null;

  const editor = new Yasqe(document.getElementById("editor"), {
    value: app.dataset.initial || "",
    persistenceId: null,
    showQueryButton: false,
    resizeable: true,
    editorHeight: "18em",
    // Offline: no completer that calls a remote service (LOV, prefix.cc).
    autocompleters: ["variables"],
  });
  window.councilkgEditor = editor;

  function byName(name) {
    return catalogue.find((q) => q.name === name);
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  function renderFields(query, given) {
    fields.replaceChildren();
    about.textContent = query ? query.description[lang] : "";
    if (!query) return;
    for (const p of query.params) {
      const row = document.createElement("label");
      row.className = "param";
      const name = document.createElement("span");
      name.textContent = `${p.name} (${p.type}${p.required ? ", " + text.required : ""})`;
      const input = document.createElement("input");
      input.name = p.name;
      input.id = "param-" + p.name;
      input.placeholder = p.example;
      input.value = given && p.name in given ? given[p.name] : p.example;
      input.required = p.required;
      input.title = p.description;
      row.append(name, input);
      fields.append(row);
    }
  }

  function cell(term, labels) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const local = base && term.value.startsWith(base + "id/");
      const a = document.createElement("a");
      a.href = local
        ? "/page/" + term.value.slice((base + "id/").length) + "?lang=" + lang
        : term.value;
      const names = labels[term.value] || {};
      a.textContent = names[lang] || names[lang === "zh" ? "en" : "zh"] || names[""] || term.value;
      a.title = term.value;
      a.dataset.iri = term.value;
      td.append(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.lang = term["xml:lang"];
    }
    return td;
  }

  async function labelsOf(rows) {
    const iris = new Set();
    for (const row of rows) {
      for (const term of Object.values(row)) if (term.type === "uri") iris.add(term.value);
    }
    if (!iris.size) return {};
    const reply = await fetch("/query/labels", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify([...iris]),
    });
    return reply.ok ? reply.json() : {};
  }

  function setDownloads(query) {
    const url = (fmt) => `${endpoint}?${new URLSearchParams({ query, format: fmt })}`;
    for (const fmt of ["csv", "tsv"]) {
      const a = document.getElementById("download-" + fmt);
      a.href = url(fmt);
    }
    const json = document.getElementById("download-json");
    json.href = URL.createObjectURL(
      new Blob([JSON.stringify(lastJson, null, 1)], { type: "application/sparql-results+json" })
    );
    downloads.hidden = false;
  }

  // Each run has a number; a reply that comes back after a newer run has
  // started is dropped, so two runs (a deep link's and a click) cannot mix
  // their rows or leave one's status over the other's table.
  let latestRun = 0;

  async function run(query) {
    const mine = ++latestRun;
    showError("");
    status.textContent = text.running;
    status.dataset.rows = "";
    table.replaceChildren();
    downloads.hidden = true;
    let reply;
    try {
      reply = await fetch(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/sparql-results+json",
        },
        body: new URLSearchParams({ query }),
      });
    } catch (err) {
      if (mine !== latestRun) return;
      status.textContent = "";
      showError(String(err));
      return;
    }
    if (mine !== latestRun) return;
    if (!reply.ok) {
      status.textContent = "";
      showError(`${reply.status}: ${await reply.text()}`);
      return;
    }
    const json = await reply.json();
    if (mine !== latestRun) return;
    lastJson = json;
    if ("boolean" in lastJson) {
      status.textContent = String(lastJson.boolean);
      status.dataset.rows = "0";
      setDownloads(query);
      return;
    }
    const vars = lastJson.head.vars;
    const rows = lastJson.results.bindings;
    const labels = await labelsOf(rows);
    if (mine !== latestRun) return;
    const head = document.createElement("thead");
    const tr = document.createElement("tr");
    for (const v of vars) {
      const th = document.createElement("th");
      th.textContent = v;
      th.scope = "col";
      tr.append(th);
    }
    head.append(tr);
    const body = document.createElement("tbody");
    for (const row of rows) {
      const line = document.createElement("tr");
      for (const v of vars) line.append(cell(row[v], labels));
      body.append(line);
    }
    table.append(head, body);
    // A string with plural forms ({one, other}) takes the one the count calls for.
    const form = typeof text.rows === "string" ? text.rows : rows.length === 1 ? text.rows.one : text.rows.other;
    status.textContent = form.replace("{n}", String(rows.length));
    status.dataset.rows = String(rows.length);
    const truncated = reply.headers.get("X-Councilkg-Truncated");
    if (truncated) status.textContent += " " + text.truncated;
    setDownloads(query);
  }

  async function runPrepared(event) {
    if (event) event.preventDefault();
    const query = byName(select.value);
    if (!query) return run(editor.getValue());
    const params = new URLSearchParams({ name: query.name });
    for (const input of fields.querySelectorAll("input")) {
      if (input.value.trim()) params.set(input.name, input.value.trim());
    }
    const reply = await fetch("/query/prepared?" + params);
    const data = await reply.json();
    if (!reply.ok) {
      showError(data.error);
      return;
    }
    editor.setValue(data.query);
    params.set("lang", lang);
    history.replaceState(null, "", "?" + params);
    return run(data.query);
  }

  select.addEventListener("change", () => {
    renderFields(byName(select.value), null);
    showError("");
  });
  form.addEventListener("submit", runPrepared);
  document.getElementById("run-editor").addEventListener("click", () => run(editor.getValue()));

  // A deep link (?name=…&param=…) selects the query, fills its fields, and
  // runs it: its SPARQL, bound by the server, goes into the editor and its
  // results into the table, as if the reader had pressed "Run".
  const asked = new URLSearchParams(location.search);
  if (asked.get("name") && byName(asked.get("name"))) {
    select.value = asked.get("name");
    const given = {};
    for (const [k, v] of asked) given[k] = v;
    // A link written when the parameter was one year (year=2020) still
    // fills the range that replaced it, as the command line accepts it.
    if (given.year !== undefined && given.years === undefined) given.years = given.year;
    renderFields(byName(select.value), given);
    runPrepared(null);
  } else {
    renderFields(byName(select.value), null);
  }
})();
