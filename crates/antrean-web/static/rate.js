// Rating screen (/rate?token=…): a tablet at one counter. When the officer finishes a
// ticket there, the visitor sees the four faces, then may answer the SKM questionnaire;
// after the thanks (or when nobody touches it) the screen returns to waiting.
"use strict";
(function () {
  var A = Antrean;
  var params = new URLSearchParams(location.search);
  var token = params.get("token");
  // How long the thanks stays; how long an untouched rating waits for the visitor.
  var THANKS_MS = Number(params.get("thanks_s") || 8) * 1000;
  var IDLE_MS = Number(params.get("idle_s") || 120) * 1000;
  var conn = null;
  var catalog = null;
  var counterId = null;
  var ticketId = null;
  var timer = null;

  function notice(text) {
    A.setText("notice", text);
    A.byId("notice").hidden = !text;
  }

  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(waiting, ms);
  }

  function waiting() {
    clearTimeout(timer);
    ticketId = null;
    A.byId("rating").hidden = true;
    A.byId("rating").textContent = "";
    A.byId("waiting-screen").hidden = false;
    document.body.dataset.screen = "waiting";
  }

  // A visitor finished at this counter: ask them. A newer finish replaces an older form.
  function ask(ticket, number) {
    ticketId = ticket;
    var box = A.byId("rating");
    var form = AntreanSkm.mount(box, {
      send: function (rating, done) {
        return conn.request({ type: "rate", ticket: ticket, rating: rating }, done);
      },
      onFinished: function () { later(THANKS_MS); },
      onActivity: function () { if (ticketId === ticket) later(IDLE_MS); }
    });
    form.label(number ? "Nomor antrean " + number : "");
    A.byId("waiting-screen").hidden = true;
    box.hidden = false;
    document.body.dataset.screen = "rating";
    later(IDLE_MS);
  }

  function onMessage(msg) {
    if (msg.type === "welcome") {
      catalog = msg.catalog;
      // The coordinator names the counter the screen was enrolled for; `counter=` in the
      // address is only a fallback for a coordinator that does not say.
      counterId = msg.counter || params.get("counter");
      var c = A.counterOf(catalog, counterId);
      A.setText("site", catalog.site.name);
      A.setText("counter-name", c ? c.name : counterId ? "Loket " + counterId : "");
      notice(counterId ? "" : "Layar penilaian ini tidak terikat ke loket mana pun.");
    } else if (msg.type === "event" && msg.event.type === "service_finished" &&
      msg.event.counter === counterId) {
      ask(msg.event.ticket, msg.ticket ? msg.ticket.number : "");
    }
  }

  waiting();
  if (!token) {
    notice("Token layar penilaian tidak ada: buka /rate?token=<token perangkat penilaian>");
    return;
  }
  conn = A.connect({
    idPrefix: "r",
    auth: function () { return { role: "rating", token: token }; },
    onMessage: onMessage,
    onStatus: function (text, ok) {
      A.setText("conn", ok ? "" : text);
      A.byId("conn").className = ok ? "conn" : "conn off";
    },
    onFatal: function (message) { notice("Layar penilaian tidak dapat masuk: " + message); }
  });
})();
