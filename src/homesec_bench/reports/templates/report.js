(function () {
  "use strict";
  // Model output is untrusted: every string below reaches the page through textContent or a
  // checked data: image URL, never through innerHTML.
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var S = D.strings, IMAGES = D.images, TRANSCRIPTS = D.transcripts, R = D.results, RUNS = D.runs;
  var EXPECTED = D.expected || {}, SUITES = D.suites || [];
  var PAGE_SIZE = 50;
  var IMAGE_URL = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+\/=]+$/;
  var state = { filter: "all", run: "", suite: "", q: "", page: 0 };
  var open = {};
  var haystacks = new Array(R.length);
  var matching = [];

  function str(i) { return i === undefined || i === null ? "" : S[i]; }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function ms(seconds) { return seconds === undefined ? "" : Math.round(seconds * 1000) + " ms"; }

  function haystack(i) {
    if (haystacks[i] === undefined) {
      var r = R[i];
      var calls = (r.tc || []).map(function (c) { return str(c[0]) + " " + str(c[1]); }).join(" ");
      haystacks[i] = [r.t, r.s, RUNS[r.r].label, r.o, str(r.why), str(r.c), str(r.err), r.et || "", calls]
        .join("\n").toLowerCase();
    }
    return haystacks[i];
  }

  function matches(i) {
    var r = R[i];
    if (state.filter === "failed" && r.o !== "fail") return false;
    if (state.filter === "errors" && r.o !== "error") return false;
    if (state.filter === "flaky" && !r.f) return false;
    if (state.run !== "" && r.r !== Number(state.run)) return false;
    if (state.suite !== "" && r.s !== state.suite) return false;
    if (state.q && haystack(i).indexOf(state.q) < 0) return false;
    return true;
  }

  function toolCallBlocks(calls) {
    return (calls || []).map(function (c) { return el("pre", "call", "\u2192 " + str(c[0]) + "(" + str(c[1]) + ")"); });
  }

  function renderTranscript(messages, images) {
    var box = el("div", "messages");
    messages.forEach(function (m) {
      var block = el("div", "msg msg-" + m.role);
      var label = m.role + (m.id !== undefined ? " (" + str(m.id) + ")" : "");
      var body = [];
      (m.p || []).forEach(function (part) {
        if (part[0] === "i") {
          images.push(IMAGES[part[1]]);
          body.push(el("div", "imgref", "[image " + images.length + "]"));
        } else {
          body.push(el("pre", "text", str(part[1])));
        }
      });
      body = body.concat(toolCallBlocks(m.tc));
      if (m.role === "system") {
        var details = el("details");
        var size = body.reduce(function (n, b) { return n + b.textContent.length; }, 0);
        details.appendChild(el("summary", "role", "system prompt (" + size + " characters)"));
        body.forEach(function (b) { details.appendChild(b); });
        block.appendChild(details);
      } else {
        block.appendChild(el("div", "role", label));
        body.forEach(function (b) { block.appendChild(b); });
      }
      box.appendChild(block);
    });
    return box;
  }

  function renderAnswer(r) {
    var box = el("div", "answer");
    box.appendChild(el("div", "role", "model answer"));
    if (r.rs !== undefined) {
      var details = el("details", "reasoning");
      details.appendChild(el("summary", null, "reasoning (" + str(r.rs).length + " characters)"));
      details.appendChild(el("pre", "text", str(r.rs)));
      box.appendChild(details);
    }
    if (r.c !== undefined) box.appendChild(el("pre", "text content", str(r.c)));
    toolCallBlocks(r.tc).forEach(function (b) { box.appendChild(b); });
    if (r.c === undefined && !r.tc) box.appendChild(el("div", "timings", "(no content)"));
    var verdict = el("div", "verdict");
    verdict.appendChild(el("span", "o-" + r.o, r.o.toUpperCase()));
    verdict.appendChild(document.createTextNode(" " + str(r.why)));
    if (r.et) verdict.appendChild(el("span", "badge", r.et));
    box.appendChild(verdict);
    if (r.err !== undefined) box.appendChild(el("pre", "text error", str(r.err)));
    var t = [];
    if (r.ttft !== undefined) t.push("TTFT " + ms(r.ttft));
    if (r.fo !== undefined) t.push("first output " + ms(r.fo));
    if (r.tot !== undefined) t.push("total " + ms(r.tot));
    if (r.tps !== undefined) t.push(r.tps + " tok/s");
    if (r.pt !== undefined || r.ot !== undefined) t.push((r.pt || 0) + " tokens in, " + (r.ot || 0) + " out");
    if (r.fr) t.push("finish: " + r.fr);
    box.appendChild(el("div", "timings", t.join(" \u00b7 ")));
    if (r.dp) {
      box.appendChild(el("div", "timings", "Ran with the server default for " + r.dp.join(", ") +
        " (the endpoint rejected it)."));
    }
    return box;
  }

  function renderExpected(r) {
    // What the test expected, so a failure can be checked from the report alone.
    var box = el("div", "expected");
    box.appendChild(el("div", "role", "what the test expects"));
    var e = EXPECTED[r.t];
    if (e) {
      box.appendChild(el("div", "purpose", str(e.ti) + ": " + str(e.p)));
      if (r.th !== undefined && str(r.th) && str(r.th) !== str(e.h)) {
        box.appendChild(el("div", "timings", "Note: this run used another version of the test's definition; " +
          "shown here is the current one."));
      }
      (e.ref || []).forEach(function (ref, n) {
        box.appendChild(el("div", "role", "reference answer" + (e.ref.length > 1 ? " " + (n + 1) : "")));
        box.appendChild(el("pre", "text reference", str(ref)));
      });
      box.appendChild(el("div", "role", "grader's checks"));
      box.appendChild(el("pre", "text grader", str(e.g)));
    } else {
      box.appendChild(el("div", "timings", "This test is not in the installed benchmark; its expected answer is unknown."));
    }
    if (r.tl !== undefined) {
      var tools = el("details", "tools");
      var names = [];
      try { names = JSON.parse(str(r.tl)).map(function (t) { return (t["function"] || t).name; }); } catch (err) { names = []; }
      tools.appendChild(el("summary", null, "tool schemas offered (" + names.join(", ") + ")"));
      tools.appendChild(el("pre", "text", str(r.tl)));
      box.appendChild(tools);
    }
    if (r.rq !== undefined) {
      box.appendChild(el("div", "role", "request settings"));
      box.appendChild(el("pre", "text settings", str(r.rq)));
    }
    return box;
  }

  function renderDetail(r) {
    var detail = el("div", "detail");
    var images = [];
    var transcript = renderTranscript(TRANSCRIPTS[r.m] || [], images);
    var cols = el("div", images.length ? "cols vision" : "cols");
    if (images.length) {
      var pics = el("div", "images");
      images.forEach(function (url, n) {
        if (typeof url === "string" && IMAGE_URL.test(url)) {
          var img = el("img");
          img.alt = "image " + (n + 1) + " sent to the model";
          img.src = url;
          pics.appendChild(img);
        }
      });
      cols.appendChild(pics);
    }
    var right = el("div");
    right.appendChild(renderAnswer(r));
    right.appendChild(renderExpected(r));
    var folded = el("details", "transcript");
    folded.open = true;
    folded.appendChild(el("summary", null, "transcript sent (" + (TRANSCRIPTS[r.m] || []).length + " messages)"));
    folded.appendChild(transcript);
    right.appendChild(folded);
    cols.appendChild(right);
    detail.appendChild(cols);
    return detail;
  }

  function rowFor(i) {
    var r = R[i];
    var tr = el("tr", "row");
    tr.dataset.index = String(i);
    tr.appendChild(el("td", null, RUNS[r.r].label));
    var test = el("td", null, r.t);
    if (r.f) test.appendChild(el("span", "badge", "flaky"));
    tr.appendChild(test);
    tr.appendChild(el("td", null, RUNS[r.r].repeat > 1 ? String(r.a + 1) : ""));
    tr.appendChild(el("td", "o-" + r.o, r.o));
    tr.appendChild(el("td", "reason", str(r.why)));
    tr.appendChild(el("td", null, ms(r.ttft)));
    return tr;
  }

  function render() {
    var body = document.getElementById("results-body");
    var pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * PAGE_SIZE;
    var fragment = document.createDocumentFragment();
    matching.slice(start, start + PAGE_SIZE).forEach(function (i) {
      fragment.appendChild(rowFor(i));
      if (open[i]) fragment.appendChild(detailRow(i));
    });
    if (!matching.length) {
      var empty = el("tr");
      var cell = el("td", null, "No result matches these filters.");
      cell.colSpan = 6;
      empty.appendChild(cell);
      fragment.appendChild(empty);
    }
    body.replaceChildren(fragment);
    document.getElementById("count").textContent = matching.length + " of " + R.length + " results";
    document.getElementById("page").textContent = "page " + (state.page + 1) + " of " + pages;
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
  }

  function detailRow(i) {
    var tr = el("tr", "detail-row");
    var cell = el("td");
    cell.colSpan = 6;
    cell.appendChild(renderDetail(R[i]));
    tr.appendChild(cell);
    return tr;
  }

  function refilter() {
    matching = [];
    for (var i = 0; i < R.length; i++) if (matches(i)) matching.push(i);
    state.page = 0;
    render();
  }

  document.getElementById("filter").addEventListener("change", function (e) {
    state.filter = e.target.value;
    refilter();
  });
  document.getElementById("run-filter").addEventListener("change", function (e) {
    state.run = e.target.value;
    refilter();
  });
  document.getElementById("suite-filter").addEventListener("change", function (e) {
    state.suite = e.target.value;
    refilter();
  });
  var timer = null;
  document.getElementById("search").addEventListener("input", function (e) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      state.q = e.target.value.trim().toLowerCase();
      refilter();
    }, 150);
  });
  document.getElementById("prev").addEventListener("click", function () { state.page -= 1; render(); });
  document.getElementById("next").addEventListener("click", function () { state.page += 1; render(); });
  document.getElementById("results-body").addEventListener("click", function (e) {
    if (e.target.closest("details, pre, img")) return;
    var tr = e.target.closest("tr.row");
    if (!tr) return;
    var i = Number(tr.dataset.index);
    if (open[i]) delete open[i]; else open[i] = true;
    render();
  });
  // ------------------------------------------------------------------ models x tests matrix
  var byTest = {};  // test id -> {suite, runs: {runIndex: [result indexes]}}
  var testOrder = [];
  for (var k = 0; k < R.length; k++) {
    var rr = R[k];
    if (!byTest[rr.t]) { byTest[rr.t] = { s: rr.s, runs: {} }; testOrder.push(rr.t); }
    (byTest[rr.t].runs[rr.r] = byTest[rr.t].runs[rr.r] || []).push(k);
  }
  testOrder.sort(function (a, b) {
    var sa = SUITES.indexOf(byTest[a].s), sb = SUITES.indexOf(byTest[b].s);
    return sa !== sb ? sa - sb : (a < b ? -1 : a > b ? 1 : 0);
  });

  function cellState(indexes) {
    if (!indexes || !indexes.length) return "none";
    var seen = {};
    indexes.forEach(function (i) { seen[R[i].o] = true; });
    if (seen.pass && seen.fail) return "flaky";
    if (seen.pass) return "pass";
    if (seen.fail) return "fail";
    return "error";
  }
  var SYMBOL = { pass: "\u2713", fail: "\u2717", error: "!", flaky: "~", none: "\u00b7" };
  var matrixState = { disagree: false, suite: "" };

  function disagrees(states) {
    var graded = states.filter(function (x) { return x !== "none" && x !== "error"; });
    for (var i = 1; i < graded.length; i++) if (graded[i] !== graded[0]) return true;
    return graded.length > 0 && graded[0] === "flaky";
  }

  function renderMatrix() {
    var body = document.getElementById("matrix-body");
    var fragment = document.createDocumentFragment();
    var shown = 0, lastSuite = null;
    testOrder.forEach(function (t) {
      var info = byTest[t];
      if (matrixState.suite && info.s !== matrixState.suite) return;
      var states = RUNS.map(function (_, r) { return cellState(info.runs[r]); });
      if (matrixState.disagree && !disagrees(states)) return;
      if (info.s !== lastSuite) {
        var head = el("tr", "suite-row");
        var hc = el("th", null, info.s);
        hc.colSpan = RUNS.length + 1;
        head.appendChild(hc);
        fragment.appendChild(head);
        lastSuite = info.s;
      }
      var tr = el("tr");
      tr.appendChild(el("td", "test-id", t));
      states.forEach(function (st, r) {
        var td = el("td", "cell c-" + st, SYMBOL[st]);
        td.dataset.test = t;
        td.title = RUNS[r].label + ": " + st;
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
      shown += 1;
    });
    body.replaceChildren(fragment);
    document.getElementById("matrix-count").textContent = shown + " of " + testOrder.length + " tests";
  }

  function showSideBySide(t) {
    var box = document.getElementById("side-by-side");
    var info = byTest[t];
    var wrap = el("div", "sbs");
    wrap.appendChild(el("h3", null, t));
    var cols = el("div", "sbs-cols");
    RUNS.forEach(function (run, r) {
      var col = el("div", "sbs-col");
      col.appendChild(el("div", "role", run.label));
      var indexes = info.runs[r] || [];
      if (!indexes.length) col.appendChild(el("div", "timings", "not run"));
      indexes.forEach(function (i) { col.appendChild(renderAnswer(R[i])); });
      cols.appendChild(col);
    });
    wrap.appendChild(cols);
    var first = info.runs[Object.keys(info.runs)[0]];
    if (first && first.length) wrap.appendChild(renderExpected(R[first[0]]));
    box.replaceChildren(wrap);
  }

  document.getElementById("disagree").addEventListener("change", function (e) {
    matrixState.disagree = e.target.checked;
    renderMatrix();
  });
  document.getElementById("matrix-suite").addEventListener("change", function (e) {
    matrixState.suite = e.target.value;
    renderMatrix();
  });
  document.getElementById("matrix-body").addEventListener("click", function (e) {
    var td = e.target.closest("td.cell");
    if (td) showSideBySide(td.dataset.test);
  });
  renderMatrix();

  refilter();
  document.documentElement.dataset.ready = "1";
})();
