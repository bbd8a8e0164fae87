// Antrean — helpers shared by the console, the board and the digital ticket.
// Plain JavaScript for any browser of the last years: no framework, no build step, nothing
// loaded from outside (a site runs on a LAN without internet).
"use strict";

var Antrean = (function () {
  var DAYS = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"];
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
    "Agustus", "September", "Oktober", "November", "Desember"];
  // Reconnect backoff: doubling from a quarter second, capped at one second, each wait
  // drawn between half and all of the step (jitter, so a hall of phones and boards does not
  // knock all at once). The cap is the promise of issue 8: a page is live again within 2 s
  // of the coordinator coming back. A try while it is down is one refused TCP connect on
  // the LAN, so once a second per device costs nothing worth saving.
  var BACKOFF_MIN_MS = 250;
  var BACKOFF_MAX_MS = 1000;
  var HELLO_TIMEOUT_MS = 10000;
  // Codes after which retrying with the same credentials cannot help.
  var FATAL = { unauthorized: 1, locked_out: 1, counter_in_use: 1, forbidden: 1,
    unsupported_protocol: 1, bad_request: 1, counter_required: 1, unknown_counter: 1,
    session_expired: 1 };

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  // The site's wall clock from the catalog's UTC offset, not the browser's time zone: a
  // board PC set to UTC must still show WIB/WITA/WIT time.
  function siteClock(ms, offsetMin) { return new Date(ms + offsetMin * 60000); }

  // "Minggu, 29 November 2026" (PUEBI: day, date, month name, year).
  function formatDate(ms, offsetMin) {
    var d = siteClock(ms, offsetMin);
    return DAYS[d.getUTCDay()] + ", " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] +
      " " + d.getUTCFullYear();
  }

  // "08.05" — formal Indonesian writes times with a period.
  function formatTime(ms, offsetMin) {
    var d = siteClock(ms, offsetMin);
    return pad2(d.getUTCHours()) + "." + pad2(d.getUTCMinutes());
  }

  // "1.234,5" — Indonesian: comma for decimals, period between thousands (PUEBI).
  function formatDecimal(value, digits) {
    if (value === null || value === undefined || isNaN(value)) return "–";
    var parts = Number(value).toFixed(digits).split(".");
    var sign = parts[0].charAt(0) === "-" ? "-" : "";
    var whole = parts[0].replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return sign + whole + (parts[1] ? "," + parts[1] : "");
  }

  function byId(id) { return document.getElementById(id); }

  function setText(id, value) {
    var node = byId(id);
    if (node && node.textContent !== value) node.textContent = value;
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function counterOf(catalog, id) {
    var list = (catalog && catalog.counters) || [];
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i];
    return null;
  }

  function serviceOf(catalog, code) {
    var list = (catalog && catalog.services) || [];
    for (var i = 0; i < list.length; i++) if (list[i].code === code) return list[i];
    return null;
  }

  // One WebSocket to the coordinator with hello, request/answer matching and reconnects.
  // opts: auth(), onMessage(msg), onStatus(text, ok), onFatal(message, code).
  function connect(opts) {
    var socket = null;
    var live = false;        // welcomed on the current socket
    var backoff = BACKOFF_MIN_MS;
    var retry = null;        // the timer of the next try while disconnected
    var nextId = 0;
    var waiting = {};
    var stopped = false;
    var prefix = (opts.idPrefix || "w") + "-" + Date.now().toString(36) + "-" +
      Math.floor(Math.random() * 1e9).toString(36) + "-";

    function url() {
      return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
    }

    function open() {
      if (stopped) return;
      opts.onStatus(socket ? "Terputus dari server — menyambung ulang…" : "Menghubungkan…", false);
      var mine = new WebSocket(url());
      socket = mine;
      var helloId = prefix + "hello-" + (nextId++);
      // A server that accepts the connection but never welcomes (overloaded, half-started)
      // must not leave the page hanging: drop the try and go on with the next.
      var helloTimer = setTimeout(function () { mine.close(); }, HELLO_TIMEOUT_MS);
      mine.onopen = function () {
        var hello = { id: helloId, type: "hello", protocol: 1, auth: opts.auth() };
        // Pages that only ask (the manager's report) skip the snapshot and event stream.
        if (opts.subscribe === false) hello.subscribe = false;
        mine.send(JSON.stringify(hello));
      };
      mine.onmessage = function (frame) {
        if (socket !== mine) return;
        var msg;
        try { msg = JSON.parse(frame.data); } catch (e) { return; }
        if (msg.type === "welcome") {
          clearTimeout(helloTimer);
          live = true;
          backoff = BACKOFF_MIN_MS;
          opts.onStatus("Terhubung", true);
        }
        if (msg.type === "error" && msg.id === helloId && FATAL[msg.code]) {
          clearTimeout(helloTimer);
          stopped = true;
          mine.close();
          opts.onFatal(msg.message, msg.code);
          return;
        }
        if ((msg.type === "ok" || msg.type === "error") && msg.id && waiting[msg.id]) {
          var done = waiting[msg.id];
          delete waiting[msg.id];
          done(msg);
        }
        opts.onMessage(msg);
      };
      mine.onclose = function (ev) {
        clearTimeout(helloTimer);
        if (socket !== mine) return;
        live = false;
        failPending();
        if (stopped) return;
        // 4001: this page's access was revoked or changed (device revoked, PIN changed,
        // counter closed by the manager). Reconnecting with the same secret cannot help,
        // and for an officer it would reopen a counter the manager closed.
        if (ev && ev.code === 4001) {
          stopped = true;
          opts.onFatal("Akses ditutup: loket ditutup oleh pengelola, atau PIN/perangkat " +
            "diubah. Masuk lagi.", "revoked");
          return;
        }
        opts.onStatus("Terputus dari server — menyambung ulang…", false);
        retry = setTimeout(function () { retry = null; open(); },
          backoff * (0.5 + Math.random() * 0.5));
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      };
    }

    // A request in flight when the connection drops gets no answer: tell its sender, so a
    // page never waits forever (and an officer knows to check before repeating).
    function failPending() {
      var pending = waiting;
      waiting = {};
      Object.keys(pending).forEach(function (id) {
        pending[id]({ type: "error", id: id, code: "disconnected",
          message: "Sambungan ke server terputus sebelum ada jawaban. " +
            "Periksa hasilnya, lalu ulangi bila perlu." });
      });
    }

    // The network is back (a phone's Wi-Fi): try now rather than at the next step.
    window.addEventListener("online", function () {
      if (retry && !stopped) { clearTimeout(retry); retry = null; open(); }
    });

    open();
    return {
      // Sends a request; `done(answer)` gets its ok or error. False when offline.
      request: function (body, done) {
        if (!live || socket.readyState !== 1) return false;
        body.id = prefix + (nextId++);
        if (done) waiting[body.id] = done;
        socket.send(JSON.stringify(body));
        return true;
      },
      live: function () { return live; },
      stop: function () {
        stopped = true;
        if (retry) { clearTimeout(retry); retry = null; }
        if (socket) socket.close();
      }
    };
  }

  // Browser login (docs/protocol.md, "Web sessions"): the PIN or password goes to the
  // server once; what comes back is an HttpOnly cookie this script cannot read. Pages keep
  // no secret: their socket says {"role":"session"} and the browser sends the cookie.
  // done(error, session): error is the server's error message object, or one made here
  // when the server cannot be reached.
  function logIn(auth, done) {
    fetch("/api/session", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(auth)
    }).then(function (r) {
      return r.json().then(function (body) { return r.ok ? done(null, body) : done(body); });
    }).catch(function () {
      done({ code: "disconnected", message: "Server tidak dapat dihubungi. Periksa jaringan, lalu ulangi." });
    });
  }

  // done(session or null): the live session of this browser, if any.
  function whoAmI(done) {
    fetch("/api/session", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      return r.ok ? r.json().then(done) : done(null);
    }).catch(function () { done(null); });
  }

  function logOut(done) {
    fetch("/api/session/logout", { method: "POST", credentials: "same-origin", cache: "no-store" })
      .then(function () { if (done) done(); }, function () { if (done) done(); });
  }

  // The socket of a logged-in browser (see logIn).
  function sessionAuth() { return { role: "session" }; }

  // A checklist of a service's requirements (the visitor ticks what they brought; the
  // officer checks it): one checkbox per item, replacing what `list` held.
  function requirementChecklist(list, items) {
    list.textContent = "";
    items.forEach(function (text, i) {
      var li = make("li");
      var label = make("label");
      var box = make("input");
      box.type = "checkbox";
      box.id = "req-" + i;
      label.appendChild(box);
      label.appendChild(make("span", "", " " + text));
      li.appendChild(label);
      list.appendChild(li);
    });
  }

  // A kiosk's printer alert as the officers' console and the managers' report show it.
  var PRINTER_TEXT = { paper_near_end: "kertas hampir habis", paper_end: "kertas habis",
    cover_open: "penutup printer terbuka", offline: "printer tidak tersambung",
    no_answer: "printer tidak menjawab", error: "printer bermasalah",
    not_supported: "status printer tidak diketahui" };
  function printerAlertText(alert, catalog) {
    var since = alert.at_ms && catalog ?
      " sejak " + formatTime(alert.at_ms, catalog.site.utc_offset_min) : "";
    return "⚠ Printer kios " + alert.device + ": " +
      (PRINTER_TEXT[alert.printer] || alert.printer) +
      (alert.detail ? " (" + alert.detail + ")" : "") + since;
  }

  return {
    formatDate: formatDate, formatTime: formatTime, formatDecimal: formatDecimal,
    byId: byId, setText: setText, printerAlertText: printerAlertText,
    make: make, counterOf: counterOf, serviceOf: serviceOf, connect: connect,
    logIn: logIn, whoAmI: whoAmI, logOut: logOut, sessionAuth: sessionAuth,
    requirementChecklist: requirementChecklist
  };
})();

// A visitor's language ("id" or "en"): the one chosen last on any page (localStorage
// "antrean-lang", as the booking page keeps it), else the first of the two the browser
// prefers, else Indonesian.
Antrean.preferredLang = function () {
  var saved = null;
  try { saved = localStorage.getItem("antrean-lang"); } catch (e) { /* private mode */ }
  if (saved === "id" || saved === "en") return saved;
  var wants = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < wants.length; i++) {
    var code = String(wants[i]).toLowerCase().split("-")[0];
    if (code === "id" || code === "en") return code;
  }
  return "id";
};

Antrean.saveLang = function (lang) {
  try { localStorage.setItem("antrean-lang", lang); } catch (e) { /* private mode */ }
};
