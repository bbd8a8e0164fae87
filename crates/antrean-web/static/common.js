// Antrean — helpers shared by the console, the board and the digital ticket.
// Plain JavaScript for any browser of the last years: no framework, no build step, nothing
// loaded from outside (a site runs on a LAN without internet).
"use strict";

var Antrean = (function () {
  var DAYS = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"];
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
    "Agustus", "September", "Oktober", "November", "Desember"];
  // Reconnect backoff: quick after a blip, at most every 30 s while the coordinator is down
  // (a board may wait out a long outage; each try is one cheap request).
  var BACKOFF_MIN_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  // Codes after which retrying with the same credentials cannot help.
  var FATAL = { unauthorized: 1, locked_out: 1, counter_in_use: 1, forbidden: 1,
    unsupported_protocol: 1, bad_request: 1, counter_required: 1, unknown_counter: 1 };

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
  // opts: auth(), onMessage(msg), onStatus(text, ok), onFatal(message).
  function connect(opts) {
    var socket = null;
    var backoff = BACKOFF_MIN_MS;
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
      opts.onStatus("Menghubungkan…", false);
      socket = new WebSocket(url());
      var helloId = prefix + "hello-" + (nextId++);
      socket.onopen = function () {
        var hello = { id: helloId, type: "hello", protocol: 1, auth: opts.auth() };
        // Pages that only ask (the manager's report) skip the snapshot and event stream.
        if (opts.subscribe === false) hello.subscribe = false;
        socket.send(JSON.stringify(hello));
      };
      socket.onmessage = function (frame) {
        var msg;
        try { msg = JSON.parse(frame.data); } catch (e) { return; }
        if (msg.type === "welcome") {
          backoff = BACKOFF_MIN_MS;
          opts.onStatus("Terhubung", true);
        }
        if (msg.type === "error" && msg.id === helloId) {
          if (FATAL[msg.code]) {
            stopped = true;
            socket.close();
            opts.onFatal(msg.message, msg.code);
            return;
          }
        }
        if ((msg.type === "ok" || msg.type === "error") && msg.id && waiting[msg.id]) {
          var done = waiting[msg.id];
          delete waiting[msg.id];
          done(msg);
        }
        opts.onMessage(msg);
      };
      socket.onclose = function () {
        waiting = {};
        if (stopped) return;
        opts.onStatus("Terputus — menyambung lagi dalam " + Math.round(backoff / 1000) + " detik", false);
        setTimeout(open, backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      };
    }

    open();
    return {
      // Sends a request; `done(answer)` gets its ok or error. False when offline.
      request: function (body, done) {
        if (!socket || socket.readyState !== 1) return false;
        body.id = prefix + (nextId++);
        if (done) waiting[body.id] = done;
        socket.send(JSON.stringify(body));
        return true;
      },
      stop: function () { stopped = true; if (socket) socket.close(); }
    };
  }

  return {
    formatDate: formatDate, formatTime: formatTime, formatDecimal: formatDecimal,
    byId: byId, setText: setText,
    make: make, counterOf: counterOf, serviceOf: serviceOf, connect: connect
  };
})();
