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
  var rated = null;             // what this ticket's visitor rated already (after a reload)
  var shownState = null;        // the state the page last showed (alerts fire on a change)
  var shownRecalls = 0;
  var wasAlmost = false;
  var audio = null;             // an AudioContext, once the visitor allowed sound
  var wakeLock = null;
  // People ahead at which the page says "almost your turn" (and buzzes once).
  var ALMOST_AHEAD = 3;            // the connection is down: what the page shows may be old
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

  // Next in line, the band would read "0–25 menit": say what the wait is made of instead.
  function waitText(est) {
    if (est.counter_free) return "segera";
    if (est.counters === 0) return "begitu loket dibuka (" + est.text_id + ")";
    if (est.calls_ahead === 0) return "begitu loket selesai melayani (paling lama sekitar " + est.band_min_hi + " menit)";
    return est.text_id;
  }

  function waitWhy(est) {
    var perCall = Math.max(1, Math.round(est.mean_call_s / 60));
    var counters = est.counters + " loket";
    if (est.counter_free) return "Ada loket yang sedang kosong untuk layanan ini.";
    if (est.counters === 0) {
      return "Belum ada loket yang buka untuk layanan ini; perkiraan menganggap loket dibuka sebentar lagi.";
    }
    if (est.calls_ahead === 0) {
      return "Anda berikutnya. " + (est.counters > 1 ? "Semua " + counters + " layanan ini" : "Loket layanan ini") +
        " sedang melayani; rata-rata " + perCall + " menit per pengunjung.";
    }
    return "Dihitung dari " + est.calls_ahead + " panggilan sebelum Anda (termasuk prioritas dan booking), " +
      counters + " yang melayani dan rata-rata " + perCall + " menit per pengunjung hari ini. " +
      "Rentang ini menyusut seiring waktu dan hanya berubah bila keadaan loket berubah.";
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
      // A band, never a false-precise minute, said with what it rests on; the coordinator
      // keeps it steady and flags waits past closing.
      var est = ticket.state === "waiting" ? answer.estimate : null;
      A.setText("wait", est ? waitText(est) + (est.after_closing ? " (mungkin melewati jam tutup)" : "") : "–");
      A.setText("wait-why", est ? waitWhy(est) : "");
      A.byId("wait-why").hidden = !est;
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
    if (!stale) alertOnChange(answer);
  }

  // What a visitor away from the counter needs when their number comes: the phone buzzes
  // and chimes, the tab's title and a notification say where to go. "Almost your turn" a
  // few numbers before. Only on a change, never again on a reload of the same state.
  function alertOnChange(answer) {
    var waiting = ticket.state === "waiting";
    A.byId("alerts-box").hidden = !(waiting || ticket.state === "called");
    A.byId("alerts-on").hidden = !!audio;
    if (answer) {
      var ahead = waiting ? answer.people_ahead : null;
      var almost = waiting && ahead <= ALMOST_AHEAD;
      A.byId("almost").hidden = !almost;
      if (almost) {
        A.setText("almost", ahead === 0 ? "Anda berikutnya. Bersiaplah di dekat loket."
          : "Hampir giliran Anda: " + ahead + " orang lagi di depan Anda.");
      }
      if (almost && !wasAlmost && shownState !== null) buzz([300]);
      wasAlmost = almost;
    }
    if (ticket.state === "called") {
      var where = ticket.counter ? "Loket " + ticket.counter : "loket";
      document.title = "DIPANGGIL " + ticket.number + " \u2192 " + where;
      // Called now, or called again (a recall): not merely a page opened on a call.
      var news = shownState !== null && (shownState !== "called" || ticket.recalls > shownRecalls);
      if (news) {
        buzz([500, 200, 500, 200, 500]);
        chime();
        notify("Nomor " + ticket.number + " dipanggil", "Silakan menuju " + where + ".");
      }
      A.byId("almost").hidden = true;
    }
    if (ticket.state !== shownState) keepAwake(waiting || ticket.state === "called");
    shownState = ticket.state;
    shownRecalls = ticket.recalls || 0;
  }

  function buzz(pattern) {
    if (navigator.vibrate) navigator.vibrate(pattern);
  }

  // Two tones (the board's ding-dong), from the AudioContext the visitor's tap allowed.
  function chime() {
    if (!audio || audio.state !== "running") return;
    var t = audio.currentTime;
    [[659.25, 0], [523.25, 0.5]].forEach(function (tone) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.4, t + tone[1]);
      gain.gain.exponentialRampToValueAtTime(0.001, t + tone[1] + 0.7);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + tone[1]);
      osc.stop(t + tone[1] + 0.8);
    });
    window.antreanTicketChimes = (window.antreanTicketChimes || 0) + 1;
  }

  function notify(title, body) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try { new Notification(title, { body: body, tag: "antrean-call" }); } catch (e) { /* Android needs a service worker: the title and buzz still say it */ }
  }

  // The screen stays on while the visitor waits (where the browser allows it); a lock is
  // dropped by the browser when the tab is hidden and asked for again when it is back.
  function keepAwake(on) {
    if (!on) {
      if (wakeLock) wakeLock.release().catch(function () {});
      wakeLock = null;
      if (window.antreanWakeLock === "held") window.antreanWakeLock = "released";
      return;
    }
    if (wakeLock) return;
    if (!navigator.wakeLock) { window.antreanWakeLock = "unsupported"; return; }
    // What became of the request, for a curious technician and the tests.
    window.antreanWakeLock = "asked";
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      window.antreanWakeLock = "held";
      lock.addEventListener("release", function () { wakeLock = null; });
    }, function () { window.antreanWakeLock = "refused"; });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && ticket) {
      keepAwake(ticket.state === "waiting" || ticket.state === "called");
    }
  });

  // One tap allows sound (browsers require it) and asks whether to notify.
  function allowAlerts() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && !audio) audio = new Ctx();
    if (audio) audio.resume();
    var asked = ("Notification" in window && Notification.permission === "default")
      ? Notification.requestPermission() : Promise.resolve();
    Promise.resolve(asked).catch(function () {}).then(function () {
      A.setText("alerts-note", "Ponsel akan berbunyi dan bergetar saat nomor Anda dipanggil.");
      A.byId("alerts-on").hidden = true;
    });
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
  A.byId("alerts-on").addEventListener("click", allowAlerts);
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
