// Digital ticket (/t/{token}): the visitor's own ticket, live, over the public role.
"use strict";
(function () {
  var A = Antrean;
  var token = decodeURIComponent(location.pathname.split("/").pop() || "");
  var catalog = null;
  var ticket = null;
  var lastCalled = {};          // service code → last number called
  var requirementsShown = false;
  var refreshing = false;
  var ratingLoaded = false;
  var stale = false;
  var rated = null;             // what this ticket's visitor rated already (after a reload)            // the connection is down: what the page shows may be old
  var conn;

  function stateText(t) {
    var at = t.counter ? "loket " + t.counter : "loket";
    switch (t.state) {
      case "waiting":
        // Sent on to another service after a call: say so, or the visitor thinks the
        // queue forgot them.
        if (t.previous_services && t.previous_services.length) {
          var s = A.serviceOf(catalog, t.service);
          return ["Dialihkan ke layanan " + (s ? s.name_id : t.service) +
            "; menunggu dipanggil", ""];
        }
        return ["Menunggu dipanggil", ""];
      case "called": return ["Dipanggil ke " + at + ". Silakan menuju loket.", "called"];
      case "serving": return ["Sedang dilayani di " + at, "serving"];
      case "parked": return ["Ditunda di " + at + "; tunggu panggilan berikutnya", ""];
      case "done": return ["Selesai. Terima kasih atas kunjungan Anda.", ""];
      case "no_show": return ["Tidak hadir saat dipanggil; silakan hubungi petugas", ""];
      case "cancelled": return ["Dibatalkan", ""];
      case "expired": return ["Kedaluwarsa: hari layanan sudah berakhir", ""];
      default: return [t.state, ""];
    }
  }

  function locationText(counters) {
    return counters.map(function (id) {
      var c = A.counterOf(catalog, id);
      return c ? c.name + (c.location ? " (" + c.location + ")" : "") : "Loket " + id;
    }).join("; ");
  }

  function render(answer) {
    if (answer) {
      ticket = answer.ticket;
      rated = answer.rated || null;
      if (ticket.state === "waiting") A.setText("ahead", String(answer.people_ahead));
      else A.setText("ahead", "–");
      // A band, never a false-precise minute; the coordinator also flags waits past closing.
      var est = ticket.state === "waiting" ? answer.estimate : null;
      A.setText("wait", est ? est.text_id + (est.after_closing ? " (mungkin melewati jam tutup)" : "") : "–");
      if (!ticket.counter) A.setText("location", locationText(answer.counters || []));
    }
    if (!ticket) return;
    var service = A.serviceOf(catalog, ticket.service);
    A.setText("number", ticket.number);
    document.title = ticket.number + " — Tiket Antrean";
    A.setText("service", service ? service.name_id : ticket.service);
    A.byId("priority").hidden = !ticket.priority;
    var st = stale
      ? ["Koneksi terputus: status tiket belum dapat diperbarui. Tetap di ruang tunggu; " +
         "halaman ini menyambung ulang sendiri.", "stale"]
      : stateText(ticket);
    A.setText("state", st[0]);
    A.byId("state").className = "state " + st[1];
    A.byId("facts").className = stale ? "stale" : "";
    if (ticket.counter) A.setText("location", locationText([ticket.counter]));
    A.setText("last-called", lastCalled[ticket.service] || "–");
    if (!requirementsShown) showRequirements(ticket.service);
    if (ticket.state === "done") offerRating();
  }

  // After service the visitor may rate it here: `rate` without a ticket is their own. The
  // survey's script and style load only then, so the page stays small while waiting.
  function offerRating() {
    if (ratingLoaded) return;
    ratingLoaded = true;
    var style = A.make("link");
    style.rel = "stylesheet";
    style.href = "/assets/skm.css";
    document.head.appendChild(style);
    var script = A.make("script");
    script.src = "/assets/skm.js";
    script.onload = function () {
      var box = A.byId("skm-box");
      AntreanSkm.mount(box, {
        send: function (rating, done) { return conn.request({ type: "rate", rating: rating }, done); },
        // Rated before this page was loaded: say so instead of asking again.
        rated: rated
      });
      box.hidden = false;
      A.byId("requirements-box").hidden = true;
      // The visit is over: the survey is what the page is for now.
      box.scrollIntoView({ block: "start", behavior: "smooth" });
    };
    script.onerror = function () { ratingLoaded = false; script.remove(); };
    document.body.appendChild(script);
  }

  // The Standar Pelayanan is public (GET /api/catalog); loaded once, after the ticket,
  // so the number shows first on a slow connection.
  function showRequirements(code) {
    requirementsShown = true;
    fetch("/api/catalog").then(function (r) { return r.json(); }).then(function (full) {
      var s = A.serviceOf(full, code);
      var items = (s && s.standard && s.standard.requirements) || [];
      A.requirementChecklist(A.byId("requirements"), items);
      A.byId("requirements-box").hidden = items.length === 0 || !A.byId("skm-box").hidden;
    }).catch(function () { requirementsShown = false; });
  }

  // One read in flight at most: a busy hall sends many events, the phone needs the latest.
  function refresh() {
    if (refreshing) return;
    refreshing = conn.request({ type: "get_ticket" }, function (answer) {
      refreshing = false;
      if (answer.type === "ok") render(answer.result);
    });
  }

  function onMessage(msg) {
    if (msg.type === "welcome") {
      catalog = msg.catalog;
      A.setText("site", catalog.site.name);
    } else if (msg.type === "snapshot") {
      lastCalled = {};
      (msg.state.services || []).forEach(function (s) {
        if (s.last_called) lastCalled[s.service] = s.last_called;
      });
      refresh();
    } else if (msg.type === "event" && msg.ticket) {
      var t = msg.ticket;
      if (msg.event.type === "ticket_called") lastCalled[t.service] = t.number;
      if (msg.event.type === "day_started") lastCalled = {};
      if (ticket && (t.id === ticket.id || t.service === ticket.service)) {
        if (t.id === ticket.id) ticket = t;
        render(null);
        refresh();
      }
    }
  }

  if (!token) {
    A.setText("state", "Tautan tiket tidak lengkap.");
    return;
  }
  conn = A.connect({
    idPrefix: "t",
    auth: function () { return { role: "public", ticket_token: token }; },
    onMessage: onMessage,
    onStatus: function (text, ok) {
      A.setText("conn", ok ? "" : text);
      A.byId("conn").className = ok ? "conn" : "conn off";
      stale = !ok;
      render(null);
    },
    onFatal: function () {
      A.setText("state", "Tiket tidak ditemukan atau tautan tidak berlaku.");
    }
  });
})();
