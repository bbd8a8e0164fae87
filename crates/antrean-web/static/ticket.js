// Digital ticket (/t/{token}): the visitor's own ticket, live, over the public role, in
// Indonesian or English (the visitor's choice, remembered: Antrean.preferredLang).
"use strict";
(function () {
  var A = Antrean;
  var token = decodeURIComponent(location.pathname.split("/").pop() || "");
  var lang = A.preferredLang();
  var catalog = null;
  var ticket = null;
  var answer = null;            // the last get_ticket answer
  var lastCalled = {};          // service code → last number called
  var requirementsShown = false;
  var standard = null;          // the service's Standar Pelayanan, once fetched
  var refreshing = false;
  var ratingLoaded = false;
  var survey = null;
  var stale = false;            // the connection is down: what the page shows may be old
  var connText = "";            // what common.js says about it (Indonesian)
  var problem = null;           // "badLink" or "notFound": no ticket to show
  var noted = false;            // the visitor allowed sound and notifications
  var rated = null;             // what this ticket's visitor rated already (after a reload)
  var shownState = null;        // the state the page last showed (alerts fire on a change)
  var shownRecalls = 0;
  var wasAlmost = false;
  var audio = null;             // an AudioContext, once the visitor allowed sound
  var wakeLock = null;
  // People ahead at which the page says "almost your turn" (and buzzes once).
  var ALMOST_AHEAD = 3;
  var conn;
  // [Indonesian, English]; "%" takes the arguments of t() in order.
  var T = {
    title: ["Tiket Antrean", "Queue ticket"],
    label: ["Nomor antrean Anda", "Your queue number"],
    priority: ["PRIORITAS", "PRIORITY"],
    alertsOn: ["Bunyikan dan beri tahu saya saat dipanggil", "Ring and notify me when I am called"],
    alertsNote: ["Ponsel akan berbunyi dan bergetar saat nomor Anda dipanggil.",
      "The phone will ring and vibrate when your number is called."],
    aheadL: ["Orang di depan Anda", "People ahead of you"],
    waitL: ["Perkiraan waktu tunggu", "Estimated wait"],
    lastL: ["Terakhir dipanggil", "Last called"],
    whereL: ["Lokasi loket", "Counter location"],
    reqL: ["Persyaratan yang perlu dibawa", "Requirements to bring"],
    reqNote: ["", "Published in Indonesian only:"],
    note: ["Halaman ini diperbarui otomatis. Simpan tautannya untuk membuka lagi tiket Anda.",
      "This page updates itself. Keep its link to open your ticket again."],
    loading: ["Memuat tiket…", "Loading the ticket…"],
    badLink: ["Tautan tiket tidak lengkap.", "The ticket link is incomplete."],
    notFound: ["Tiket tidak ditemukan atau tautan tidak berlaku.", "Ticket not found, or the link is not valid."],
    waiting: ["Menunggu dipanggil", "Waiting to be called"],
    // Sent on to another service after a call: say so, or the visitor thinks the queue
    // forgot them.
    moved: ["Dialihkan ke layanan %; menunggu dipanggil", "Transferred to %; waiting to be called"],
    called: ["Dipanggil ke loket%. Silakan menuju loket.", "Called to counter%. Please go to the counter."],
    serving: ["Sedang dilayani di loket%", "Being served at counter%"],
    parked: ["Ditunda di loket%; tunggu panggilan berikutnya", "On hold at counter%; wait for the next call"],
    done: ["Selesai. Terima kasih atas kunjungan Anda.", "Done. Thank you for your visit."],
    no_show: ["Tidak hadir saat dipanggil; silakan hubungi petugas", "Not present when called; please contact an officer"],
    cancelled: ["Dibatalkan", "Cancelled"],
    expired: ["Kedaluwarsa: hari layanan sudah berakhir", "Expired: the service day has ended"],
    stale: ["Koneksi terputus: status tiket belum dapat diperbarui. Tetap di ruang tunggu; " +
      "halaman ini menyambung ulang sendiri.", "Connection lost: the ticket's status cannot be " +
      "updated. Stay in the waiting room; this page reconnects by itself."],
    next: ["Anda berikutnya. Bersiaplah di dekat loket.", "You are next. Please be ready near the counter."],
    almost: ["Hampir giliran Anda: % orang lagi di depan Anda.", "Almost your turn: % ahead of you."],
    counter: ["loket", "counter"],
    counterN: ["Loket %", "Counter %"],
    call: ["panggilan", "call"],
    calledTitle: ["DIPANGGIL % \u2192 %", "CALLED % \u2192 %"],
    notifyTitle: ["Nomor % dipanggil", "Number % called"],
    notifyBody: ["Silakan menuju %.", "Please go to %."],
    // Next in line, the band would read "0–25 menit": say what the wait is made of instead.
    soon: ["segera", "soon"],
    opens: ["begitu loket dibuka (%)", "once a counter opens (%)"],
    free: ["begitu loket selesai melayani (paling lama sekitar % menit)",
      "as soon as a counter is free (at most about % min)"],
    closing: [" (mungkin melewati jam tutup)", " (may be after closing time)"],
    whyFree: ["Ada loket yang sedang kosong untuk layanan ini.", "A counter of this service is free now."],
    whyShut: ["Belum ada loket yang buka untuk layanan ini; perkiraan menganggap loket dibuka sebentar lagi.",
      "No counter of this service is open yet; the estimate assumes one opens shortly."],
    whyNext: ["Anda berikutnya. % sedang melayani; rata-rata % menit per pengunjung.",
      "You are next. % serving; on average % min per visitor."],
    allOf: ["Semua % layanan ini", "All % of this service are"],
    theOne: ["Loket layanan ini", "The counter of this service is"],
    why: ["Dihitung dari % sebelum Anda (termasuk prioritas dan booking), % yang melayani dan " +
      "rata-rata % menit per pengunjung hari ini. Rentang ini menyusut seiring waktu dan hanya " +
      "berubah bila keadaan loket berubah.", "Based on % before yours (priority and booked ones " +
      "included), % serving and an average of % min per visitor today. The range narrows as " +
      "time passes and changes only when the counters change."]
  };
  // common.js says these in Indonesian.
  var CONN_EN = { "Menghubungkan…": "Connecting…",
    "Terputus dari server — menyambung ulang…": "Disconnected from the server — reconnecting…" };

  function en() { return lang === "en"; }

  function t(key) {
    var args = arguments;
    return T[key][en() ? 1 : 0].split("%").reduce(function (out, bit, i) { return out + args[i] + bit; });
  }

  // "3 calls", "3 panggilan".
  function count(n, word) { return n + " " + t(word) + (en() && n !== 1 ? "s" : ""); }

  // Indonesian text from the catalog, marked as such on the English page.
  function fb(text) { return en() ? { text: text, lang: "id" } : text; }

  // The text `key` with its "%" replaced by `piece`, as pieces for put().
  function around(key, piece) {
    var bits = T[key][en() ? 1 : 0].split("%");
    return [bits[0], piece, bits[1]];
  }

  // Fills #id with pieces: strings, and {text, lang} in the other language (all of them
  // such: the element itself carries the lang). Unchanged pieces touch nothing.
  function put(id, pieces) {
    var node = A.byId(id);
    pieces = [].concat(pieces);
    var said = JSON.stringify(pieces);
    if (node.said === said) return;
    node.said = said;
    node.textContent = "";
    var other = pieces.length && pieces.every(function (p) { return p.lang; }) && pieces[0].lang;
    if (other) node.lang = other;
    else node.removeAttribute("lang");
    pieces.forEach(function (p) {
      if (!p.lang || other) node.appendChild(document.createTextNode(p.lang ? p.text : p));
      else node.appendChild(A.make("span", "", p.text)).lang = p.lang;
    });
  }

  function serviceName(code) {
    var s = A.serviceOf(catalog, code);
    return !s ? code : en() && s.name_en ? s.name_en : fb(s.name_id);
  }

  function stateText(tk) {
    var at = tk.counter ? " " + tk.counter : "";
    switch (tk.state) {
      case "waiting":
        if (tk.previous_services && tk.previous_services.length) return [around("moved", serviceName(tk.service)), ""];
        return [t("waiting"), ""];
      case "called": return [t("called", at), "called"];
      case "serving": return [t("serving", at), "serving"];
      case "parked": return [t("parked", at), ""];
      case "done": case "no_show": case "cancelled": case "expired": return [t(tk.state), ""];
      default: return [tk.state, ""];
    }
  }

  function waitText(est) {
    var band = en() && est.text_en ? est.text_en : fb(est.text_id);
    if (est.counter_free) return t("soon");
    if (est.counters === 0) return around("opens", band);
    if (est.calls_ahead === 0) return t("free", est.band_min_hi);
    return band;
  }

  function waitWhy(est) {
    var perCall = Math.max(1, Math.round(est.mean_call_s / 60));
    var counters = count(est.counters, "counter");
    if (est.counter_free) return t("whyFree");
    if (est.counters === 0) return t("whyShut");
    if (est.calls_ahead === 0) return t("whyNext", est.counters > 1 ? t("allOf", counters) : t("theOne"), perCall);
    return t("why", count(est.calls_ahead, "call"), counters, perCall);
  }

  // Counters have Indonesian names; their location is in English where the catalog has it.
  function locationText(counters) {
    var out = [];
    counters.forEach(function (id, i) {
      var c = A.counterOf(catalog, id);
      if (i) out.push("; ");
      if (!c) out.push(t("counterN", id));
      else if (en() && c.location_en) out.push(fb(c.name), " (" + c.location_en + ")");
      else out.push(fb(c.name + (c.location ? " (" + c.location + ")" : "")));
    });
    return out;
  }

  // The requirements in English where the catalog has them, else in Indonesian, marked
  // (a guessed translation of a legal requirement would mislead); ticks stay on a switch.
  function showChecklist() {
    var list = A.byId("requirements");
    var english = en() && standard.en && standard.en.requirements;
    var ticked = [].map.call(list.querySelectorAll("input"), function (b) { return b.checked; });
    A.requirementChecklist(list, english || standard.requirements || []);
    list.querySelectorAll("input").forEach(function (b, i) { b.checked = !!ticked[i]; });
    var marked = en() && !english;
    if (marked) list.lang = "id";
    else list.removeAttribute("lang");
    A.setText("req-note", marked ? t("reqNote") : "");
  }

  function where() { return ticket.counter ? t("counterN", ticket.counter) : t("counter"); }

  // The words that change only with the language.
  function relabel() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach(function (n) { n.textContent = t(n.dataset.t); });
    document.querySelectorAll("#langs button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    });
    if (standard) showChecklist();
    if (survey) survey.lang(lang);
  }

  // Everything else, from what the page knows now.
  function paint() {
    put("conn", en() && connText ? CONN_EN[connText] || { text: connText, lang: "id" } : connText);
    if (catalog) put("site", fb(catalog.site.name));
    A.setText("alerts-note", noted ? t("alertsNote") : "");
    if (!ticket || problem) {
      put("state", t(problem || "loading"));
      document.title = t("title");
      return;
    }
    var waiting = ticket.state === "waiting";
    // What the last answer says of a waiting ticket holds while it still waits.
    var known = waiting && answer && answer.ticket.state === "waiting";
    var ahead = known ? answer.people_ahead : null;
    A.setText("ahead", known ? String(ahead) : "–");
    // A band, never a false-precise minute, said with what it rests on; the coordinator
    // keeps it steady and flags waits past closing.
    var est = known && answer.estimate;
    put("wait", est ? [].concat(waitText(est), est.after_closing ? t("closing") : []) : "–");
    A.setText("wait-why", est ? waitWhy(est) : "");
    A.byId("wait-why").hidden = !est;
    var at = ticket.counter ? [ticket.counter] : answer && answer.counters;
    if (at) put("location", locationText(at));
    A.setText("number", ticket.number);
    document.title = ticket.state === "called" ? t("calledTitle", ticket.number, where())
      : ticket.number + " — " + t("title");
    put("service", serviceName(ticket.service));
    A.byId("priority").hidden = !ticket.priority;
    var st = stale ? [t("stale"), "stale"] : stateText(ticket);
    put("state", st[0]);
    A.byId("state").className = "state " + st[1];
    A.byId("facts").className = stale ? "stale" : "";
    A.setText("last-called", lastCalled[ticket.service] || "–");
    A.byId("alerts-box").hidden = !(waiting || ticket.state === "called");
    A.byId("alerts-on").hidden = !!audio || noted;
    // "Almost your turn" a few numbers before.
    A.byId("almost").hidden = !(known && ahead <= ALMOST_AHEAD);
    A.setText("almost", ahead === 0 ? t("next") : known ? t("almost", ahead) : "");
  }

  function render(fresh) {
    if (fresh) {
      answer = fresh;
      ticket = fresh.ticket;
      rated = fresh.rated || null;
    }
    paint();
    if (!ticket) return;
    if (!requirementsShown) showRequirements(ticket.service);
    if (ticket.state === "done") offerRating();
    if (!stale) alertOnChange(fresh);
  }

  // What a visitor away from the counter needs when their number comes: the phone buzzes
  // and chimes, the tab's title and a notification say where to go; a buzz a few numbers
  // before. Only on a change, never again on a reload of the same state.
  function alertOnChange(fresh) {
    var waiting = ticket.state === "waiting";
    if (fresh) {
      var almost = waiting && fresh.people_ahead <= ALMOST_AHEAD;
      if (almost && !wasAlmost && shownState !== null) buzz([300]);
      wasAlmost = almost;
    }
    // Called now, or called again (a recall): not merely a page opened on a call.
    if (ticket.state === "called" && shownState !== null &&
      (shownState !== "called" || ticket.recalls > shownRecalls)) {
      buzz([500, 200, 500, 200, 500]);
      chime();
      notify(t("notifyTitle", ticket.number), t("notifyBody", where()));
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
    var now = audio.currentTime;
    [[659.25, 0], [523.25, 0.5]].forEach(function (tone) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.4, now + tone[1]);
      gain.gain.exponentialRampToValueAtTime(0.001, now + tone[1] + 0.7);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + tone[1]);
      osc.stop(now + tone[1] + 0.8);
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
      noted = true;
      render(null);
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
      survey = AntreanSkm.mount(box, {
        send: function (rating, done) { return conn.request({ type: "rate", rating: rating }, done); },
        // Rated before this page was loaded: say so instead of asking again.
        rated: rated,
        lang: lang
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
      standard = (s && s.standard) || { requirements: [] };
      showChecklist();
      A.byId("requirements-box").hidden = standard.requirements.length === 0 || !A.byId("skm-box").hidden;
    }).catch(function () { requirementsShown = false; });
  }

  // One read in flight at most: a busy hall sends many events, the phone needs the latest.
  function refresh() {
    if (refreshing) return;
    refreshing = conn.request({ type: "get_ticket" }, function (got) {
      refreshing = false;
      if (got.type === "ok") render(got.result);
    });
  }

  function onMessage(msg) {
    if (msg.type === "welcome") {
      catalog = msg.catalog;
      render(null);
    } else if (msg.type === "snapshot") {
      lastCalled = {};
      (msg.state.services || []).forEach(function (s) {
        if (s.last_called) lastCalled[s.service] = s.last_called;
      });
      refresh();
    } else if (msg.type === "event" && msg.ticket) {
      var tk = msg.ticket;
      if (msg.event.type === "ticket_called") lastCalled[tk.service] = tk.number;
      if (msg.event.type === "day_started") lastCalled = {};
      if (ticket && (tk.id === ticket.id || tk.service === ticket.service)) {
        if (tk.id === ticket.id) ticket = tk;
        render(null);
        refresh();
      }
    }
  }

  // "Bahasa Indonesia | English": everything again at once, remembered for the next visit.
  A.byId("langs").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-lang]");
    if (!b || b.dataset.lang === lang) return;
    lang = b.dataset.lang;
    A.saveLang(lang);
    relabel();
    paint();
  });
  relabel();
  if (!token) problem = "badLink";
  paint();
  if (problem) return;
  A.byId("alerts-on").addEventListener("click", allowAlerts);
  conn = A.connect({
    idPrefix: "t",
    auth: function () { return { role: "public", ticket_token: token }; },
    onMessage: onMessage,
    onStatus: function (text, ok) {
      connText = ok ? "" : text;
      A.byId("conn").className = ok ? "conn" : "conn off";
      stale = !ok;
      render(null);
    },
    onFatal: function () {
      problem = "notFound";
      paint();
    }
  });
})();
