// Officer console (/console): log in to a counter, see its waiting list live in the order
// it will be called, act on the current visitor with buttons or one-key shortcuts.
"use strict";
(function () {
  var A = Antrean;
  // How often the waiting minutes (and the wait-weighted order) are redrawn.
  var WAITING_REFRESH_MS = 15000;
  // Viewport height from which the requirements of the visitor at the desk show unfolded
  // (below it, on a 1366×768 laptop, they would push the actions off the screen).
  var ROOM_FOR_REQUIREMENTS_PX = 900;
  var KEYS = { n: "call_next", u: "recall", m: "start", s: "finish", t: "no_show",
    a: "transfer-panel", p: "park", b: "unpark-panel", k: "call-panel", i: "pause-panel",
    l: "resume", x: "close-panel", c: "checkin-panel" };
  var PANELS = ["transfer-panel", "call-panel", "unpark-panel", "close-panel", "checkin-panel",
    "pause-panel"];
  // Break reasons as the core knows them (BreakReason), in the order of the 1–4 keys.
  var BREAK_LABELS = { istirahat: "Istirahat", sholat: "Sholat", rapat: "Rapat/koordinasi", lainnya: "Lainnya" };
  var BREAK_KEYS = ["istirahat", "sholat", "rapat", "lainnya"];
  var breakReason = null;    // why this counter is paused, when it is
  var STATE_TEXT = { called: "Dipanggil", serving: "Sedang dilayani" };
  var STATUS_WORDS = { open: "buka", paused: "istirahat", closed: "tutup" };

  var conn = null;
  var live = false;
  var catalog = null;
  var counterId = null;
  var myServices = [];
  var tickets = {};          // id → ticket as the coordinator last described it
  var seqOf = {};            // id → log position of that description
  var queuedAt = {};         // id → when it (re)joined its queue, if seen live
  var counterStatus = "open";
  var counterSeq = 0;
  var closing = false;       // our own close_counter is in flight
  var alerts = {};
  var clockSkew = 0;         // coordinator clock − this browser's clock, from event times
  // This counter's run of booked / walk-in calls (the core's turn), as of log position seq.
  var streak = { booked: 0, walkIn: 0, seq: 0 };
  var shownRequirementsFor = null;

  function message(text, isError) {
    A.setText("message", text);
    A.byId("message").className = isError ? "error" : "";
  }

  function serviceName(code) {
    var s = A.serviceOf(catalog, code);
    return s ? s.name_id : code;
  }

  function serverNow() { return Date.now() + clockSkew; }

  // Keeps the newest description of a ticket: an answer and the event of the same change
  // may arrive in either order.
  function upsert(t, seq) {
    if (!t) return;
    if (seqOf[t.id] !== undefined && seq < seqOf[t.id]) return;
    tickets[t.id] = t;
    seqOf[t.id] = seq;
  }

  function setStatus(status, seq) {
    if (seq < counterSeq) return;
    counterStatus = status;
    counterSeq = seq;
  }

  function all(filter) {
    return Object.keys(tickets).map(function (id) { return tickets[id]; }).filter(filter);
  }

  function current() {
    var found = null;
    all(function (t) {
      return t.counter === counterId && (t.state === "called" || t.state === "serving");
    }).forEach(function (t) {
      if (!found || (t.called_at_ms || 0) > (found.called_at_ms || 0)) found = t;
    });
    return found;
  }

  function parkedHere() {
    return all(function (t) { return t.state === "parked" && t.counter === counterId; })
      .sort(function (a, b) { return a.id - b.id; });
  }

  // When the ticket (re)joined its queue. A transfer or a late return re-queues it; the
  // protocol does not carry that time, so it is taken from the event when the console saw
  // it, and approximated by the last call for a transfer that happened before the page
  // loaded.
  function queueTime(t) {
    if (queuedAt[t.id] !== undefined) return queuedAt[t.id];
    if (t.previous_services && t.previous_services.length && t.called_at_ms) return t.called_at_ms;
    return t.issued_at_ms;
  }

  // The waiting list in the order call-next takes it, as far as a page can tell. Mirrors
  // antrean_core::policy::pick_next: the priority class first, then within the class the
  // longest wait weighted by the counter's preference for the service (1, 1/2, 1/3, … by
  // its place in the counter's list), then the more preferred service, the earlier queue
  // time, the lower id. The catalog's interleave ratio and the max-wait guard are not sent
  // to devices, so those two rules are not applied here (the page says so).
  // The core's order, as far as the page knows it (docs/booking.md, "Calling order"): a
  // booked ticket that came before its slot waits for it unless nothing else waits; then
  // priority; booked tickets whose slot began and walk-ins take turns by the catalog's
  // booked_ratio (N booked, then M walk-in), continuing this counter's current run
  // (antrean_core::policy::booked_turn); longest wait first.
  function callOrder() {
    var now = serverNow();
    var rank = {};
    myServices.forEach(function (code, i) { rank[code] = i; });
    var list = all(function (t) { return t.state === "waiting" && rank[t.service] !== undefined; });
    function early(t) { return t.booked_slot_at_ms && t.booked_slot_at_ms > now; }
    function since(t) { return t.booked_slot_at_ms ? Math.max(queueTime(t), t.booked_slot_at_ms) : queueTime(t); }
    function score(t) { return Math.max(0, now - since(t)) / (rank[t.service] + 1); }
    function byWait(a, b) {
      return (score(b) - score(a)) || (rank[a.service] - rank[b.service]) ||
        (since(a) - since(b)) || (a.id - b.id);
    }
    var ratio = catalog.booked_ratio || { booked: 1, walk_in: 1 };
    var run = { booked: streak.booked, walkIn: streak.walkIn };
    function bookedTurn() {
      if (run.booked > 0) return run.booked < Math.max(ratio.booked, 1);
      if (run.walkIn > 0) return run.walkIn >= Math.max(ratio.walk_in, 1);
      return true;
    }
    function interleave(group) {
      var booked = group.filter(function (t) { return t.booked_slot_at_ms; }).sort(byWait);
      var walkIn = group.filter(function (t) { return !t.booked_slot_at_ms; }).sort(byWait);
      var out = [];
      while (booked.length || walkIn.length) {
        if (booked.length && (!walkIn.length || bookedTurn())) {
          out.push(booked.shift());
          run = { booked: run.booked + 1, walkIn: 0 };
        } else {
          out.push(walkIn.shift());
          run = { booked: 0, walkIn: run.walkIn + 1 };
        }
      }
      return out;
    }
    var ready = list.filter(function (t) { return !early(t); });
    var later = list.filter(early).sort(function (a, b) {
      return (a.booked_slot_at_ms - b.booked_slot_at_ms) || (a.id - b.id);
    });
    return interleave(ready.filter(function (t) { return t.priority; }))
      .concat(interleave(ready.filter(function (t) { return !t.priority; })), later);
  }

  // "09.00": a booked ticket's slot in the site's time.
  function slotTime(t) {
    return A.formatTime(t.booked_slot_at_ms, catalog.site.utc_offset_min);
  }

  function minutesSince(ms) {
    var minutes = Math.max(0, Math.floor((serverNow() - ms) / 60000));
    return minutes < 60 ? minutes + " mnt" : Math.floor(minutes / 60) + " j " + (minutes % 60) + " mnt";
  }

  function renderCurrent() {
    var t = current();
    renderTimer();
    A.setText("current-number", t ? t.number : "—");
    A.byId("current-priority").hidden = !(t && t.priority);
    A.setText("current-info", t
      ? serviceName(t.service) + " · " + STATE_TEXT[t.state] +
        (t.recalls ? " · dipanggil ulang " + t.recalls + "×" : "")
      : "Belum ada yang dipanggil. Tekan N untuk memanggil.");
    var key = t ? t.id + "/" + t.service : null;
    if (key === shownRequirementsFor) return;
    shownRequirementsFor = key;
    var s = t && A.serviceOf(catalog, t.service);
    var items = (s && s.standard && s.standard.requirements) || [];
    A.requirementChecklist(A.byId("requirements"), items);
    A.setText("requirements-count", items.length ? "(" + items.length + ")" : "");
    // Open where the screen has room; folded on a laptop so the actions stay in view.
    A.byId("requirements-box").open = items.length > 0 && window.innerHeight >= ROOM_FOR_REQUIREMENTS_PX;
  }

  // How long the visitor at the desk has been called, then served: m:ss, every second.
  function renderTimer() {
    var t = current();
    var since = t && (t.state === "serving" ? t.started_at_ms : t.called_at_ms);
    if (!t || !since || (t.state !== "called" && t.state !== "serving")) {
      A.setText("current-timer", "");
      return;
    }
    var s = Math.max(0, Math.floor((serverNow() - since) / 1000));
    var clock = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    A.setText("current-timer", (t.state === "serving" ? "Dilayani " : "Dipanggil ") + clock);
  }

  function callButton(t) {
    var button = A.make("button", "", "Panggil");
    button.type = "button";
    button.dataset.needs = "idle";
    button.addEventListener("click", function () { act("call_ticket", { ticket: t.number }); });
    return button;
  }

  function renderWaiting() {
    var body = A.byId("waiting").tBodies[0];
    body.textContent = "";
    var waiting = callOrder();
    waiting.forEach(function (t, i) {
      var row = A.make("tr", i === 0 ? "next" : "");
      row.dataset.number = t.number;
      row.appendChild(A.make("td", "pos", String(i + 1)));
      row.appendChild(A.make("td", "num", t.number));
      row.appendChild(A.make("td", "", serviceName(t.service)));
      var prio = A.make("td");
      if (t.priority) prio.appendChild(A.make("span", "priority", "PRIORITAS"));
      if (t.booked_slot_at_ms) {
        var waitsFor = t.booked_slot_at_ms > serverNow() ? " (menunggu jadwal)" : "";
        prio.appendChild(A.make("span", "booked", "BOOKING " + slotTime(t) + waitsFor));
      }
      row.appendChild(prio);
      row.appendChild(A.make("td", "wait", minutesSince(queueTime(t))));
      var cell = A.make("td");
      cell.appendChild(callButton(t));
      row.appendChild(cell);
      body.appendChild(row);
    });
    A.setText("waiting-count", "(" + waiting.length + ")");
    A.byId("waiting-empty").hidden = waiting.length > 0;

    var parked = parkedHere();
    var list = A.byId("parked");
    list.textContent = "";
    parked.forEach(function (t) {
      var li = A.make("li", "", t.number + " · " + serviceName(t.service) + " ");
      li.dataset.number = t.number;
      var back = A.make("button", "", "Kembalikan ke antrean");
      back.type = "button";
      back.addEventListener("click", function () { act("unpark", { ticket: t.number }); });
      li.appendChild(back);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(callButton(t));
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
      var line = A.make("div", "", A.printerAlertText(a, catalog));
      line.dataset.device = device;
      box.appendChild(line);
    });
  }

  function renderHeader() {
    var c = A.counterOf(catalog, counterId);
    var word = STATUS_WORDS[counterStatus] || counterStatus;
    if (counterStatus === "paused" && breakReason && breakReason !== "istirahat") {
      word += " (" + BREAK_LABELS[breakReason].toLowerCase() + ")";
    }
    A.setText("who", (c ? c.name : "Loket " + counterId) + " · " + word);
    A.byId("paused-banner").hidden = counterStatus !== "paused";
    A.byId("offline-banner").hidden = live;
  }

  // Why an action cannot be taken now, or null. Buttons show it as their state (disabled,
  // with the reason as tooltip); the server stays the judge for shortcuts and clicks.
  function blockedReason(action) {
    if (!live) return "Tidak terhubung ke server.";
    var t = current();
    var noneCalled = "Belum ada nomor yang dipanggil. Tekan N untuk memanggil.";
    var busy = t ? "Selesaikan dulu nomor " + t.number + "." : null;
    var paused = counterStatus === "paused" ? "Loket sedang istirahat. Tekan L untuk melanjutkan." :
      counterStatus === "closed" ? "Loket sudah ditutup." : null;
    switch (action) {
      case "call_next": case "call-panel": case "idle": return paused || busy;
      case "recall": case "no_show":
        return !t ? noneCalled : t.state !== "called" ? t.number + " sudah dilayani." : null;
      case "start":
        return !t ? noneCalled : t.state !== "called" ? t.number + " sudah dilayani." : null;
      case "finish":
        return !t ? noneCalled : t.state !== "serving" ? "Tekan M untuk mulai melayani " + t.number + " dulu." : null;
      case "park": case "transfer-panel": return t ? null : noneCalled;
      case "unpark-panel": return parkedHere().length ? null : "Tidak ada nomor yang ditunda.";
      case "pause": case "pause-panel":
        return counterStatus === "paused" ? "Loket sudah istirahat." : paused || busy;
      case "resume":
        return counterStatus === "paused" ? null : counterStatus === "open" ? "Loket sudah buka." : paused;
      case "close-panel": case "close_counter": return busy;
      default: return null;
    }
  }

  function renderButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("#actions .buttons [data-action]," +
      " [data-needs]"), function (button) {
      var reason = blockedReason(button.dataset.action || button.dataset.needs);
      button.disabled = !!reason;
      button.title = reason || "";
    });
  }

  function render() {
    renderHeader(); renderCurrent(); renderWaiting(); renderAlerts(); renderButtons();
  }

  function resultText(type, result) {
    var t = result && result.ticket;
    var n = t ? t.number : "";
    switch (type) {
      case "call_next": case "call_ticket": return "Memanggil " + n + " ke loket " + counterId;
      case "recall": return "Memanggil ulang " + n;
      case "start": return "Mulai melayani " + n;
      case "finish": return n + " selesai dilayani";
      case "no_show": return n + " dicatat tidak hadir";
      case "park": return n + " ditunda";
      case "unpark": return n + " kembali ke antrean";
      case "transfer": return n + " dialihkan ke " + serviceName(t.service);
      case "pause": return "Loket istirahat: " + (BREAK_LABELS[breakReason] || "Istirahat").toLowerCase();
      case "resume": return "Loket dibuka kembali";
      case "close_counter": return "Loket ditutup";
      case "check_in": return t && t.booked_slot_at_ms
        ? "Check-in berhasil: " + n + " (booking pukul " + slotTime(t) + ")"
        : "Terlambat dari batas booking: " + n + " diberikan sebagai antrean biasa";
      default: return "Berhasil";
    }
  }

  function act(type, extra) {
    if (!conn) return;
    var body = { type: type };
    Object.keys(extra || {}).forEach(function (k) { body[k] = extra[k]; });
    if (type === "close_counter") closing = true;
    var sent = conn.request(body, function (answer) {
      if (type === "close_counter") closing = false;
      if (answer.type === "error") { message(answer.message, true); return; }
      var result = answer.result || {};
      upsert(result.ticket, result.seq || 0);
      var status = { pause: "paused", resume: "open", close_counter: "closed" }[type];
      if (status) setStatus(status, result.seq || 0);
      if (type === "pause") breakReason = body.reason || null;
      message(resultText(type, result), false);
      if (type === "close_counter") { closed("Loket ditutup. Masuk lagi untuk membuka loket."); return; }
      render();
    });
    if (!sent) closing = false;
    if (!sent) message("Tidak terhubung ke server. Tunggu sampai tersambung lagi, lalu ulangi.", true);
  }

  // The counter is closed: leave it (a reconnect would open it again) and offer the login.
  function closed(text) {
    if (conn) conn.stop();
    conn = null;
    // The server ended this browser's session with the counter; this clears the cookie.
    A.logOut();
    A.byId("logout").hidden = true;
    counterId = null;
    live = false;
    closePanels();
    A.byId("desk").hidden = true;
    A.byId("login").hidden = false;
    A.setText("conn", "");
    A.setText("who", "");
    A.setText("login-message", text);
    A.byId("login-message").className = "";
  }

  function closePanels() {
    PANELS.forEach(function (id) { A.byId(id).hidden = true; });
  }

  function fillTransfer() {
    var t = current();
    A.setText("transfer-number", t ? t.number : "");
    var select = A.byId("transfer-service");
    var keep = select.value;
    select.textContent = "";
    catalog.services.forEach(function (s) {
      if (t && s.code === t.service) return;
      var option = A.make("option", "", s.prefix + " · " + s.name_id);
      option.value = s.code;
      select.appendChild(option);
    });
    if (keep) select.value = keep;
    if (!select.value && select.options.length) select.selectedIndex = 0;
  }

  function fillUnpark() {
    var select = A.byId("unpark-ticket");
    select.textContent = "";
    parkedHere().forEach(function (t) {
      var option = A.make("option", "", t.number + " · " + serviceName(t.service));
      option.value = t.number;
      select.appendChild(option);
    });
  }

  function openPanel(id) {
    closePanels();
    if (id === "transfer-panel") fillTransfer();
    if (id === "unpark-panel") fillUnpark();
    A.byId(id).hidden = false;
    var first = A.byId(id).querySelector("select, input, button");
    if (first) first.focus();
  }

  function perform(action) {
    if (action === "cancel-panel") { closePanels(); return; }
    if (/-panel$/.test(action)) {
      // Panels that need something to act on say so instead of opening empty.
      var reason = blockedReason(action);
      if (reason && (action === "unpark-panel" || action === "transfer-panel" ||
          action === "close-panel" || action === "pause-panel")) {
        message(reason, true);
        return;
      }
      openPanel(action);
      return;
    }
    closePanels();
    act(action);
  }

  function onMessage(msg) {
    if (msg.type === "welcome") {
      // Another tab of this browser logged in at another counter: the cookie is shared,
      // so this tab's reconnect came back as that desk. Leave rather than act there.
      if (counterId && msg.counter !== counterId) {
        if (conn) conn.stop();
        showLogin("Peramban ini sudah masuk di loket lain (tab lain). Tutup tab ini atau masuk lagi.");
        return;
      }
      catalog = msg.catalog;
      counterId = msg.counter;
      var c = A.counterOf(catalog, counterId);
      myServices = c ? c.services : [];
      announceDesk(true);
      A.byId("login").hidden = true;
      A.byId("desk").hidden = false;
      A.byId("logout").hidden = false;
      A.setText("site", catalog.site.name);
      fillPriorities();
    } else if (msg.type === "snapshot") {
      if (msg.at_ms) clockSkew = msg.at_ms - Date.now();
      tickets = {};
      seqOf = {};
      (msg.state.tickets || []).forEach(function (t) { upsert(t, msg.seq); });
      counterSeq = 0;
      counterStatus = "closed";
      streak = { booked: 0, walkIn: 0, seq: msg.seq };
      (msg.state.counters || []).forEach(function (c) {
        if (c.id !== counterId) return;
        setStatus(c.status, msg.seq);
        breakReason = c.break_reason || null;
        streak = { booked: c.booked_streak || 0, walkIn: c.walk_in_streak || 0, seq: msg.seq };
      });
      alerts = {};
      (msg.state.alerts || []).forEach(function (a) { alerts[a.device] = a; });
      render();
    } else if (msg.type === "event") {
      onEvent(msg);
      if (conn) render();
    } else if (msg.type === "alert") {
      alerts[msg.alert.device] = msg.alert;
      renderAlerts();
    }
  }

  function onEvent(msg) {
    var e = msg.event;
    if (msg.at_ms) clockSkew = msg.at_ms - Date.now();
    if (e.type === "day_started") {
      tickets = {}; seqOf = {}; queuedAt = {};
      streak = { booked: 0, walkIn: 0, seq: msg.seq };
    }
    // As the core counts the turn: every call of this counter, booked or walk-in.
    if (e.type === "ticket_called" && e.counter === counterId && msg.seq > streak.seq) {
      var wasBooked = msg.ticket && msg.ticket.booked_slot_at_ms;
      streak = wasBooked ? { booked: streak.booked + 1, walkIn: 0, seq: msg.seq }
        : { booked: 0, walkIn: streak.walkIn + 1, seq: msg.seq };
    }
    if (e.type === "ticket_transferred") {
      // As the core does: at the back at the event's time, or just before the earliest.
      var at = msg.at_ms;
      if (e.to_front) {
        all(function (t) { return t.state === "waiting" && t.service === e.to_service && t.id !== e.ticket; })
          .forEach(function (t) { at = Math.min(at, queueTime(t)); });
        at -= 1;
      }
      queuedAt[e.ticket] = at;
    }
    if (e.type === "ticket_reinstated") queuedAt[e.ticket] = msg.at_ms;
    upsert(msg.ticket, msg.seq);
    if (e.counter === counterId) {
      var status = { counter_opened: "open", counter_resumed: "open", counter_paused: "paused",
        counter_closed: "closed" }[e.type];
      if (status) setStatus(status, msg.seq);
      if (e.type === "counter_paused") breakReason = e.reason || null;
      // Closed from elsewhere (the manager): leave too, or a reconnect would reopen it.
      if (e.type === "counter_closed" && !closing) {
        closed("Loket ditutup oleh pengelola. Masuk lagi untuk membuka loket.");
      }
    }
  }

  // Two tabs of one browser share the login cookie, so a second tab opens the same desk:
  // both could call. Tabs tell each other their counter (BroadcastChannel, this browser
  // only) and each warns while another has the same desk.
  var tabId = Math.random().toString(36).slice(2);
  var desks = ("BroadcastChannel" in window) ? new BroadcastChannel("antrean-console-desks") : null;
  function announceDesk(askBack) {
    if (desks && counterId) desks.postMessage({ tab: tabId, counter: counterId, askBack: askBack });
  }
  if (desks) {
    desks.onmessage = function (e) {
      var m = e.data || {};
      if (m.tab === tabId || !counterId || m.counter !== counterId) return;
      var c = catalog && A.counterOf(catalog, counterId);
      A.setText("twin-banner", (c ? c.name : "Loket " + counterId) + " juga terbuka di tab lain " +
        "peramban ini. Pakai satu tab saja agar tidak ada panggilan ganda; tutup tab yang lain.");
      A.byId("twin-banner").hidden = false;
      if (m.askBack) announceDesk(false);
    };
  }

  // Shows the login form with a message (an error, or why the desk was left).
  function showLogin(text) {
    if (conn) conn.stop();
    A.byId("logout").hidden = true;
    conn = null;
    counterId = null;
    live = false;
    A.byId("desk").hidden = true;
    A.byId("login").hidden = false;
    A.setText("conn", "");
    A.setText("login-message", text);
  }

  // Opens the desk's socket with this browser's session cookie.
  function connectDesk() {
    A.setText("login-message", "");
    A.byId("login-message").className = "error";
    conn = A.connect({
      idPrefix: "o",
      auth: A.sessionAuth,
      onMessage: onMessage,
      onStatus: function (text, ok) {
        live = ok;
        A.setText("conn", ok ? "" : text);
        A.byId("conn").className = ok ? "conn" : "conn off";
        if (catalog) { renderHeader(); renderButtons(); }
      },
      onFatal: function (text) { showLogin(text); }
    });
  }

  function login(officer, pin, counter) {
    A.setText("login-message", "");
    A.byId("login-message").className = "error";
    A.byId("login-button").disabled = true;
    A.logIn({ role: "officer", officer: officer, pin: pin, counter: counter }, function (error) {
      A.byId("login-button").disabled = false;
      if (error) { showLogin(error.message); return; }
      connectDesk();
    });
  }

  // Leaving the browser without closing the counter (a shift change at the same desk, a
  // colleague taking over): the session ends, the counter and its queue stay as they are.
  A.byId("logout").addEventListener("click", function () {
    if (conn) conn.stop();
    conn = null;
    A.logOut(function () {
      showLogin("Anda sudah keluar. Loket tetap buka.");
      A.byId("login-message").className = "";
    });
  });

  // A reload (or a console left open overnight) goes straight to the desk while this
  // browser's session lives.
  A.whoAmI(function (session) {
    var mine = session && session.role === "officer";
    // What the check found, for whoever looks at the page (and the browser tests).
    document.documentElement.setAttribute("data-session", mine ? "officer" : "none");
    if (mine && !conn) connectDesk();
  });

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
    A.byId("transfer-front").checked = false;
    closePanels();
  });
  A.byId("call-panel").addEventListener("submit", function (e) {
    e.preventDefault();
    var number = A.byId("call-number").value.trim().toUpperCase();
    if (number) act("call_ticket", { ticket: number });
    A.byId("call-number").value = "";
    closePanels();
  });
  // A booked visitor keeps their right to priority service (UU 25/2009 Pasal 29): the
  // officer who sees it picks the group at check-in; the core checks the service takes it.
  function fillPriorities() {
    var select = A.byId("checkin-priority");
    while (select.options.length > 1) select.remove(1);
    (catalog.priority_classes || []).forEach(function (p) {
      var option = A.make("option", "", p.name_id);
      option.value = p.code;
      select.appendChild(option);
    });
  }
  A.byId("checkin-panel").addEventListener("submit", function (e) {
    e.preventDefault();
    var code = A.byId("checkin-code").value.trim();
    var priority = A.byId("checkin-priority").value;
    if (code) act("check_in", priority ? { code: code, priority: priority } : { code: code });
    A.byId("checkin-code").value = "";
    A.byId("checkin-priority").value = "";
    closePanels();
  });
  function pauseFor(reason) {
    closePanels();
    act("pause", { reason: reason });
  }
  Array.prototype.forEach.call(document.querySelectorAll("#pause-panel [data-reason]"), function (button) {
    button.addEventListener("click", function () { pauseFor(button.dataset.reason); });
  });
  A.byId("unpark-panel").addEventListener("submit", function (e) {
    e.preventDefault();
    var number = A.byId("unpark-ticket").value;
    if (number) act("unpark", { ticket: number });
    closePanels();
  });

  document.addEventListener("keydown", function (e) {
    if (A.byId("desk").hidden || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") { closePanels(); return; }
    var target = e.target;
    var form = target.closest && target.closest("form.panel");
    // Enter sends a panel from its list or checkbox too, not only from a text field.
    if (e.key === "Enter" && form && (target.tagName === "SELECT" || target.type === "checkbox")) {
      e.preventDefault();
      form.requestSubmit();
      return;
    }
    var tag = target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    // With the reasons open, 1–4 pick one.
    if (!A.byId("pause-panel").hidden && /^[1-4]$/.test(e.key)) {
      e.preventDefault();
      pauseFor(BREAK_KEYS[Number(e.key) - 1]);
      return;
    }
    var action = KEYS[(e.key || "").toLowerCase()];
    if (!action) return;
    e.preventDefault();
    perform(action);
  });

  setInterval(function () { if (catalog) { renderWaiting(); renderButtons(); } }, WAITING_REFRESH_MS);
  setInterval(function () { if (catalog) renderTimer(); }, 1000);
})();
