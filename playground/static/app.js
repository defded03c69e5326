// The playground page: editor, selectors, Check/Stop, results, Share.
(function () {
  const $ = (id) => document.getElementById(id);
  const src = $("source"), hl = $("highlight");
  let worker = null, examples = [], started = 0, loaded = false;

  function render() {
    hl.innerHTML = mmuHighlight(src.value) + "\n";
    hl.scrollTop = src.scrollTop;
    hl.scrollLeft = src.scrollLeft;
  }
  src.addEventListener("input", render);
  src.addEventListener("scroll", () => { hl.scrollTop = src.scrollTop; hl.scrollLeft = src.scrollLeft; });
  src.addEventListener("keydown", (e) => {
    if (e.key === "Tab") {
      e.preventDefault();
      document.execCommand("insertText", false, "  ");
    } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      check();
    }
  });

  function setSource(text) {
    src.value = text;
    render();
  }

  function status(text) { $("progress").textContent = text; }

  // The worker: Stop terminates it and starts a fresh one.
  function startWorker() {
    $("check").disabled = true;
    worker = new Worker("worker.js");
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.ready) {
        $("check").disabled = false;
        if (!loaded) status("Ready. Ctrl-Enter checks.");
        loaded = true;
      } else if (m.failed) {
        status("The checker did not load: " + m.failed);
      } else if (m.progress) {
        const p = m.progress;
        let s = `Checking… ${p.executions} executions, ${p.states} states, ${p.seconds.toFixed(1)} s`;
        if (p.done > 0) s += `, about ${(100 * p.done).toFixed(0)}% explored`;
        status(s);
      } else if (m.result) {
        const wall = performance.now() - started;
        started = 0;
        $("stop").disabled = true;
        $("check").disabled = false;
        show(m.result);
        const checker = m.result.runs ? m.result.runs.reduce((a, r) => a + r.elapsedMS, 0) : 0;
        status(`Done in ${wall.toFixed(0)} ms (exploring ${checker.toFixed(1)} ms).`);
        document.body.dataset.state = "done";
      }
    };
  }

  function check() {
    if ($("check").disabled) return;
    document.body.dataset.state = "checking";
    $("check").disabled = true;
    $("stop").disabled = false;
    $("verdict").textContent = "";
    $("block").textContent = "";
    $("table").textContent = "";
    $("chart").textContent = "";
    status("Checking…");
    started = performance.now();
    worker.postMessage({ name: currentName(), src: src.value, arch: $("arch").value, model: $("model").value });
  }

  function stop() {
    worker.terminate();
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    started = 0;
    $("stop").disabled = true;
    status(`Stopped after ${secs} s.`);
    document.body.dataset.state = "stopped";
    startWorker();
  }

  function currentName() {
    const e = $("examples").value;
    return (e ? e.split("/").pop() : "playground") + ".mmu";
  }

  function show(res) {
    const v = $("verdict");
    if (res.error) {
      const d = document.createElement("div");
      d.className = "run error";
      d.textContent = res.error.message;
      v.appendChild(d);
    }
    const blocks = [];
    for (const r of res.runs || []) {
      const d = document.createElement("div");
      const good = r.expected ? r.matched : r.verdict === "ok";
      d.className = "run " + (good ? "good" : "bad");
      let text = `${r.arch}: ${r.verdict}`;
      if (r.expected) text += ` (expected ${r.expected}: ${r.matched ? "matched" : "NOT matched"})`;
      d.textContent = text + `, ${r.executions} executions`;
      v.appendChild(d);
      blocks.push(r.block.trimEnd());
      if (r.table) $("table").appendChild(traceTable(r));
      if (r.table && r.table.chart) $("chart").appendChild(traceChart(r));
    }
    $("block").textContent = blocks.join("\n\n");
  }

  // traceTable draws a counterexample as the CPU-column table.
  function traceTable(r) {
    const t = r.table;
    const wrap = document.createElement("div");
    const cap = document.createElement("div");
    cap.className = "caption";
    cap.textContent = `${r.arch}: ${t.title}`;
    wrap.appendChild(cap);
    const table = document.createElement("table");
    table.className = "trace";
    const head = table.insertRow();
    for (const h of ["step"].concat(t.heads)) {
      const th = document.createElement("th");
      th.textContent = h;
      head.appendChild(th);
    }
    (t.rows || []).forEach((row, i) => {
      const tr = table.insertRow();
      if (i === t.rows.length - 1) tr.className = "last";
      const step = tr.insertCell();
      step.className = "step";
      step.textContent = row.step;
      for (let c = 0; c < t.heads.length; c++) {
        const td = tr.insertCell();
        if (c !== row.col) continue;
        td.className = "event" + (row.handler ? " " + row.handler : "");
        td.textContent = (row.handler ? row.handler + "│ " : "") + (row.line ? row.line + ": " : "") + row.text;
      }
    });
    wrap.appendChild(table);
    const msg = document.createElement("div");
    msg.className = "message";
    msg.textContent = t.message;
    wrap.appendChild(msg);
    return wrap;
  }

  // traceChart shows report.Chart's SVG of the counterexample: one lane
  // per CPU, a row per event, arrows between lanes. report escapes every
  // text of the script in it, so it is markup to insert; it is parsed as
  // XML, which refuses what is not well-formed instead of repairing it,
  // and scripts of a parsed document never run.
  function traceChart(r) {
    const wrap = document.createElement("div");
    const cap = document.createElement("div");
    cap.className = "caption";
    cap.textContent = `${r.arch}: sequence chart`;
    wrap.appendChild(cap);
    const box = document.createElement("div");
    box.className = "chart-box";
    const doc = new DOMParser().parseFromString(r.table.chart, "image/svg+xml");
    const svg = doc.documentElement;
    if (svg.localName !== "svg" || doc.getElementsByTagName("parsererror").length) {
      box.textContent = "The chart did not parse.";
    } else {
      box.appendChild(document.importNode(svg, true));
      box.querySelectorAll('.row[data-file="0"]').forEach((row) =>
        row.addEventListener("click", () => selectLine(+row.dataset.line)));
    }
    wrap.appendChild(box);
    return wrap;
  }

  // selectLine selects line n (from 1) of the script in the editor.
  function selectLine(n) {
    const lines = src.value.split("\n");
    if (n < 1 || n > lines.length) return;
    const start = lines.slice(0, n - 1).reduce((a, l) => a + l.length + 1, 0);
    src.focus();
    src.setSelectionRange(start, start + lines[n - 1].length);
    src.scrollTop = (n - 5) * parseFloat(getComputedStyle(src).lineHeight);
  }

  // Share: the script (and the selectors) in the URL fragment, which
  // never reaches a server.
  function b64encode(text) {
    const bytes = new TextEncoder().encode(text);
    let bin = "";
    bytes.forEach((b) => (bin += String.fromCharCode(b)));
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function b64decode(s) {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  }
  function share() {
    const p = new URLSearchParams();
    if ($("arch").value) p.set("arch", $("arch").value);
    if ($("model").value) p.set("model", $("model").value);
    p.set("src", b64encode(src.value));
    const link = location.origin + location.pathname + "#" + p.toString();
    history.replaceState(null, "", link);
    $("sharelink").value = link;
    $("sharelink").select();
    if (navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
  }
  function fromFragment() {
    const p = new URLSearchParams(location.hash.slice(1));
    if (!p.has("src")) return false;
    try {
      setSource(b64decode(p.get("src")));
    } catch (e) {
      status("The link's script is damaged: " + e);
      return false;
    }
    $("arch").value = p.get("arch") || "";
    $("model").value = p.get("model") || "";
    $("examples").value = "";
    return true;
  }

  $("check").onclick = check;
  $("stop").onclick = stop;
  $("share").onclick = share;
  $("examples").onchange = () => {
    const e = examples.find((x) => x.name === $("examples").value);
    if (e) setSource(e.src);
  };
  window.addEventListener("hashchange", fromFragment);

  fetch("examples.json").then((r) => r.json()).then((list) => {
    examples = list;
    for (const e of list) {
      const o = document.createElement("option");
      o.value = o.textContent = e.name;
      $("examples").appendChild(o);
    }
    if (!fromFragment() && list.length) {
      $("examples").value = list[0].name;
      setSource(list[0].src);
    }
  });
  startWorker();
})();
