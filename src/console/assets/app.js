// The sluice console's page. It reads the console's JSON API and builds every view with
// DOM calls: text from the API only ever goes into textContent or a text node, attributes
// are set one by one from a fixed list, and nothing is parsed as HTML, so markup in a
// message or a topic name stays text. Charts are SVG drawn here; no library is loaded.
"use strict";

const state = { session: null, timer: null, view: "", arg: "", seriesTimer: null };

// --- DOM helpers ---------------------------------------------------------------------

const SVGNS = "http://www.w3.org/2000/svg";
const ATTRS = new Set(["class", "id", "href", "type", "name", "value", "placeholder", "min",
  "max", "step", "for", "colspan", "title", "hidden", "disabled", "checked", "selected",
  "maxlength", "required", "open"]);

// el("td", {class: "num", data: {col: "messages"}}, "12") → <td class="num" data-col=...>
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  for (const k of kids.flat()) {
    if (k === null || k === undefined) continue;
    e.appendChild(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

function setAttrs(e, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "data") {
      for (const [dk, dv] of Object.entries(v)) e.dataset[dk] = String(dv);
    } else if (k === "on") {
      for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    } else if (k === "text") {
      e.textContent = String(v);
    } else if (ATTRS.has(k)) {
      if (k === "href" && !String(v).startsWith("#")) continue; // internal links only
      e.setAttribute(k, v === true ? "" : String(v));
    }
  }
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = String(v);
    else if (k === "data") for (const [dk, dv] of Object.entries(v)) e.dataset[dk] = String(dv);
    else e.setAttribute(k, String(v));
  }
  return e;
}

function fmt(n) {
  if (n === null || n === undefined || n < 0) return "–";
  return Number(n).toLocaleString("en-US");
}

function rate(n) {
  if (n === null || n === undefined || !isFinite(n)) return "–";
  return (n >= 100 ? Math.round(n).toLocaleString("en-US") : Number(n).toFixed(1)) + "/s";
}

function secs(n) {
  if (n === null || n === undefined || !isFinite(n)) return "–";
  return n < 1 ? (n * 1000).toFixed(1) + " ms" : n.toFixed(2) + " s";
}

function when(ms) {
  if (ms === null || ms === undefined || ms < 0) return "–";
  return new Date(ms).toISOString().replace("T", " ").replace("Z", " UTC");
}

function badge(word, cls) {
  return el("span", { class: "badge " + cls, data: { health: word } }, word);
}

function figure(label, value, key) {
  return el("div", { class: "figure", data: { fig: key || label } },
    el("div", { class: "n" }, value), el("div", { class: "l" }, label));
}

function table(headers, rows, attrs) {
  const head = el("tr", null, headers.map(h =>
    el("th", { class: h.num ? "num" : null }, h.label || h)));
  return el("table", attrs, el("thead", null, head), el("tbody", null, rows));
}

function cell(value, col, num) {
  return el("td", { class: num ? "num" : null, data: { col } }, value);
}

function link(text, hash) {
  return el("a", { href: "#" + hash }, text);
}

function hashFor(view, arg) {
  return view + (arg ? "/" + encodeURIComponent(arg) : "");
}

function view(...kids) {
  const main = document.getElementById("view");
  main.replaceChildren(...kids.flat().filter(k => k));
}

// --- API -----------------------------------------------------------------------------

async function api(path, options) {
  const r = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
  if (r.status === 401) {
    window.location.assign("/login");
    throw new Error("authentication required");
  }
  let body = null;
  try { body = await r.json(); } catch (e) { body = { error: "answer is not JSON" }; }
  if (!r.ok) {
    const err = new Error(body && body.error ? body.error : "HTTP " + r.status);
    err.status = r.status;
    throw err;
  }
  return body;
}

async function change(method, path, fields) {
  return api(path, {
    method,
    headers: { "X-Sluice-Console": "1", "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

function errorBanner(e) {
  return el("p", { class: "banner-error", data: { error: "1" } }, String(e.message || e));
}

function freshness(s) {
  const f = document.getElementById("freshness");
  if (!s || s.taken_ms === undefined) return;
  f.textContent = "snapshot " + when(s.taken_ms) + " (" + Math.round(s.age_ms / 100) / 10 + " s old)";
  if (!s.kafka_ok) f.textContent += " — Kafka not answering";
}

// --- views ---------------------------------------------------------------------------

const views = {
  overview: renderOverview, pipeline: renderPipeline, topics: renderTopics, topic: renderTopic,
  groups: renderGroups, messages: renderMessages, dlq: renderDlq, schemas: renderSchemas,
  charts: renderCharts, manage: renderManage,
};

function healthClass(word) {
  return word === "ok" ? "ok" : word === "down" ? "down" : word === "unreachable" ? "down" : "unknown";
}

async function renderOverview() {
  const o = await api("/api/overview");
  freshness(o);
  const k = o.kafka, c = o.cassandra, r = o.registry;
  const kafkaCard = el("div", { class: "card", data: { card: "kafka" } },
    el("h3", null, "Kafka ", badge(k.ok ? "ok" : "down", k.ok ? "ok" : "down")),
    k.error ? el("p", { class: "error" }, k.error) : null,
    el("div", { class: "figures" },
      figure("brokers", fmt(k.brokers.length), "brokers"),
      figure("topics", fmt(k.topics), "topics"),
      figure("partitions", fmt(k.partitions), "partitions"),
      figure("under-replicated", fmt(k.under_replicated), "under_replicated"),
      figure("offline", fmt(k.offline), "offline"),
      figure("groups", fmt(k.groups), "groups")),
    el("p", { class: "muted" }, "cluster ", el("span", { class: "mono", data: { col: "cluster_id" } }, k.cluster_id || "–")),
    table(["id", "host", "port", "controller"], k.brokers.map(b =>
      el("tr", { data: { broker: b.id } }, cell(b.id, "id", true), cell(b.host, "host"),
        cell(b.port, "port", true), cell(b.controller ? "yes" : "", "controller"))),
    { id: "brokers" }));
  const cassCard = el("div", { class: "card", data: { card: "cassandra" } },
    el("h3", null, "Cassandra ", c.configured
      ? badge(c.up > 0 ? (c.down > 0 ? "degraded" : "ok") : "down", c.up > 0 ? (c.down > 0 ? "warn" : "ok") : "down")
      : badge("not watched", "unknown")),
    el("div", { class: "figures" },
      figure("hosts up", fmt(c.up), "cassandra_up"), figure("hosts down", fmt(c.down), "cassandra_down")),
    c.contact_points ? el("p", { class: "muted" }, "contact points ", c.contact_points) : null,
    c.error ? el("p", { class: "error" }, c.error) : null,
    table(["address", "data centre", "rack", "version"], c.peers.map(p =>
      el("tr", null, cell(p.address, "address"), cell(p.datacenter, "dc"), cell(p.rack, "rack"),
        cell(p.version, "version"))), { id: "cassandra-hosts" }));
  const regCard = el("div", { class: "card", data: { card: "registry" } },
    el("h3", null, "Schema registry ", r.configured
      ? badge(r.reachable ? "reachable" : "unreachable", r.reachable ? "ok" : "down")
      : badge("not configured", "unknown")),
    r.url ? el("p", { class: "mono" }, r.url) : null,
    r.error ? el("p", { class: "error" }, r.error) : null);
  const comps = table(["component", "kind", "health", "HTTP", "answer", "error"], o.components.map(x =>
    el("tr", { data: { component: x.name } }, cell(x.name, "name"), cell(x.kind, "kind"),
      el("td", { data: { col: "health" } }, badge(x.health, healthClass(x.health))),
      cell(x.health_code || "–", "code", true),
      el("td", { data: { col: "body" } }, el("pre", null, x.health_body || "")),
      cell(x.error || "", "error"))), { id: "components" });
  view(el("h2", null, "Overview"), el("div", { class: "cards" }, kafkaCard, cassCard, regCard),
    el("h3", null, "Components"), o.components.length ? comps
      : el("p", { class: "muted" }, "No --component given: start the console with --component NAME=URL for each ingest and processor."));
}

// Boxes of the pipeline picture: API → ingest → topic → process → table, DLQ below.
// Cuts a label to what fits a box; the whole text is in the box's tooltip.
function fit(text, n) {
  const t = String(text);
  return t.length > n ? t.slice(0, n - 1) + "…" : t;
}

function pipeBox(g, x, y, w, h, title, lines, health, key) {
  const box = svg("g", { data: { box: key, health } });
  box.appendChild(svg("title", { text: [title].concat(lines).join("\n") }));
  box.appendChild(svg("rect", { x, y, width: w, height: h, class: health }));
  const chars = Math.floor((w - 16) / 7);
  box.appendChild(svg("text", { x: x + 10, y: y + 20, class: "title", text: fit(title, chars) }));
  lines.forEach((t, i) => box.appendChild(svg("text", {
    x: x + 10, y: y + 40 + i * 16, class: "rate", text: fit(t, chars), data: { line: i } })));
  g.appendChild(box);
}

function arrow(g, x1, y1, x2, y2) {
  g.appendChild(svg("line", { x1, y1, x2, y2 }));
}

function worst(words) {
  if (!words.length) return "unknown";
  if (words.includes("down")) return "down";
  if (words.includes("warn")) return "warn";
  return words.every(w => w === "ok") ? "ok" : "unknown";
}

async function renderPipeline() {
  const o = await api("/api/overview");
  freshness(o);
  const p = o.pipeline, r = p.rates || {};
  const ingests = o.components.filter(c => c.kind === "ingest");
  const procs = o.components.filter(c => c.kind === "process");
  const h = list => worst(list.map(c => healthClass(c.health)));
  const s = svg("svg", { width: 1100, height: 330, viewBox: "0 0 1100 330", class: "pipe", id: "pipeline-svg" });
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", markerWidth: 10, markerHeight: 10, refX: 9, refY: 5, orient: "auto" });
  marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }));
  defs.appendChild(marker);
  s.appendChild(defs);
  const cass = o.cassandra;
  const cassHealth = !cass.configured ? "unknown" : cass.up === 0 ? "down" : cass.down > 0 ? "warn" : "ok";
  const topicHealth = !o.kafka.ok ? "down" : !p.topic_exists ? "unknown"
    : o.kafka.offline > 0 ? "down" : o.kafka.under_replicated > 0 ? "warn" : "ok";
  pipeBox(s, 10, 60, 170, 90, "HTTP API", ["fetched " + rate(r.fetched)], ingests.length ? h(ingests) : "unknown", "api");
  pipeBox(s, 230, 60, 180, 90, "ingest ×" + ingests.length, ["produced " + rate(r.produced), ingests.map(c => c.name).join(", ")], h(ingests), "ingest");
  pipeBox(s, 460, 60, 190, 110, "topic", ["in " + rate(r.produced), fmt(p.messages) + " messages", "lag " + fmt(p.lag), p.topic], topicHealth, "topic");
  pipeBox(s, 700, 60, 180, 90, "process ×" + procs.length, ["consumed " + rate(r.consumed), procs.map(c => c.name).join(", ")], h(procs), "process");
  pipeBox(s, 920, 60, 170, 90, "table", ["written " + rate(r.written), p.table], cassHealth, "table");
  pipeBox(s, 580, 210, 220, 90, "dead letters", ["in " + rate(r.dead_lettered), fmt(p.dlq_messages) + " messages", p.dlq_topic],
    p.dlq_messages > 0 ? "warn" : "ok", "dlq");
  arrow(s, 180, 105, 228, 105); arrow(s, 410, 105, 458, 105); arrow(s, 650, 105, 698, 105);
  arrow(s, 880, 105, 918, 105); arrow(s, 790, 150, 740, 208);
  view(el("h2", null, "Pipeline"), s,
    el("p", { class: "muted" }, "Rates are per second over the last sampling interval; colours: green healthy, amber degraded, red down, grey unknown."));
}

async function renderTopics() {
  const showInternal = state.arg === "internal";
  const t = await api("/api/topics" + (showInternal ? "?internal=1" : ""));
  freshness(t);
  const toggle = el("label", null, el("span", null, "show internal topics"),
    el("input", { type: "checkbox", id: "show-internal", checked: showInternal,
      on: { change: e => { location.hash = e.target.checked ? "topics/internal" : "topics"; } } }));
  const rows = t.topics.map(x => el("tr", { data: { topic: x.name } },
    el("td", { data: { col: "name" } }, link(x.name, hashFor("topic", x.name)),
      x.dlq ? el("span", { class: "muted" }, " dead letters") : null),
    cell(x.partitions, "partitions", true), cell(x.replication, "replication", true),
    cell(fmt(x.messages), "messages", true), cell(x.under_replicated, "under_replicated", true),
    cell(x.offline, "offline", true),
    el("td", { data: { col: "lag" } }, x.groups.map(g =>
      el("div", { data: { group: g.group, lag: g.lag } }, g.group + ": " + fmt(g.lag))))));
  view(el("h2", null, "Topics"), el("div", { class: "controls" }, toggle,
    el("span", { class: "muted" }, t.hidden_internal + " internal topic(s) hidden")),
  table(["topic", { label: "partitions", num: 1 }, { label: "replication", num: 1 },
    { label: "messages", num: 1 }, { label: "under-replicated", num: 1 }, { label: "offline", num: 1 },
    "consumer lag"], rows, { id: "topics" }));
}

async function renderTopic() {
  const name = state.arg;
  const t = await api("/api/topics/" + encodeURIComponent(name));
  freshness(t);
  const parts = t.partition_list.map(p => el("tr", { data: { partition: p.partition } },
    cell(p.partition, "partition", true), cell(p.leader, "leader", true),
    cell(p.replicas.join(", "), "replicas"), cell(p.isr.join(", "), "isr"),
    cell(p.low, "low", true), cell(p.high, "high", true), cell(fmt(p.messages), "messages", true),
    cell(p.offline ? "offline" : p.under_replicated ? "under-replicated" : "ok", "state")));
  const groups = t.groups.map(g => el("div", { class: "card", data: { group: g.group } },
    el("h3", null, "group " + g.group + " — " + g.state + ", lag " + fmt(g.lag)),
    table([{ label: "partition", num: 1 }, { label: "committed", num: 1 }, { label: "lag", num: 1 }],
      g.partitions.map(p => el("tr", { data: { partition: p.partition } }, cell(p.partition, "partition", true),
        cell(p.committed === null ? "–" : p.committed, "committed", true),
        cell(p.lag === null ? "–" : p.lag, "lag", true))))));
  view(el("h2", null, "Topic ", el("span", { class: "mono", id: "topic-name" }, t.name)),
    el("div", { class: "figures" }, figure("partitions", t.partitions, "partitions"),
      figure("replication", t.replication, "replication"), figure("messages", fmt(t.messages), "messages")),
    el("p", null, link("Browse its messages", hashFor("messages", t.name))), await topicSubject(t.name),
    table([{ label: "partition", num: 1 }, { label: "leader", num: 1 }, "replicas", "ISR",
      { label: "low", num: 1 }, { label: "high", num: 1 }, { label: "messages", num: 1 }, "state"],
    parts, { id: "partitions" }),
    el("h3", null, "Consumer groups on this topic"),
    groups.length ? groups : el("p", { class: "muted" }, "No group has committed offsets here."));
}

async function renderGroups() {
  const d = await api("/api/groups");
  freshness(d);
  const cards = d.groups.map(g => {
    const members = table(["client id", "host", "assigned"], g.members.map(m =>
      el("tr", null, cell(m.client_id, "client_id"), cell(m.host, "host"),
        cell(m.assignments.map(a => a.topic + "[" + a.partition + "]").join(", "), "assigned"))));
    const topics = g.topics.map(t => el("div", { data: { topic: t.topic } },
      el("h3", null, t.topic + " — lag " + fmt(t.lag)),
      table([{ label: "partition", num: 1 }, { label: "committed", num: 1 }, { label: "high", num: 1 },
        { label: "lag", num: 1 }, "member"], t.partitions.map(p =>
        el("tr", { data: { partition: p.partition } }, cell(p.partition, "partition", true),
          cell(p.committed === null ? "–" : p.committed, "committed", true), cell(p.high, "high", true),
          cell(p.lag === null ? "–" : p.lag, "lag", true),
          cell(p.client_id ? p.client_id + " @ " + p.host : "", "member"))))));
    return el("div", { class: "card", data: { group: g.id } },
      el("h3", null, "group ", el("span", { class: "mono" }, g.id), " ",
        badge(g.state, g.state === "Stable" ? "ok" : g.state === "Empty" ? "unknown" : "warn")),
      el("div", { class: "figures" }, figure("members", g.members.length, "members"),
        figure("lag", fmt(g.lag), "lag")),
      g.error ? el("p", { class: "error" }, g.error) : null,
      g.members.length ? members : el("p", { class: "muted" }, "No active members."), topics);
  });
  view(el("h2", null, "Consumer groups"), d.error ? errorBanner(new Error(d.error)) : null,
    cards.length ? cards : el("p", { class: "muted" }, "No consumer groups."));
}

function messageRow(m) {
  const headers = el("div", null, m.headers.map(h =>
    el("div", { class: "mono" }, h.name + ": " + (h.value === null ? "(null)" : h.value))));
  const text = m.value === null ? "(null)" : m.value_format === "avro" && !m.value_truncated ? pretty(m.value) : m.value;
  const value = el("pre", { class: "value", data: { col: "value" } }, text);
  return el("tr", { data: { partition: m.partition, offset: m.offset } },
    cell(m.partition, "partition", true), cell(m.offset, "offset", true),
    cell(when(m.timestamp), "timestamp"),
    el("td", { data: { col: "key" } }, el("pre", null, m.key === null ? "(null)" : m.key)),
    el("td", null, value,
      m.value_truncated ? el("div", { class: "trunc" }, "cut at the size cap: " + fmt(m.value_bytes) + " bytes in all") : null,
      m.value_format && m.value_format !== "text" ? el("div", { class: "muted" }, m.value_format +
        (m.schema_id !== undefined ? ", schema id " + m.schema_id : "") + (m.decode_error ? " — " + m.decode_error : "")) : null),
    el("td", { data: { col: "headers" } }, headers));
}

async function renderMessages() {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const topic = state.arg || params.get("topic") || (state.session && state.session.topic) || "";
  const topics = await api("/api/topics");
  freshness(topics);
  const f = {
    topic: el("select", { name: "topic", id: "msg-topic" }, topics.topics.map(t =>
      el("option", { value: t.name, selected: t.name === topic }, t.name))),
    partition: el("input", { name: "partition", id: "msg-partition", placeholder: "all", value: params.get("partition") || "", maxlength: 7 }),
    from: el("select", { name: "from", id: "msg-from" }, ["latest", "earliest", "offset", "timestamp"].map(v =>
      el("option", { value: v, selected: (params.get("from") || "latest") === v }, v))),
    offset: el("input", { name: "offset", id: "msg-offset", value: params.get("offset") || "", placeholder: "offset" }),
    timestamp: el("input", { name: "timestamp", id: "msg-timestamp", type: "datetime-local", step: 1 }),
    limit: el("input", { name: "limit", id: "msg-limit", value: params.get("limit") || "20", maxlength: 4 }),
    filter: el("input", { name: "filter", id: "msg-filter", value: params.get("filter") || "", placeholder: "text in key, value or headers" }),
  };
  const out = el("div", { id: "messages-result" });
  const form = el("form", { class: "inline", id: "messages-form" },
    ["topic", "partition", "from", "offset", "timestamp", "limit", "filter"].map(k => el("label", null, k, f[k])),
    el("button", { type: "submit" }, "Read"));
  async function read(ev) {
    if (ev) ev.preventDefault();
    const q = new URLSearchParams();
    if (f.partition.value) q.set("partition", f.partition.value);
    q.set("limit", f.limit.value || "20");
    q.set("from", f.from.value);
    if (f.from.value === "offset") q.set("offset", f.offset.value);
    if (f.from.value === "timestamp") q.set("timestamp", String(new Date(f.timestamp.value).getTime()));
    if (f.filter.value) q.set("filter", f.filter.value);
    out.replaceChildren(el("p", { class: "muted" }, "reading…"));
    try {
      const r = await api("/api/topics/" + encodeURIComponent(f.topic.value) + "/messages?" + q.toString());
      out.replaceChildren(
        el("p", { class: "muted", id: "messages-summary" }, "read " + r.scanned + ", matched " + r.matched +
          ", shown " + r.returned + (r.timed_out ? " (stopped at the time limit)" : "") +
          (r.page_truncated ? " (page cut at its size cap)" : "")),
        table([{ label: "partition", num: 1 }, { label: "offset", num: 1 }, "timestamp", "key", "value", "headers"],
          r.messages.map(messageRow), { id: "messages" }));
    } catch (e) {
      out.replaceChildren(errorBanner(e));
    }
  }
  form.addEventListener("submit", read);
  view(el("h2", null, "Messages"), form, out);
  if (f.topic.value) await read();
}

async function renderDlq() {
  const d = await api("/api/dlq");
  freshness(d);
  const topics = (d.view && d.view.topics) || [];
  const cards = topics.map(t => el("div", { class: "card", data: { dlq: t.topic } },
    el("h3", null, t.topic, el("span", { class: "muted" }, " from " + t.source_topic)),
    el("div", { class: "figures" }, figure("messages", fmt(t.messages), "messages"),
      figure("counted", fmt(t.counted), "counted"), figure("reasons", t.reasons.length, "reasons")),
    table(["reason", { label: "count", num: 1 }, "newest samples"], t.reasons.map(r =>
      el("tr", { data: { reason: r.reason } }, cell(r.reason, "reason"), cell(r.count, "count", true),
        el("td", null, r.samples.map(s => el("details", { data: { offset: s.offset } },
          el("summary", null, "offset " + s.partition + ":" + s.offset + " · source " +
            (s.source.topic || "–") + " [" + (s.source.partition || "–") + "] @ " + (s.source.offset || "–") +
            (s.field ? " · field " + s.field : "")),
          el("div", { class: "mono" }, "key: " + s.key),
          el("pre", { data: { col: "value" } }, s.value),
          s.value_bytes > s.value.length ? el("div", { class: "trunc" }, "first bytes of " + fmt(s.value_bytes)) : null))))),
    { class: "reasons" })));
  const notFollowed = (d.view && d.view.not_followed) || [];
  view(el("h2", null, "Dead letters"),
    el("p", { class: "muted" }, "Topics ending in " + d.suffix + ", counted by their reason header since the console started reading them."),
    cards.length ? cards : el("p", { class: "muted" }, "No dead-letter topics."),
    notFollowed.length ? el("p", { class: "muted", id: "dlq-not-followed" },
      "Not counted (more dead-letter topics than the console follows): " + notFollowed.join(", ")) : null);
}

// JSON text indented for reading; the text itself when it is not JSON.
function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

async function renderSchemas() {
  const only = state.arg;
  const d = await api("/api/schemas" + (only ? "?subject=" + encodeURIComponent(only) : ""));
  const reg = d.url ? el("p", { id: "schemas-registry" }, "Registry ", el("span", { class: "mono" }, d.url), " ",
    badge(d.reachable ? "reachable" : "unreachable", d.reachable ? "ok" : "down"),
    d.global_compatibility ? el("span", null, " · global compatibility ",
      el("span", { class: "mono", id: "global-compatibility" }, d.global_compatibility)) : null) : null;
  if (!d.available) {
    view(el("h2", null, "Schemas"), el("p", { class: "muted", id: "schemas-unavailable" },
      "Schemas are not available: " + d.reason + "."), reg);
    return;
  }
  const rows = d.subjects.map(s => el("tr", { data: { subject: s.name } },
    cell(s.name, "name"), cell(s.versions.join(", "), "versions"), cell(s.latest_version, "latest", true),
    cell(s.latest_id, "id", true), cell(s.compatibility || "–", "compatibility"),
    el("td", { data: { col: "topic" } }, s.topic ? link(s.topic, hashFor("topic", s.topic)) : "–"),
    el("td", null, el("details", { open: !!only }, el("summary", null, s.schema_type + " v" + s.latest_version),
      el("pre", { class: "schema", data: { col: "schema" } }, s.schema === null ? "(left out: the answer's cap on schema text was reached)" : pretty(s.schema))))));
  view(el("h2", null, "Schemas", only ? el("span", { class: "muted" }, " — " + only + " (", link("all", "schemas"), ")") : null),
    reg, rows.length ? table(["subject", "versions", { label: "latest", num: 1 }, { label: "latest id", num: 1 },
      "compatibility", "topic", "schema"], rows, { id: "subjects" })
      : el("p", { class: "muted", id: "schemas-none" }, only ? "The registry has no subject " + only + "." : "No subjects."));
}

// The topic's value subject (TopicNameStrategy: <topic>-value) as a line for its page.
async function topicSubject(topic) {
  const name = topic + "-value";
  let d;
  try { d = await api("/api/schemas?subject=" + encodeURIComponent(name)); } catch (e) { return null; }
  if (!d.url) return null;
  if (!d.available) return el("p", { class: "muted", id: "topic-subject" }, "Schema: " + d.reason);
  const s = d.subjects[0];
  return el("p", { id: "topic-subject" }, "Value schema: ", s
    ? [link(s.name, hashFor("schemas", s.name)), " — version " + s.latest_version + ", id " + s.latest_id +
      ", compatibility " + (s.compatibility || "–")]
    : el("span", { class: "muted" }, "no subject " + name + " in the registry"));
}

// --- charts --------------------------------------------------------------------------

const CHARTS = [
  { key: "throughput", title: "Throughput (per second)", series: ["produced", "fetched", "consumed", "written", "dead_lettered"], fmt: rate },
  { key: "lag", title: "Consumer lag on the pipeline topic (messages)", series: ["lag"], fmt: fmt },
  { key: "latency", title: "End-to-end latency (seconds)", series: ["e2e_p50_s", "e2e_p99_s"], fmt: secs },
];

function drawChart(spec, columns, points) {
  const W = 1000, H = 200, L = 70, R = 10, T = 10, B = 24;
  const idx = spec.series.map(n => columns.indexOf(n));
  const ts = points.map(p => p[0]);
  let max = 0;
  for (const p of points) for (const i of idx) if (p[i] !== null && p[i] > max) max = p[i];
  if (max <= 0) max = 1;
  const t0 = ts.length ? ts[0] : 0, t1 = ts.length ? ts[ts.length - 1] : 1;
  const x = t => L + (t1 > t0 ? (t - t0) / (t1 - t0) : 1) * (W - L - R);
  const y = v => T + (1 - v / max) * (H - T - B);
  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", height: H, data: { chart: spec.key, points: points.length } });
  s.appendChild(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }));
  s.appendChild(svg("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }));
  s.appendChild(svg("text", { x: 4, y: T + 10, text: spec.fmt(max) }));
  s.appendChild(svg("text", { x: 4, y: H - B, text: spec.fmt(0) }));
  if (ts.length) {
    s.appendChild(svg("text", { x: L, y: H - 6, text: when(t0) }));
    s.appendChild(svg("text", { x: W - R - 150, y: H - 6, text: when(t1) }));
  }
  spec.series.forEach((name, k) => {
    let d = "", pen = false;
    for (const p of points) {
      const v = p[idx[k]];
      if (v === null || v === undefined) { pen = false; continue; }
      d += (pen ? "L" : "M") + x(p[0]).toFixed(1) + "," + y(v).toFixed(1);
      pen = true;
    }
    s.appendChild(svg("path", { d: d || "M0,0", class: "series c" + k, data: { series: name } }));
  });
  const last = points.length ? points[points.length - 1] : null;
  const legend = el("div", { class: "legend" }, spec.series.map((name, k) =>
    el("span", { data: { legend: name } }, el("span", { class: "swatch c" + k }), name + " " +
      (last ? spec.fmt(last[idx[k]]) : "–"))));
  return el("div", { class: "card", data: { chartcard: spec.key } }, el("h3", null, spec.title), s, legend);
}

async function renderCharts() {
  const d = await api("/api/series");
  view(el("h2", null, "Charts"),
    el("p", { class: "muted", id: "series-info" }, d.count + " samples, one every " + d.interval_s +
      " s; the ring holds " + d.capacity + " (" + Math.round(d.capacity * d.interval_s / 60) + " min)."),
    CHARTS.map(c => drawChart(c, d.columns, d.points)));
}

// --- manage --------------------------------------------------------------------------

function resultBox(id) {
  return el("div", { class: "result", id });
}

function showResult(box, promise, render) {
  box.replaceChildren(el("p", { class: "muted" }, "working…"));
  return promise.then(r => box.replaceChildren(render ? render(r) : el("p", { data: { ok: "1" } }, "Done: " + r.done)))
    .catch(e => box.replaceChildren(errorBanner(e)));
}

function planTable(p) {
  return el("div", null,
    el("p", { data: { applied: p.applied ? "1" : "0" } }, (p.applied ? "Reset done: " : "Plan (nothing changed yet): ") +
      "group " + p.group + " on " + p.topic + " to " + p.to + "; " + fmt(p.replay) + " message(s) will be read again."),
    table([{ label: "partition", num: 1 }, { label: "low", num: 1 }, { label: "high", num: 1 },
      { label: "current", num: 1 }, { label: "new", num: 1 }], p.partitions.map(x =>
      el("tr", { data: { partition: x.partition } }, cell(x.partition, "partition", true), cell(x.low, "low", true),
        cell(x.high, "high", true), cell(x.current === null ? "–" : x.current, "current", true),
        cell(x.target, "target", true))), { id: "reset-plan" }));
}

function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

async function renderManage() {
  if (state.session && state.session.read_only) {
    view(el("h2", null, "Manage"), el("p", { id: "read-only" },
      "This console is read-only. Start it with --auth-token-file FILE (or SLUICE_CONSOLE_TOKEN) to create topics, add partitions, reset offsets and delete topics."));
    return;
  }
  const [t, g] = await Promise.all([api("/api/topics"), api("/api/groups")]);
  freshness(t);
  const topicOptions = () => t.topics.map(x => el("option", { value: x.name }, x.name));
  const create = el("form", { class: "inline", id: "create-topic" },
    el("label", null, "name", el("input", { name: "name", required: true })),
    el("label", null, "partitions", el("input", { name: "partitions", value: "3" })),
    el("label", null, "replication", el("input", { name: "replication", value: "1" })),
    el("label", null, "retention ms (empty: default, -1: forever)", el("input", { name: "retention_ms" })),
    el("button", { type: "submit" }, "Create topic"));
  const createOut = resultBox("create-result");
  create.addEventListener("submit", ev => { ev.preventDefault();
    showResult(createOut, change("POST", "/api/topics", formValues(create))); });

  const addSel = el("select", { name: "topic" }, topicOptions());
  const add = el("form", { class: "inline", id: "add-partitions" }, el("label", null, "topic", addSel),
    el("label", null, "new total", el("input", { name: "count" })), el("button", { type: "submit" }, "Add partitions"));
  const addOut = resultBox("add-result");
  add.addEventListener("submit", ev => { ev.preventDefault(); const v = formValues(add);
    showResult(addOut, change("POST", "/api/topics/" + encodeURIComponent(v.topic) + "/partitions", { count: v.count })); });

  const reset = el("form", { class: "inline", id: "reset-offsets" },
    el("label", null, "group", el("select", { name: "group" }, g.groups.map(x =>
      el("option", { value: x.id }, x.id + " (" + x.state + ")")))),
    el("label", null, "topic", el("select", { name: "topic" }, topicOptions())),
    el("label", null, "partition (empty: all)", el("input", { name: "partition" })),
    el("label", null, "to", el("select", { name: "to" }, ["earliest", "latest", "timestamp", "offset"].map(v => el("option", { value: v }, v)))),
    el("label", null, "offset, or time (ms or ISO-8601)", el("input", { name: "value" })),
    el("button", { type: "button", id: "reset-preview" }, "Preview"),
    el("button", { type: "submit", class: "danger", id: "reset-apply" }, "Reset offsets"));
  const resetOut = resultBox("reset-result");
  const resetFields = dry => { const v = formValues(reset); const f = { topic: v.topic, to: v.to };
    if (v.partition) f.partition = v.partition; if (v.value) f.value = v.value; if (dry) f.dry_run = "1";
    return [v.group, f]; };
  reset.querySelector("#reset-preview").addEventListener("click", () => { const [grp, f] = resetFields(true);
    showResult(resetOut, change("POST", "/api/groups/" + encodeURIComponent(grp) + "/reset", f), planTable); });
  reset.addEventListener("submit", ev => { ev.preventDefault(); const [grp, f] = resetFields(false);
    showResult(resetOut, change("POST", "/api/groups/" + encodeURIComponent(grp) + "/reset", f), planTable); });

  const delSel = el("select", { name: "topic" }, topicOptions());
  const confirmBox = el("input", { name: "confirm", id: "delete-confirm", placeholder: "type the topic's name" });
  const delBtn = el("button", { type: "submit", class: "danger", id: "delete-button", disabled: true }, "Delete topic");
  const sync = () => { delBtn.disabled = confirmBox.value !== delSel.value; };
  confirmBox.addEventListener("input", sync); delSel.addEventListener("change", sync);
  const del = el("form", { class: "inline", id: "delete-topic" }, el("label", null, "topic", delSel),
    el("label", null, "confirm", confirmBox), delBtn);
  const delOut = resultBox("delete-result");
  del.addEventListener("submit", ev => { ev.preventDefault(); if (confirmBox.value !== delSel.value) return;
    showResult(delOut, change("DELETE", "/api/topics/" + encodeURIComponent(delSel.value), { confirm: confirmBox.value })); });

  view(el("h2", null, "Manage"), el("p", { class: "muted" }, "Every action is logged by the console with who asked."),
    el("h3", null, "Create a topic"), create, createOut,
    el("h3", null, "Add partitions"), add, addOut,
    el("h3", null, "Reset a consumer group's offsets"),
    el("p", { class: "muted" }, "Refused while the group has members: stop its consumers first. A reset followed by a restart of the consumers replays the messages from the new offsets."),
    reset, resetOut,
    el("h3", null, "Delete a topic"), del, delOut);
}

// --- router --------------------------------------------------------------------------

function parseHash() {
  const h = (location.hash || "#overview").slice(1).split("?")[0];
  const i = h.indexOf("/");
  return i < 0 ? [h, ""] : [h.slice(0, i), decodeURIComponent(h.slice(i + 1))];
}

// Views that refresh on the sampling interval (forms and the browser do not).
const LIVE = new Set(["overview", "pipeline", "topics", "topic", "groups", "dlq", "charts"]);

async function route() {
  const [v, arg] = parseHash();
  state.view = views[v] ? v : "overview";
  state.arg = arg;
  for (const a of document.querySelectorAll("#nav a"))
    a.classList.toggle("active", a.dataset.view === (state.view === "topic" ? "topics" : state.view));
  clearInterval(state.timer);
  await draw();
  if (LIVE.has(state.view))
    state.timer = setInterval(draw, Math.max(1000, (state.session ? state.session.interval_s : 5) * 1000));
}

async function draw() {
  const current = state.view;
  try {
    await views[current]();
    document.body.dataset.rendered = current + ":" + Date.now();
  } catch (e) {
    if (state.view === current) view(el("h2", null, current), errorBanner(e));
  }
}

async function start() {
  try {
    state.session = await api("/api/session");
    document.getElementById("who").textContent = state.session.auth ? state.session.who : "read-only";
    document.getElementById("logout").hidden = !state.session.auth;
  } catch (e) {
    view(errorBanner(e));
    return;
  }
  window.addEventListener("hashchange", route);
  route();
}

document.addEventListener("DOMContentLoaded", start);
