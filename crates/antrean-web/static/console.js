// Officer console (/console): log in to a counter, see its waiting list live, act on the
// current visitor with buttons or one-key shortcuts.
"use strict";
(function () {
  var A = Antrean;
  // How often the "waiting for" minutes are redrawn; a minute-resolution figure needs no more.
  var WAITING_REFRESH_MS = 15000;
  var KEYS = { n: "call_next", u: "recall", m: "start", s: "finish", t: "no_show", p: "park",
    a: "transfer-panel", k: "call-panel", i: "pause", l: "resume", x: "close-panel" };
  var PRINTER_TEXT = { paper_near_end: "kertas hampir habis", paper_end: "kertas habis",
    cover_open: "penutup printer terbuka", offline: "printer tidak tersambung",
    no_answer: "printer tidak menjawab", error: "printer bermasalah",
    not_supported: "status printer tidak diketahui" };
  var STATE_TEXT = { called: "Dipanggil", serving: "Sedang dilayani" };

  var conn = null;
  var catalog = null;
  var counterId = null;
  var myServices = [];
  var tickets = {};
  var counterStatus = "open";
  var alerts = {};
  var shownRequirementsFor = null;

  function message(text, isError) {
    A.setText("message", text);
    A.byId("message").className = isError ? "error" : "";
  }

  function serviceName(code) {
    var s = A.serviceOf(catalog, code);
    return s ? s.name_id : code;
  }

  function current() {
    var found = null;
    Object.keys(tickets).forEach(function (id) {
      var t = tickets[id];
      if (t.counter === counterId && (t.state === "called" || t.state === "serving")) {
        if (!found || (t.called_at_ms || 0) > (found.called_at_ms || 0)) found = t;
      }
    });
    return found;
  }

  function sortedTickets(filter) {
    return Object.keys(tickets).map(function (id) { return tickets[id]; })
      .filter(filter).sort(function (a, b) { return a.id - b.id; });
  }

  function minutesSince(ms) {
    var minutes = Math.max(0, Math.floor((Date.now() - ms) / 60000));
    return minutes < 60 ? minutes + " mnt" : Math.floor(minutes / 60) + " j " + (minutes % 60) + " mnt";
  }

  function renderCurrent() {
    var t = current();
    A.setText("current-number", t ? t.number : "—");
    A.byId("current-priority").hidden = !(t && t.priority);
    A.setText("current-info", t
      ? serviceName(t.service) + " · " + STATE_TEXT[t.state] +
        (t.recalls ? " · dipanggil ulang " + t.recalls + "×" : "")
      : "Belum ada yang dipanggil. Tekan N untuk memanggil.");
    var key = t ? t.id + "/" + t.service : null;
    if (key === shownRequirementsFor) return;
    shownRequirementsFor = key;
    var list = A.byId("requirements");
    list.textContent = "";
    var s = t && A.serviceOf(catalog, t.service);
    var items = (s && s.standard && s.standard.requirements) || [];
    items.forEach(function (text, i) {
      var li = A.make("li");
      var label = A.make("label");
      var box = A.make("input");
      box.type = "checkbox";
      box.id = "req-" + i;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + text));
      li.appendChild(label);
      list.appendChild(li);
    });
  }

  function renderWaiting() {
    var body = A.byId("waiting").tBodies[0];
    body.textContent = "";
    var waiting = sortedTickets(function (t) {
      return t.state === "waiting" && myServices.indexOf(t.service) >= 0;
    });
    waiting.forEach(function (t) {
      var row = A.make("tr");
      row.dataset.number = t.number;
      row.appendChild(A.make("td", "num", t.number));
      row.appendChild(A.make("td", "", serviceName(t.service)));
      var prio = A.make("td");
      if (t.priority) prio.appendChild(A.make("span", "priority", "PRIORITAS"));
      row.appendChild(prio);
      row.appendChild(A.make("td", "", minutesSince(t.issued_at_ms)));
      var cell = A.make("td");
      var button = A.make("button", "", "Panggil");
      button.addEventListener("click", function () { act("call_ticket", { ticket: t.number }); });
      cell.appendChild(button);
      row.appendChild(cell);
      body.appendChild(row);
    });
    A.setText("waiting-count", "(" + waiting.length + ")");
    A.byId("waiting-empty").hidden = waiting.length > 0;

    var parked = sortedTickets(function (t) { return t.state === "parked" && t.counter === counterId; });
    var list = A.byId("parked");
    list.textContent = "";
    parked.forEach(function (t) {
      var li = A.make("li", "", t.number + " · " + serviceName(t.service) + " ");
      var button = A.make("button", "", "Kembalikan ke antrean");
      button.addEventListener("click", function () { act("unpark", { ticket: t.number }); });
      li.appendChild(button);
      list.appendChild(li);
    });
    A.byId("parked-card").hidden = parked.length === 0;
  }

  function renderAlerts() {
    var box = A.byId("alerts");
    box.textContent = "";
    Object.keys(alerts).forEach(function (device) {
      var a = alerts[device];
      if (a.printer === "ready") return;
      box.appendChild(A.make("div", "", "⚠ Kios " + device + ": " +
        (PRINTER_TEXT[a.printer] || a.printer) + (a.detail ? " (" + a.detail + ")" : "")));
    });
  }

  function renderHeader() {
    var c = A.counterOf(catalog, counterId);
    var words = { open: "buka", paused: "istirahat", closed: "tutup" };
    A.setText("who", (c ? c.name : "Loket " + counterId) + " · " + (words[counterStatus] || counterStatus));
  }

  function render() { renderHeader(); renderCurrent(); renderWaiting(); renderAlerts(); }

  function resultText(type, result) {
    var t = result && result.ticket;
    var n = t ? t.number : "";
    switch (type) {
      case "call_next": case "call_ticket": return "Memanggil " + n + " ke loket " + counterId;
      case "recall": return "Memanggil ulang " + n;
      case "start": return "Mulai melayani " + n;
      case "finish": return n + " selesai dilayani";
      case "no_show": return n + " dicatat tidak hadir";
      case "park": return n + " diparkir";
      case "unpark": return n + " kembali ke antrean";
      case "transfer": return n + " dialihkan ke " + serviceName(t.service);
      case "pause": return "Loket istirahat";
      case "resume": return "Loket dibuka kembali";
      case "close_counter": return "Loket ditutup";
      default: return "Berhasil";
    }
  }

  function act(type, extra) {
    if (!conn) return;
    var body = { type: type };
    Object.keys(extra || {}).forEach(function (k) { body[k] = extra[k]; });
    var sent = conn.request(body, function (answer) {
      if (answer.type === "error") message(answer.message, true);
      else message(resultText(type, answer.result), false);
    });
    if (!sent) message("Tidak terhubung ke server. Coba lagi sebentar lagi.", true);
  }

  function closePanels() {
    ["transfer-panel", "call-panel", "close-panel"].forEach(function (id) { A.byId(id).hidden = true; });
  }

  function openPanel(id) {
    closePanels();
    A.byId(id).hidden = false;
    var first = A.byId(id).querySelector("select, input, button");
    if (first) first.focus();
  }

  function perform(action) {
    if (/-panel$/.test(action)) {
      if (action === "cancel-panel") closePanels(); else openPanel(action);
      return;
    }
    closePanels();
    act(action);
  }

  function onMessage(msg) {
    if (msg.type === "welcome") {
      catalog = msg.catalog;
      counterId = msg.counter;
      var c = A.counterOf(catalog, counterId);
      myServices = c ? c.services : [];
      A.byId("login").hidden = true;
      A.byId("desk").hidden = false;
      A.setText("site", catalog.site.name);
      var select = A.byId("transfer-service");
      select.textContent = "";
      catalog.services.forEach(function (s) {
        var option = A.make("option", "", s.prefix + " · " + s.name_id);
        option.value = s.code;
        select.appendChild(option);
      });
    } else if (msg.type === "snapshot") {
      tickets = {};
      (msg.state.tickets || []).forEach(function (t) { tickets[t.id] = t; });
      (msg.state.counters || []).forEach(function (c) { if (c.id === counterId) counterStatus = c.status; });
      alerts = {};
      (msg.state.alerts || []).forEach(function (a) { alerts[a.device] = a; });
      render();
    } else if (msg.type === "event") {
      var e = msg.event;
      if (e.type === "day_started") tickets = {};
      if (msg.ticket) tickets[msg.ticket.id] = msg.ticket;
      if (e.counter === counterId) {
        var status = { counter_opened: "open", counter_resumed: "open", counter_paused: "paused",
          counter_closed: "closed" }[e.type];
        if (status) counterStatus = status;
      }
      render();
    } else if (msg.type === "alert") {
      alerts[msg.alert.device] = msg.alert;
      renderAlerts();
    }
  }

  function login(officer, pin, counter) {
    A.setText("login-message", "");
    conn = A.connect({
      idPrefix: "o",
      auth: function () { return { role: "officer", officer: officer, pin: pin, counter: counter }; },
      onMessage: onMessage,
      onStatus: function (text, ok) {
        A.setText("conn", ok ? "" : text);
        A.byId("conn").className = ok ? "conn" : "conn off";
      },
      onFatal: function (text) {
        conn = null;
        A.byId("desk").hidden = true;
        A.byId("login").hidden = false;
        A.setText("conn", "");
        A.setText("login-message", text);
      }
    });
  }

  // Counters for the login form come from the public catalog.
  fetch("/api/catalog").then(function (r) { return r.json(); }).then(function (full) {
    var select = A.byId("counter");
    full.counters.forEach(function (c) {
      var option = A.make("option", "", c.name);
      option.value = c.id;
      select.appendChild(option);
    });
    A.setText("site", full.site.name);
  }).catch(function () { A.setText("login-message", "Daftar loket tidak dapat dimuat; muat ulang halaman."); });

  A.byId("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var pin = A.byId("pin");
    login(A.byId("officer").value.trim(), pin.value, A.byId("counter").value);
    pin.value = "";
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-action]"), function (button) {
    button.addEventListener("click", function () { perform(button.dataset.action); });
  });
  A.byId("transfer-panel").addEventListener("submit", function (e) {
    e.preventDefault();
    act("transfer", { service: A.byId("transfer-service").value, to_front: A.byId("transfer-front").checked });
    closePanels();
  });
  A.byId("call-panel").addEventListener("submit", function (e) {
    e.preventDefault();
    var number = A.byId("call-number").value.trim().toUpperCase();
    if (number) act("call_ticket", { ticket: number });
    A.byId("call-number").value = "";
    closePanels();
  });

  document.addEventListener("keydown", function (e) {
    if (A.byId("desk").hidden || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") { closePanels(); return; }
    var tag = e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    var action = KEYS[(e.key || "").toLowerCase()];
    if (!action) return;
    e.preventDefault();
    perform(action);
  });

  setInterval(function () { if (catalog) renderWaiting(); }, WAITING_REFRESH_MS);
})();
