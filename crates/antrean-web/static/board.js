// Display board (/board?token=…): a tile per counter with the number it called, the
// newest call large, the last calls, clock, running text, and the spoken call.
// Optional `info=` parameters (repeatable) add announcements to the running text.
"use strict";
(function () {
  var A = Antrean;
  var voice = AntreanVoice;
  // Calls listed under "Panggilan terakhir"; the snapshot carries the last ten too.
  var HISTORY_LENGTH = 10;
  // The published IKM comes with snapshots (rating events are for managers only): ask for
  // one a little after each finished service (its visitor is rating now) and every few
  // minutes, so a rating shows on the board without anyone touching it.
  var IKM_AFTER_FINISH_MS = 2000;
  var IKM_REFRESH_MS = 3 * 60 * 1000;
  var params = new URLSearchParams(location.search);
  var token = params.get("token");
  var catalog = null;
  var status = {};       // counter id → open | paused | closed
  var lastCall = {};     // counter id → the ticket it called last
  var history = [];      // newest first
  var newest = null;     // the ticket of the newest call
  var waitingBy = {};    // service code → tickets waiting
  var conn = null;
  var refreshPending = false;

  var STATUS_TEXT = { open: "", paused: "Istirahat", closed: "Tutup" };
  // A break's reason, as waiting visitors read it ("Istirahat (sholat)").
  var BREAK_TEXT = { sholat: "Sholat", rapat: "Rapat" };
  var breakReason = {};  // counter id → reason of its break
  var TICKET_TEXT = { called: "Dipanggil", serving: "Sedang dilayani", done: "Selesai",
    no_show: "Tidak hadir", parked: "Ditunda", waiting: "Dialihkan", cancelled: "Dibatalkan",
    expired: "" };

  function notice(text) {
    A.setText("notice", text);
    A.byId("notice").hidden = !text;
  }

  function offset() { return catalog ? catalog.site.utc_offset_min : 420; }

  function tick() {
    var now = Date.now();
    A.setText("time", A.formatTime(now, offset()) + " " + (catalog ? catalog.site.time_zone : ""));
    A.setText("date", A.formatDate(now, offset()));
  }

  function buildTiles() {
    var box = A.byId("counters");
    box.textContent = "";
    catalog.counters.forEach(function (c) {
      var tile = A.make("div", "tile closed");
      tile.id = "counter-" + c.id;
      tile.appendChild(A.make("div", "name", c.name));
      tile.appendChild(A.make("div", "number", "—"));
      tile.appendChild(A.make("div", "meta"));
      box.appendChild(tile);
    });
    renderRunningText();
    A.setText("site-name", catalog.site.name);
    A.setText("site-address", catalog.site.address);
  }

  // The site, the announcements given as `info=`, the IKM sentence and the maklumat, one
  // after the other in the running text (any length: it scrolls).
  var ikmSentence = "";
  function renderRunningText() {
    if (!catalog) return;
    var info = [catalog.site.name + ", " + catalog.site.address];
    params.getAll("info").forEach(function (text) { if (text) info.push(text); });
    if (ikmSentence) info.push(ikmSentence);
    if (catalog.site.maklumat) info.push("Maklumat Pelayanan: " + catalog.site.maklumat);
    A.setText("running-text", info.join("   •   "));
  }

  // A priority call: a "P" pill (the word would not fit a tile at a size legible from 5 m;
  // the newest-call panel spells it out), named for screen readers.
  function priorityBadge(t) {
    if (!t || !t.priority) return null;
    var badge = A.make("span", "priority", "P");
    badge.title = "Prioritas";
    badge.setAttribute("aria-label", "Prioritas");
    return badge;
  }

  function renderTiles() {
    if (!catalog) return;
    catalog.counters.forEach(function (c) {
      var tile = A.byId("counter-" + c.id);
      var t = lastCall[c.id];
      var st = status[c.id] || "closed";
      tile.className = "tile" + (st === "open" ? "" : " closed") +
        (newest && t && newest.id === t.id && newest.counter === c.id ? " newest" : "");
      tile.querySelector(".number").textContent = t ? t.number : "—";
      var meta = tile.querySelector(".meta");
      meta.textContent = "";
      var badge = priorityBadge(t);
      if (badge) meta.appendChild(badge);
      var words = (st === "paused" && BREAK_TEXT[breakReason[c.id]]) || STATUS_TEXT[st] ||
        (t ? TICKET_TEXT[t.state] || "" : "");
      meta.appendChild(A.make("span", "status", words));
    });
  }

  function renderLatest(flash) {
    var t = newest;
    A.setText("latest-number", t ? t.number : "—");
    A.setText("latest-counter", t ? "Loket " + t.counter : "—");
    var s = t && A.serviceOf(catalog, t.service);
    A.setText("latest-service", s ? s.name_id : "");
    A.byId("latest-priority").hidden = !(t && t.priority);
    var box = A.byId("latest");
    if (flash) { box.classList.remove("flash"); void box.offsetWidth; box.classList.add("flash"); }
  }

  // Services with someone waiting, in catalog order, with their counts (from the snapshot,
  // then from each ticket event's count for its service).
  function renderWaiting() {
    var list = A.byId("waiting-by-service");
    list.textContent = "";
    var services = (catalog && catalog.services) || [];
    services.forEach(function (s) {
      var n = waitingBy[s.code] || 0;
      if (!n) return;
      var li = A.make("li");
      li.dataset.service = s.code;
      // The number's letter (on every ticket) and the count, with the name for screen
      // readers and as a tooltip: a strip across the board has room for letters only.
      li.title = s.name_id;
      li.setAttribute("aria-label", s.name_id + ": " + n + " menunggu");
      li.appendChild(A.make("span", "prefix", s.prefix));
      li.appendChild(A.make("span", "count", String(n)));
      list.appendChild(li);
    });
    if (!list.firstChild) list.appendChild(A.make("li", "none", "Tidak ada yang menunggu"));
  }

  function renderHistory() {
    var list = A.byId("history");
    list.textContent = "";
    history.forEach(function (t) {
      var li = A.make("li");
      var left = A.make("span");
      left.appendChild(A.make("span", "num", t.number));
      var badge = priorityBadge(t);
      if (badge) { left.appendChild(document.createTextNode(" ")); left.appendChild(badge); }
      li.appendChild(left);
      li.appendChild(A.make("span", "", "Loket " + t.counter));
      list.appendChild(li);
    });
  }

  // "IKM Triwulan IV 2026: 80,42 (B — Baik), 57 responden".
  function renderIkm(ikm) {
    var box = A.byId("ikm");
    box.hidden = !ikm;
    if (!ikm) {
      if (ikmSentence) { ikmSentence = ""; renderRunningText(); }
      return;
    }
    // Published with its respondents, and a note while they are fewer than the survey's
    // minimum sample for this quarter's visitors (Krejcie–Morgan, PermenPAN-RB 14/2017).
    // The footer keeps the figure and grade (legible from afar); the sentence with the
    // period and respondents runs in the running text.
    var short = ikm.target_respondents && ikm.respondents < ikm.target_respondents;
    A.setText("ikm", "IKM " + ikm.ikm_text + " (" + ikm.mutu + ")");
    ikmSentence = "IKM " + ikm.period_id + ": " + ikm.ikm_text + " (" + ikm.mutu + " — " +
      ikm.kinerja + "), " + ikm.respondents + " responden" +
      (short ? " (sampel minimum " + ikm.target_respondents + " belum tercapai)" : "");
    renderRunningText();
  }

  function refreshSoon(delay) {
    if (refreshPending || !conn) return;
    refreshPending = true;
    setTimeout(function () {
      refreshPending = false;
      conn.request({ type: "snapshot" });
    }, delay);
  }

  function render(flash) { renderTiles(); renderLatest(flash); renderHistory(); renderWaiting(); }

  function fromSnapshot(state) {
    status = {};
    lastCall = {};
    (state.counters || []).forEach(function (c) {
      status[c.id] = c.status;
      breakReason[c.id] = c.break_reason;
    });
    history = (state.recent_calls || []).slice(0, HISTORY_LENGTH);
    // Oldest first, so the newest call of each counter wins.
    history.slice().reverse().concat(state.tickets || []).forEach(function (t) {
      if (!t.counter) return;
      var known = lastCall[t.counter];
      if (!known || (t.called_at_ms || 0) >= (known.called_at_ms || 0)) lastCall[t.counter] = t;
    });
    newest = history[0] || null;
    waitingBy = {};
    (state.services || []).forEach(function (s) { waitingBy[s.service] = s.waiting; });
    renderIkm(state.ikm);
    render(false);
  }

  function onEvent(msg) {
    var e = msg.event;
    var t = msg.ticket;
    if (t && typeof msg.waiting === "number") waitingBy[t.service] = msg.waiting;
    switch (e.type) {
      case "ticket_called":
      case "ticket_recalled":
        lastCall[e.counter] = t;
        history = history.filter(function (h) { return h.id !== t.id; });
        history.unshift(t);
        history = history.slice(0, HISTORY_LENGTH);
        newest = t;
        render(true);
        voice.enqueue(msg.announce);
        return;
      case "counter_opened": case "counter_resumed": status[e.counter] = "open"; break;
      case "counter_paused": status[e.counter] = "paused"; breakReason[e.counter] = e.reason; break;
      case "counter_closed": status[e.counter] = "closed"; break;
      case "day_started": lastCall = {}; history = []; newest = null; waitingBy = {}; break;
      case "service_finished":
        refreshSoon(IKM_AFTER_FINISH_MS);
        if (!t) return;
        Object.keys(lastCall).forEach(function (id) {
          if (lastCall[id].id === t.id) lastCall[id] = Object.assign({}, t, { counter: id });
        });
        break;
      default:
        if (!t) return;
        Object.keys(lastCall).forEach(function (id) {
          if (lastCall[id].id === t.id) lastCall[id] = Object.assign({}, t, { counter: id });
        });
    }
    render(false);
  }

  function onMessage(msg) {
    if (msg.type === "welcome") {
      catalog = msg.catalog;
      buildTiles();
      tick();
      notice("");
    } else if (msg.type === "snapshot") {
      fromSnapshot(msg.state);
    } else if (msg.type === "event") {
      onEvent(msg);
    }
  }

  // Blocked sound is a notice in the footer, never a cover over the calls; a touch or a
  // key anywhere allows it, and the calls queued meanwhile are spoken then. (A touch's
  // pointerdown is not a user activation in browsers; its pointerup and click are.)
  voice.onChange(function () { A.byId("sound-notice").hidden = !voice.blocked(); });
  ["pointerup", "click", "keydown"].forEach(function (kind) {
    document.addEventListener(kind, function () { if (voice.blocked()) voice.unlock(); });
  });
  setInterval(tick, 1000);
  tick();

  if (!token) {
    notice("Token papan tidak ada: buka /board?token=<token perangkat papan>");
    return;
  }
  setInterval(function () { refreshSoon(0); }, IKM_REFRESH_MS);
  conn = A.connect({
    idPrefix: "b",
    auth: function () { return { role: "display", token: token }; },
    onMessage: onMessage,
    onStatus: function (text, ok) {
      A.setText("conn", ok ? "" : text);
      A.byId("conn").className = ok ? "conn" : "conn off";
    },
    onFatal: function (message) { notice("Papan tidak dapat masuk: " + message); }
  });
})();
