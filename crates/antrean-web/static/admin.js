// Managers' administration (/admin): devices (enroll with a token shown once, revoke),
// officers (add, change name and PIN, remove) and the counters as they are now, live from
// the event stream, with "Tutup loket" for a counter left open. The page logs in like the
// report (a cookie session; it keeps no password) and speaks the documented protocol:
// enroll_device, revoke_device, set_officer, remove_officer, list_principals and
// close_counter (docs/protocol.md). Everything it checks, the coordinator checks again.
"use strict";
(function () {
  var A = Antrean;
  var KIND_TEXT = { kiosk: "Kios", display: "Papan display", rating: "Layar penilaian" };
  var NAME_RULE = /^[a-z0-9_-]{1,32}$/;
  var PIN_RULE = /^[0-9]{4,8}$/;
  var NAME_HELP = "hanya huruf kecil a–z, angka 0–9, tanda hubung (-) atau garis bawah (_), " +
    "paling banyak 32 karakter, tanpa spasi.";
  var MAX_FULL_NAME = 80;
  // Why a counter is on a break, when the officer said (counter_paused's reason).
  var BREAK_TEXT = { sholat: "salat", rapat: "rapat" };

  var conn = null;
  var catalog = null;
  var devices = [];
  var officers = [];
  var fullNames = {};        // officer id → full name (list_principals display_name)
  var counters = {};         // counter id → {status, officer, current}
  var tickets = {};          // ticket id → {number, state, counter}
  var busy = false;          // an administration request is in flight
  var devicesShown = false;
  var officersShown = false;
  var onConfirm = null;
  // For tests and curious managers: what the page shows, as data.
  window.antreanAdmin = { counters: counters, devices: function () { return devices; },
    officers: function () { return officers; } };

  // --- messages -----------------------------------------------------------------------

  function say(id, text, isError) {
    A.setText(id, text);
    A.byId(id).className = "form-message" + (isError ? " error" : "");
  }

  // The server's refusal in words for this page (the server's own text is Indonesian too;
  // it is the fallback for codes without a better sentence here).
  function errorText(answer, what) {
    var code = answer.code;
    switch (code) {
      case "invalid_name": return (what.name ? "Nama " + what.name : "Nama") + " ditolak server: " + NAME_HELP;
      case "invalid_pin": return "PIN ditolak server: PIN harus 4 sampai 8 angka.";
      case "not_found": return (what.notFound || "Data itu tidak ditemukan") +
        " (mungkin sudah diubah dari tempat lain). Daftar sudah dimuat ulang.";
      case "counter_required": return "Layar penilaian harus dipasangkan dengan loket yang ada di katalog. Pilih loketnya.";
      case "unknown_counter": return "Loket itu tidak ada di katalog situs ini.";
      case "forbidden": return "Ditolak: hanya manajer yang boleh melakukan ini.";
      case "bad_request": return "Permintaan ditolak server karena datanya tidak lengkap atau tidak sah. Periksa isian, lalu ulangi.";
      case "rate_limited": return "Terlalu banyak permintaan dalam waktu singkat. Tunggu sebentar, lalu ulangi.";
      case "shutting_down": return "Server sedang berhenti. Tunggu sampai tersambung lagi, lalu ulangi.";
      case "revoked":
      case "session_expired": return "Sesi manajer Anda sudah berakhir. Masuk lagi, lalu ulangi.";
      case "internal": return "Terjadi kesalahan di server; tidak ada yang diubah. Hubungi petugas TI bila berulang.";
      default: return answer.message || "Permintaan gagal.";
    }
  }

  // Sends a request; `done(answer)` gets the ok or error. False when not connected.
  function ask(body, done, messageId) {
    if (conn && conn.request(body, done)) return true;
    say(messageId, "Tidak terhubung ke server. Tunggu sampai tersambung lagi, lalu ulangi.", true);
    return false;
  }

  function setBusy(on) {
    busy = on;
    ["device-submit", "officer-submit"].forEach(function (id) { A.byId(id).disabled = on; });
    Array.prototype.forEach.call(document.querySelectorAll("#app table button"), function (b) {
      b.disabled = on;
    });
  }

  // --- confirmation dialog --------------------------------------------------------------

  function confirmThen(title, text, yes, action) {
    var dialog = A.byId("confirm");
    A.setText("confirm-title", title);
    A.setText("confirm-text", text);
    A.setText("confirm-yes", yes);
    onConfirm = action;
    if (dialog.open) dialog.close();
    dialog.showModal();
    A.byId("confirm-no").focus();
  }

  function closeConfirm(accepted) {
    var dialog = A.byId("confirm");
    var action = onConfirm;
    onConfirm = null;
    if (dialog.open) dialog.close();
    if (accepted && action) action();
  }

  // --- devices and officers -------------------------------------------------------------

  function cell(row, text, className) {
    var td = A.make("td", className || "", text);
    row.appendChild(td);
    return td;
  }

  function button(text, className, onClick) {
    var b = A.make("button", className, text);
    b.type = "button";
    b.disabled = busy;
    b.addEventListener("click", onClick);
    return b;
  }

  function counterName(id) {
    var c = A.counterOf(catalog, id);
    return c ? c.name : "Loket " + id;
  }

  function renderDevices() {
    var body = A.byId("device-table").tBodies[0];
    body.textContent = "";
    devices.forEach(function (d) {
      var tr = A.make("tr", d.revoked ? "revoked" : "");
      tr.dataset.name = d.name;
      cell(tr, d.name);
      cell(tr, KIND_TEXT[d.kind] || d.kind);
      // The counter of a rating screen, where the coordinator lists it.
      cell(tr, d.counter ? counterName(d.counter) : (d.kind === "rating" ? "–" : ""));
      cell(tr, d.revoked ? "Dicabut" : "Aktif", d.revoked ? "status-revoked" : "status-active");
      var actions = cell(tr, "", "actions");
      if (!d.revoked) actions.appendChild(button("Cabut", "danger revoke", function () { revoke(d); }));
      body.appendChild(tr);
    });
    A.byId("device-empty").hidden = devices.length > 0;
    devicesShown = true;
  }

  function renderOfficers() {
    var body = A.byId("officer-table").tBodies[0];
    body.textContent = "";
    officers.forEach(function (o) {
      var tr = A.make("tr");
      tr.dataset.officer = o.name;
      cell(tr, o.name);
      cell(tr, o.display_name || "–");
      var actions = cell(tr, "", "actions");
      actions.appendChild(button("Ubah", "edit", function () { editOfficer(o); }));
      actions.appendChild(button("Hapus", "danger remove", function () { removeOfficer(o); }));
      body.appendChild(tr);
    });
    A.byId("officer-empty").hidden = officers.length > 0;
    officersShown = true;
  }

  function byName(a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; }

  // Devices, officers and their full names, fresh from the coordinator.
  function loadPrincipals(then) {
    if (!conn) return;
    conn.request({ type: "list_principals" }, function (answer) {
      if (answer.type !== "ok" || answer.result.kind !== "principals") {
        if (answer.type === "error") say("counter-message", errorText(answer, {}), true);
        return;
      }
      var newDevices = answer.result.devices.slice().sort(byName);
      var newOfficers = answer.result.officers.filter(function (o) { return !o.revoked; }).sort(byName);
      // Tables are rebuilt only when their lists changed (see renderCounters).
      var devicesChanged = JSON.stringify(newDevices) !== JSON.stringify(devices) || !devicesShown;
      var officersChanged = JSON.stringify(newOfficers) !== JSON.stringify(officers) || !officersShown;
      devices = newDevices;
      officers = newOfficers;
      fullNames = {};
      officers.forEach(function (o) { if (o.display_name) fullNames[o.name] = o.display_name; });
      if (devicesChanged) renderDevices();
      if (officersChanged) renderOfficers();
      renderCounters();
      if (then) then();
    });
  }

  function deviceNamed(name) {
    for (var i = 0; i < devices.length; i++) if (devices[i].name === name) return devices[i];
    return null;
  }

  function officerNamed(id) {
    for (var i = 0; i < officers.length; i++) if (officers[i].name === id) return officers[i];
    return null;
  }

  function showKindFields() {
    A.byId("device-counter-label").hidden = A.byId("device-kind").value !== "rating";
  }

  function submitDevice() {
    if (busy) return;
    var kind = A.byId("device-kind").value;
    var name = A.byId("device-name").value.trim();
    var counter = A.byId("device-counter").value;
    if (!name) { say("device-message", "Isi nama perangkat.", true); return; }
    if (!NAME_RULE.test(name)) { say("device-message", "Nama perangkat " + NAME_HELP, true); return; }
    if (kind === "rating" && !counter) {
      say("device-message", "Pilih loket tempat layar penilaian ini dipasang.", true);
      return;
    }
    var known = deviceNamed(name);
    if (known && !known.revoked) {
      confirmThen("Daftarkan ulang " + name + "?",
        "Perangkat " + name + " (" + (KIND_TEXT[known.kind] || known.kind) + ") sudah terdaftar. " +
        "Mendaftarkannya lagi membuat token baru: token lama langsung tidak berlaku dan " +
        "perangkat yang memakainya terputus.", "Daftarkan ulang",
        function () { enroll(kind, name, counter); });
      return;
    }
    enroll(kind, name, counter);
  }

  function enroll(kind, name, counter) {
    var body = { type: "enroll_device", kind: kind, name: name };
    if (kind === "rating") body.counter = counter;
    say("device-message", "Mendaftarkan " + name + "…", false);
    hideToken();
    setBusy(true);
    var sent = ask(body, function (answer) {
      setBusy(false);
      if (answer.type === "error") {
        say("device-message", errorText(answer, { name: name, notFound: "Perangkat " + name + " tidak ditemukan" }), true);
        loadPrincipals();
        return;
      }
      if (answer.result.kind !== "enrolled") return;
      A.byId("device-name").value = "";
      say("device-message", (KIND_TEXT[kind] || kind) + " " + name + " terdaftar. Catat tokennya di bawah.", false);
      showToken(answer.result.name, answer.result.device_kind, answer.result.token);
      loadPrincipals();
    }, "device-message");
    if (!sent) setBusy(false);
  }

  // Where the token goes, by kind (firmware-config/ and docs/operations.md).
  function showToken(name, kind, token) {
    var origin = location.protocol + "//" + location.host;
    var where;
    var text;
    var note;
    if (kind === "kiosk") {
      text = "Pasang di PC kios sebagai variabel lingkungan ANTREAN_KIOSK_TOKEN (atau isi " +
        "token = \"…\" di bagian [coordinator] berkas konfigurasi kios), lalu jalankan:";
      where = "ANTREAN_KIOSK_TOKEN=" + token +
        " antrean-kiosk --config /etc/antrean/kiosk/lobby-portrait.toml";
      note = "Contoh berkas konfigurasi: firmware-config/kiosk/ (alamat server: url = \"ws://" +
        location.host + "/ws\"). Panduan: docs/operations.md, bagian \"The kiosk PC\".";
    } else if (kind === "display") {
      text = "Pasang di PC papan, di berkas /etc/antrean/board.env (dibaca antrean-board.service):";
      where = "ANTREAN_BOARD_URL=" + origin + "/board?token=" + encodeURIComponent(token);
      note = "Atau buka alamat itu di Chromium layar penuh. Berkas contoh: firmware-config/board/. " +
        "Panduan: docs/operations.md, bagian \"Display board\".";
    } else {
      text = "Buka alamat ini di tablet penilaian yang menghadap pengunjung (mode kios, seperti papan):";
      where = origin + "/rate?token=" + encodeURIComponent(token);
      note = "Panduan: docs/operations.md, bagian \"Satisfaction survey (SKM) and reports\".";
    }
    A.setText("token-device", name + " (" + (KIND_TEXT[kind] || kind) + ")");
    A.byId("token-value").value = token;
    A.setText("token-where-text", text);
    A.setText("token-where", where);
    A.setText("token-where-note", note);
    A.setText("copy-message", "");
    A.byId("token-panel").hidden = false;
    A.byId("token-panel").scrollIntoView({ block: "nearest" });
  }

  // The token leaves the page: nothing keeps it once the manager closes the panel.
  function hideToken() {
    A.byId("token-value").value = "";
    A.setText("token-where", "");
    A.byId("token-panel").hidden = true;
  }

  function copyToken() {
    var field = A.byId("token-value");
    var token = field.value;
    if (!token) return;
    function fallback() {
      field.focus();
      field.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      A.setText("copy-message", ok ? "Token tersalin." :
        "Tidak dapat menyalin otomatis: token sudah dipilih, tekan Ctrl+C.");
    }
    // The clipboard API needs a secure page (HTTPS or localhost); a LAN address over plain
    // HTTP gets the older way.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(token).then(function () {
        A.setText("copy-message", "Token tersalin.");
      }, fallback);
    } else {
      fallback();
    }
  }

  function revoke(d) {
    if (busy) return;
    confirmThen("Cabut perangkat " + d.name + "?",
      "Cabut " + (KIND_TEXT[d.kind] || d.kind).toLowerCase() + " " + d.name + "? Tokennya langsung " +
      "tidak berlaku dan perangkat itu langsung terputus. Untuk memakainya lagi, daftarkan ulang.",
      "Cabut", function () {
        say("device-message", "Mencabut " + d.name + "…", false);
        setBusy(true);
        var sent = ask({ type: "revoke_device", name: d.name }, function (answer) {
          setBusy(false);
          if (answer.type === "error") {
            say("device-message", errorText(answer, { notFound: "Perangkat " + d.name + " tidak ditemukan" }), true);
          } else {
            say("device-message", "Perangkat " + d.name + " dicabut; sambungannya sudah diputus.", false);
          }
          loadPrincipals();
        }, "device-message");
        if (!sent) setBusy(false);
      });
  }

  function clearPins() {
    A.byId("officer-pin").value = "";
    A.byId("officer-pin2").value = "";
  }

  function editOfficer(o) {
    A.byId("officer-id").value = o.name;
    A.byId("officer-name").value = o.display_name || "";
    clearPins();
    say("officer-message", "Ubah nama atau PIN " + o.name + ", lalu simpan. PIN baru wajib diisi.", false);
    A.byId("officer-pin").focus();
  }

  function submitOfficer() {
    if (busy) return;
    var id = A.byId("officer-id").value.trim();
    var fullName = A.byId("officer-name").value.replace(/\s+/g, " ").trim();
    var pin = A.byId("officer-pin").value;
    var again = A.byId("officer-pin2").value;
    // Nothing the page refuses reaches the server; the PIN fields are emptied either way.
    clearPins();
    var problem = null;
    if (!id) problem = "Isi ID petugas.";
    else if (!NAME_RULE.test(id)) problem = "ID petugas " + NAME_HELP;
    else if (!fullName) problem = "Isi nama lengkap petugas.";
    else if (fullName.length > MAX_FULL_NAME) problem = "Nama lengkap paling banyak " + MAX_FULL_NAME + " karakter.";
    else if (!pin) problem = "Isi PIN petugas.";
    else if (!PIN_RULE.test(pin)) problem = "PIN harus 4 sampai 8 angka (0–9), tanpa huruf atau spasi.";
    else if (pin !== again) problem = "Kedua PIN tidak sama. Ketik PIN yang sama di kolom PIN dan Ulangi PIN.";
    if (problem) { say("officer-message", problem, true); return; }
    var existing = officerNamed(id);
    var save = function () {
      say("officer-message", "Menyimpan " + id + "…", false);
      setBusy(true);
      var sent = ask({ type: "set_officer", officer: id, name: fullName, pin: pin }, function (answer) {
        setBusy(false);
        if (answer.type === "error") {
          say("officer-message", errorText(answer, { name: id, notFound: "Petugas " + id + " tidak ditemukan" }), true);
          return;
        }
        A.byId("officer-id").value = "";
        A.byId("officer-name").value = "";
        say("officer-message", "Petugas " + fullName + " (" + id + ") " +
          (existing ? "diperbarui; PIN baru berlaku sekarang." : "ditambahkan; bisa masuk di konsol petugas."), false);
        loadPrincipals();
      }, "officer-message");
      if (!sent) setBusy(false);
    };
    if (existing) {
      confirmThen("Ubah petugas " + id + "?",
        "Petugas " + (existing.display_name || id) + " (" + id + ") sudah ada. Nama dan PIN-nya diganti, " +
        "dan konsol yang sedang dipakai petugas ini langsung keluar.", "Simpan", save);
      return;
    }
    save();
  }

  function removeOfficer(o) {
    if (busy) return;
    var label = (o.display_name || o.name) + " (" + o.name + ")";
    confirmThen("Hapus petugas " + o.name + "?",
      "Hapus petugas " + label + "? Petugas ini tidak bisa masuk lagi, dan konsolnya yang sedang " +
      "terbuka langsung keluar.", "Hapus", function () {
        say("officer-message", "Menghapus " + o.name + "…", false);
        setBusy(true);
        var sent = ask({ type: "remove_officer", officer: o.name }, function (answer) {
          setBusy(false);
          if (answer.type === "error") {
            say("officer-message", errorText(answer, { notFound: "Petugas " + o.name + " tidak ditemukan" }), true);
          } else {
            say("officer-message", "Petugas " + label + " dihapus.", false);
          }
          loadPrincipals();
        }, "officer-message");
        if (!sent) setBusy(false);
      });
  }

  // --- counters -------------------------------------------------------------------------

  function counterState(id) {
    if (!counters[id]) counters[id] = { status: "closed", officer: null, current: null };
    return counters[id];
  }

  function rememberTicket(t) {
    if (!t) return;
    tickets[t.id] = { number: t.number, state: t.state, counter: t.counter };
    // Whichever counter held it: called or being served there now, or no longer.
    Object.keys(counters).forEach(function (id) {
      if (counters[id].current === t.id && (t.counter !== id || (t.state !== "called" && t.state !== "serving"))) {
        counters[id].current = null;
      }
    });
    if (t.counter && (t.state === "called" || t.state === "serving")) counterState(t.counter).current = t.id;
  }

  function onSnapshot(state) {
    tickets = {};
    Object.keys(counters).forEach(function (id) { delete counters[id]; });
    (state.tickets || []).forEach(function (t) { tickets[t.id] = { number: t.number, state: t.state, counter: t.counter }; });
    (state.counters || []).forEach(function (c) {
      counters[c.id] = { status: c.status, officer: c.officer || null, current: c.current || null,
        reason: c.break_reason || null };
    });
    renderCounters();
  }

  function onEvent(msg) {
    var e = msg.event;
    if (e.type === "day_started") {
      // A new day: ask for the day's state rather than guess what carried over.
      if (conn) conn.request({ type: "snapshot" });
      return;
    }
    if (e.type === "counter_opened") {
      var opened = counterState(e.counter);
      opened.status = "open";
      opened.officer = e.officer;
      opened.current = null;
      // An officer added elsewhere (the CLI): fetch the full name.
      if (e.officer && !fullNames[e.officer]) loadPrincipals();
    } else if (e.type === "counter_paused") {
      var paused = counterState(e.counter);
      paused.status = "paused";
      paused.reason = e.reason || null;
    } else if (e.type === "counter_resumed") {
      counterState(e.counter).status = "open";
    } else if (e.type === "counter_closed") {
      var closedOne = counterState(e.counter);
      closedOne.status = "closed";
      closedOne.officer = null;
      closedOne.current = null;
    } else if (e.type === "ticket_expired") {
      Object.keys(counters).forEach(function (id) {
        if (counters[id].current === e.ticket) counters[id].current = null;
      });
    }
    rememberTicket(msg.ticket);
    renderCounters();
  }

  function stateOf(c) {
    if (c.status === "closed") return { text: "Tutup", cls: "state-closed" };
    if (c.status === "paused") {
      var why = BREAK_TEXT[c.reason];
      return { text: "Istirahat" + (why ? " (" + why + ")" : ""), cls: "state-paused" };
    }
    if (c.current) {
      var t = tickets[c.current];
      var number = t ? t.number : "#" + c.current;
      if (t && t.state === "called") return { text: "Memanggil " + number, cls: "state-busy" };
      return { text: "Melayani " + number, cls: "state-busy" };
    }
    return { text: "Buka", cls: "state-open" };
  }

  // Rows are made once per catalog and updated in place, and a row that did not change is
  // left alone: a live event never swaps a button away under the manager's pointer.
  var counterRows = {};
  function renderCounters() {
    if (!catalog) return;
    var body = A.byId("counter-table").tBodies[0];
    catalog.counters.forEach(function (k) {
      var row = counterRows[k.id];
      if (!row) {
        var tr = A.make("tr");
        tr.dataset.counter = k.id;
        var th = A.make("th", "", k.name);
        th.scope = "row";
        tr.appendChild(th);
        cell(tr, k.services.map(function (code) {
          var s = A.serviceOf(catalog, code);
          return s ? s.name_id : code;
        }).join(", "), "services");
        row = counterRows[k.id] = { tr: tr, state: cell(tr, ""), who: cell(tr, "", "officer"),
          close: button("Tutup loket", "danger close", function () { closeCounter(k); }), shown: "" };
        cell(tr, "", "actions").appendChild(row.close);
        body.appendChild(tr);
      }
      var c = counters[k.id] || { status: "closed", officer: null, current: null };
      var state = stateOf(c);
      var open = c.status !== "closed";
      var name = open && c.officer ? (fullNames[c.officer] || c.officer) : "–";
      var id = open && c.officer && fullNames[c.officer] ? " · " + c.officer : "";
      var shown = [state.text, state.cls, name, id].join("|");
      if (shown !== row.shown) {
        row.shown = shown;
        row.state.textContent = state.text;
        row.state.className = "state " + state.cls;
        row.who.textContent = name;
        if (id) row.who.appendChild(A.make("span", "muted", id));
      }
      row.close.hidden = !open;
    });
  }

  function closeCounter(k) {
    if (busy) return;
    var c = counters[k.id] || { officer: null };
    var who = c.officer ? (fullNames[c.officer] || c.officer) : null;
    confirmThen("Tutup " + k.name + "?",
      "Tutup " + k.name + (who ? ", yang dibuka oleh " + who : "") + "? Konsol petugas di loket ini " +
      "langsung keluar, dan loket tidak memanggil nomor lagi sampai petugas masuk kembali.",
      "Tutup loket", function () {
        say("counter-message", "Menutup " + k.name + "…", false);
        setBusy(true);
        var sent = ask({ type: "close_counter", counter: k.id }, function (answer) {
          setBusy(false);
          if (answer.type === "error") {
            say("counter-message", errorText(answer, { notFound: k.name + " tidak ditemukan" }), true);
            return;
          }
          say("counter-message", k.name + " ditutup.", false);
        }, "counter-message");
        if (!sent) setBusy(false);
      });
  }

  // --- session ----------------------------------------------------------------------------

  function fillCounters() {
    var select = A.byId("device-counter");
    if (select.options.length > 1) return;   // a reconnect: already filled
    catalog.counters.forEach(function (k) {
      var option = A.make("option", "", k.name);
      option.value = k.id;
      select.appendChild(option);
    });
  }

  function onWelcome(msg) {
    if (msg.role !== "manager") {
      // The browser's cookie belongs to someone else (an officer logged in from another tab).
      refuse("Halaman ini hanya untuk manajer. Browser ini masuk sebagai petugas " + msg.principal +
        ". Masuk dengan akun manajer di bawah.");
      return;
    }
    catalog = msg.catalog;
    A.byId("login").hidden = true;
    A.byId("app").hidden = false;
    A.byId("logout").hidden = false;
    A.setText("site", catalog.site.name);
    A.setText("who", msg.principal);
    fillCounters();
    // A reconnect may bring another catalog (a restart): draw the counters afresh.
    counterRows = {};
    A.byId("counter-table").tBodies[0].textContent = "";
    renderCounters();
    loadPrincipals();
  }

  function showLogin(text, isError) {
    if (conn) conn.stop();
    conn = null;
    hideToken();
    if (A.byId("confirm").open) A.byId("confirm").close();
    A.byId("app").hidden = true;
    A.byId("login").hidden = false;
    A.byId("logout").hidden = true;
    A.setText("conn", "");
    A.setText("who", "");
    A.setText("login-message", text);
    A.byId("login-message").className = isError === false ? "" : "error";
  }

  function refuse(text) {
    document.documentElement.setAttribute("data-session", "refused");
    showLogin(text, true);
  }

  function connectAdmin() {
    A.setText("login-message", "");
    conn = A.connect({
      idPrefix: "adm",
      auth: A.sessionAuth,
      onMessage: function (msg) {
        if (msg.type === "welcome") onWelcome(msg);
        else if (msg.type === "snapshot") onSnapshot(msg.state);
        else if (msg.type === "event") onEvent(msg);
      },
      onStatus: function (text, ok) {
        A.setText("conn", ok ? "" : text);
        A.byId("conn").className = ok ? "conn" : "conn off";
      },
      onFatal: function (text) { showLogin(text, true); }
    });
  }

  var LOGIN_TEXT = {
    unauthorized: "Nama pengguna atau kata sandi salah. Halaman ini hanya untuk akun manajer; " +
      "petugas dan perangkat tidak dapat masuk di sini.",
    bad_request: "Halaman ini hanya untuk akun manajer; petugas dan perangkat tidak dapat masuk di sini.",
    cross_site: "Masuk ditolak: buka halaman ini langsung dari alamat server Antrean.",
    too_many_sessions: "Terlalu banyak sesi masuk di server. Keluar dari browser lain, lalu ulangi."
  };

  function login(username, password) {
    A.setText("login-message", "");
    A.byId("login-button").disabled = true;
    A.logIn({ role: "manager", username: username, password: password }, function (error, session) {
      A.byId("login-button").disabled = false;
      if (error) { showLogin(LOGIN_TEXT[error.code] || error.message, true); return; }
      if (!session || session.role !== "manager") {
        refuse("Halaman ini hanya untuk manajer.");
        return;
      }
      document.documentElement.setAttribute("data-session", "manager");
      connectAdmin();
    });
  }

  A.whoAmI(function (session) {
    var role = session ? session.role : "none";
    // What the check found, for whoever looks at the page (and the browser tests).
    document.documentElement.setAttribute("data-session", role === "manager" ? "manager" :
      role === "none" ? "none" : "refused");
    if (role === "manager") {
      if (!conn) connectAdmin();
    } else if (session) {
      // No socket for someone else's cookie: an officer's session socket would reopen
      // their counter.
      showLogin("Halaman ini hanya untuk manajer. Browser ini sedang masuk sebagai petugas " +
        session.principal + (session.counter ? " di loket " + session.counter : "") +
        ". Masuk dengan akun manajer di bawah.", true);
    }
  });

  A.byId("logout").addEventListener("click", function () {
    if (conn) conn.stop();
    conn = null;
    A.logOut(function () {
      document.documentElement.setAttribute("data-session", "none");
      showLogin("Anda sudah keluar.", false);
    });
  });
  A.byId("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var password = A.byId("password");
    login(A.byId("username").value.trim(), password.value);
    password.value = "";
  });
  A.byId("device-kind").addEventListener("change", showKindFields);
  A.byId("device-form").addEventListener("submit", function (e) { e.preventDefault(); submitDevice(); });
  A.byId("officer-form").addEventListener("submit", function (e) { e.preventDefault(); submitOfficer(); });
  A.byId("officer-clear").addEventListener("click", function () {
    A.byId("officer-id").value = "";
    A.byId("officer-name").value = "";
    clearPins();
    say("officer-message", "", false);
  });
  A.byId("copy-token").addEventListener("click", copyToken);
  A.byId("token-done").addEventListener("click", hideToken);
  A.byId("confirm-yes").addEventListener("click", function () { closeConfirm(true); });
  A.byId("confirm-no").addEventListener("click", function () { closeConfirm(false); });
  A.byId("confirm").addEventListener("cancel", function () { onConfirm = null; });
  A.byId("refresh").addEventListener("click", function () {
    loadPrincipals();
    if (conn) conn.request({ type: "snapshot" });
  });
  showKindFields();
})();
