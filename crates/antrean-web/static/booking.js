// Antrean — the booking page (docs/booking.md): service → date → time → name and phone
// (and NIK where the service asks) → code, QR, calendar file and a private link to view,
// change or cancel. Phone first, Indonesian and English, nothing loaded from outside; it
// speaks the JSON booking API (docs/booking-api.md). Antrean Pusat serves the same page
// (`<body data-central>`) for many sites: it opens on the list of sites, and each site's
// page (`/sites/{site}/booking`) speaks the same API under `/api/sites/{site}` for the
// services booked at central.
"use strict";

(function () {
  var T = {
    id: {
      title: "Booking antrean", chooseService: "Pilih layanan", requirements: "Persyaratan yang perlu dibawa",
      fee: "Biaya", processing: "Waktu penyelesaian", chooseDate: "Pilih tanggal", back: "Kembali",
      chooseTime: "Pilih jam", yourData: "Data pemohon", name: "Nama sesuai KTP", phone: "Nomor HP",
      book: "Booking sekarang", yourCode: "Kode booking Anda", service: "Layanan", when: "Jadwal",
      arrive: "Datang", nameShort: "Nama", phoneShort: "Nomor HP", nikShort: "NIK", ticket: "Nomor antrean",
      howto: "Di kantor, pilih \u201cSudah booking?\u201d di kios antrean lalu ketik kode atau pindai QR ini.",
      calendar: "Tambahkan ke kalender",
      privateLink: "Tautan pribadi untuk melihat, mengubah atau membatalkan booking. Simpan dan jangan dibagikan:",
      reschedule: "Ubah jadwal", cancel: "Batalkan booking",
      confirmCancel: "Yakin membatalkan? Kursi Anda akan diberikan kepada orang lain.",
      yesCancel: "Ya, batalkan", loading: "Memuat\u2026", lang: "English",
      free: "Gratis", seatsLeft: " kursi tersisa", full: "Penuh", closed: "Tutup",
      noBooking: "Belum ada layanan yang menerima booking di kantor ini.",
      windowNote: "Booking dibuka pukul ", windowNow: "Saat ini booking sedang ditutup. ",
      dayFull: "Kuota penuh untuk tanggal ini.", nextDate: "Pilih tanggal terdekat: ",
      noNext: "Belum ada tanggal lain yang masih tersedia.",
      nikRequired: "NIK (wajib)", nikOptional: "NIK (boleh dikosongkan)",
      privacy: "Data Anda hanya dipakai untuk booking ini dan dihapus otomatis {days} hari setelah tanggal kunjungan (UU 27/2022). NIK hanya ditampilkan 4 angka terakhirnya.",
      active: "Booking berhasil. Sampai jumpa!", activeView: "Booking aktif",
      checked_in: "Sudah check-in di kantor", cancelled: "Booking dibatalkan",
      expired: "Booking kedaluwarsa (tidak hadir tepat waktu)", rescheduled: "Jadwal berhasil diubah",
      until: " (paling lambat ", network: "Tidak dapat terhubung ke server. Periksa koneksi lalu coba lagi.",
      missing: "Nama dan nomor HP wajib diisi.", chooseSite: "Pilih kantor",
      noSites: "Belum ada kantor yang menerima booking di sini.", otherSite: "Pilih kantor lain"
    },
    en: {
      title: "Book a queue slot", chooseService: "Choose a service", requirements: "What to bring",
      fee: "Fee", processing: "Processing time", chooseDate: "Choose a date", back: "Back",
      chooseTime: "Choose a time", yourData: "Your details", name: "Name as on your ID card", phone: "Mobile number",
      book: "Book now", yourCode: "Your booking code", service: "Service", when: "Time",
      arrive: "Arrive", nameShort: "Name", phoneShort: "Mobile", nikShort: "NIK", ticket: "Queue number",
      howto: "At the office, choose \u201cSudah booking?\u201d on the queue kiosk and type the code or scan this QR.",
      calendar: "Add to calendar",
      privateLink: "Private link to view, change or cancel the booking. Keep it and do not share it:",
      reschedule: "Change time", cancel: "Cancel booking",
      confirmCancel: "Cancel for sure? Your seat goes to someone else.",
      yesCancel: "Yes, cancel", loading: "Loading\u2026", lang: "Bahasa Indonesia",
      free: "Free", seatsLeft: " seats left", full: "Full", closed: "Closed",
      noBooking: "No service at this office takes bookings yet.",
      windowNote: "Booking is open at ", windowNow: "Booking is closed right now. ",
      dayFull: "Fully booked on this date.", nextDate: "Next date with seats: ",
      noNext: "No other date has seats yet.",
      nikRequired: "NIK (required)", nikOptional: "NIK (optional)",
      privacy: "Your details are used for this booking only and deleted automatically {days} days after the visit (Law 27/2022). Only the last 4 digits of your NIK are shown.",
      active: "Booked. See you there!", activeView: "Booking active",
      checked_in: "Checked in at the office", cancelled: "Booking cancelled",
      expired: "Booking expired (not checked in in time)", rescheduled: "Time changed",
      until: " (at the latest ", network: "Cannot reach the server. Check the connection and try again.",
      missing: "Name and mobile number are required.", chooseSite: "Choose an office",
      noSites: "No office takes bookings here yet.", otherSite: "Choose another office"
    }
  };
  var DAYS = { id: ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
    en: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] };
  var MONTHS = { id: ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"],
    en: ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"] };

  var lang = "id";
  try { lang = localStorage.getItem("antrean-lang") === "en" ? "en" : "id"; } catch (e) { /* private mode */ }
  var catalog = null, service = null, day = null, booking = null, token = null;
  var rescheduling = false;
  // "/booking", "/booking/manage/{token}" at a site; the same under "/sites/{site}" at
  // central, whose "/booking" lists the sites.
  var central = document.body.hasAttribute("data-central");
  var route = /^(?:\/sites\/([A-Za-z0-9_-]+))?\/booking(?:\/manage\/([A-Za-z0-9_-]+))?\/?$/.exec(location.pathname) || [];
  var siteId = route[1] || null;
  var manageToken = route[2] || null;
  var apiBase = siteId ? "/api/sites/" + siteId : "/api";
  var pageBase = siteId ? "/sites/" + siteId + "/booking" : "/booking";

  function t(key) { return T[lang][key]; }
  function byId(id) { return document.getElementById(id); }
  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  // "Senin, 7 Desember 2026" from "2026-12-07" (a calendar date: no time zone involved).
  function formatDate(text) {
    var p = text.split("-").map(Number);
    var d = new Date(Date.UTC(p[0], p[1] - 1, p[2]));
    return DAYS[lang][d.getUTCDay()] + ", " + p[2] + " " + MONTHS[lang][p[1] - 1] + " " + p[0];
  }
  // Formal Indonesian writes times with a period ("08.00").
  function formatTime(hhmm) { return lang === "id" ? hhmm.replace(":", ".") : hhmm; }
  function name(item) { return lang === "en" ? item.name_en : item.name_id; }

  function show(step) {
    ["site", "service", "standard", "day", "slot", "form", "done"].forEach(function (s) {
      byId("step-" + s).hidden = s !== step;
    });
    window.scrollTo(0, 0);
  }
  function alertText(text) {
    var node = byId("alert");
    node.textContent = text || "";
    node.hidden = !text;
  }

  function api(method, path, body) {
    byId("busy").hidden = false;
    var init = { method: method, headers: {} };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.json().then(function (data) {
        byId("busy").hidden = true;
        if (!response.ok) {
          alertText(lang === "en" ? data.message_en : data.message_id);
          var error = new Error(data.code);
          error.body = data;
          throw error;
        }
        alertText("");
        return data;
      });
    }, function () {
      byId("busy").hidden = true;
      alertText(t("network"));
      throw new Error("network");
    });
  }

  function translate() {
    document.documentElement.lang = lang;
    var nodes = document.querySelectorAll("[data-t]");
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute("data-t"));
    byId("lang").textContent = t("lang");
    byId("lang").lang = lang === "id" ? "en" : "id";
  }

  function feeText(fee) {
    if (!fee) return "\u2013";
    if (fee.kind === "free") return t("free");
    if (fee.kind === "tariff") return fee.lines.map(function (l) { return l.label + ": " + l.text; }).join("; ");
    return fee.description || "\u2013";
  }

  // Central's first step: the sites whose services it books.
  var sitesList = null;
  function renderSites() {
    var list = byId("sites");
    clear(list);
    if (!sitesList.length) list.appendChild(make("li", "", t("noSites")));
    sitesList.forEach(function (site) {
      var button = make("button", "", site.name);
      button.type = "button";
      button.setAttribute("data-site", site.id);
      button.appendChild(make("span", "sub", site.region + " \u2014 " +
        (lang === "en" ? site.services_en : site.services_id).join(", ")));
      button.addEventListener("click", function () {
        location.href = "/sites/" + encodeURIComponent(site.id) + "/booking";
      });
      var item = make("li");
      item.appendChild(button);
      list.appendChild(item);
    });
    show("site");
  }

  // Step 1: the services that take bookings here (at central: those booked at central).
  function renderServices() {
    var list = byId("services");
    clear(list);
    var bookable = catalog.services.filter(function (s) {
      return s.booking && (s.booking.booked_at === "central") === central;
    });
    if (!bookable.length) list.appendChild(make("li", "", t("noBooking")));
    bookable.forEach(function (s) {
      var button = make("button", "", name(s));
      button.type = "button";
      var agency = (catalog.agencies || []).filter(function (a) { return a.code === s.agency; })[0];
      if (agency) button.appendChild(make("span", "sub", name(agency)));
      button.addEventListener("click", function () { service = s; renderStandard(); });
      var item = make("li");
      item.appendChild(button);
      list.appendChild(item);
    });
    show("service");
  }

  // Step 2: the service's published standard, then on to the dates.
  function renderStandard() {
    byId("service-name").textContent = name(service);
    var list = byId("requirements");
    clear(list);
    var standard = service.standard || { requirements: [] };
    standard.requirements.forEach(function (r) { list.appendChild(make("li", "", r)); });
    byId("fee").textContent = feeText(standard.fee);
    byId("processing").textContent = standard.processing_time || "\u2013";
    show("standard");
  }

  // Step 3: dates with seats.
  function renderDays() {
    return api("GET", apiBase + "/booking/days?service=" + encodeURIComponent(service.code)).then(function (data) {
      var note = byId("window-note");
      note.hidden = !data.window || !data.window.length;
      if (data.window && data.window.length) {
        note.textContent = (data.window_open ? "" : t("windowNow")) + t("windowNote") +
          data.window.map(function (w) { return w.split("-").map(formatTime).join("\u2013"); }).join(", ") + ".";
      }
      var list = byId("days");
      clear(list);
      data.days.forEach(function (d) {
        var button = make("button", "", formatDate(d.date));
        button.type = "button";
        button.setAttribute("data-date", d.date);
        var sub = d.closed ? t("closed") : d.seats_left === 0 ? t("full") : d.seats_left + t("seatsLeft");
        button.appendChild(make("span", "sub", sub));
        button.disabled = d.closed || d.seats_left === 0;
        button.addEventListener("click", function () { day = d.date; renderSlots(); });
        var item = make("li");
        item.appendChild(button);
        list.appendChild(item);
      });
      show("day");
    }, function () {});
  }

  // Step 4: times with seats; "Kuota penuh" with the next date that has one.
  function renderSlots() {
    var path = apiBase + "/booking/slots?service=" + encodeURIComponent(service.code) + "&date=" + day;
    return api("GET", path).then(function (data) {
      byId("slot-title").textContent = t("chooseTime") + " \u2014 " + formatDate(day);
      var list = byId("slots");
      clear(list);
      var any = false;
      data.slots.forEach(function (s) {
        var button = make("button", "", formatTime(s.start) + "\u2013" + formatTime(s.end));
        button.type = "button";
        button.setAttribute("data-slot", s.start);
        button.appendChild(make("span", "sub", s.left > 0 ? s.left + t("seatsLeft") : t("full")));
        button.disabled = s.left === 0;
        any = any || s.left > 0;
        button.addEventListener("click", function () { chooseSlot(s); });
        var item = make("li");
        item.appendChild(button);
        list.appendChild(item);
      });
      byId("full-note").hidden = any;
      byId("full-note").textContent = t("dayFull") + " " + (data.next_date_with_seats ? "" : t("noNext"));
      var next = byId("next-date");
      next.hidden = any || !data.next_date_with_seats;
      if (data.next_date_with_seats) {
        next.textContent = t("nextDate") + formatDate(data.next_date_with_seats);
        next.onclick = function () { day = data.next_date_with_seats; renderSlots(); };
      }
      show("slot");
    }, function () {});
  }

  var slot = null;
  function chooseSlot(s) {
    slot = s;
    if (rescheduling) {
      api("POST", apiBase + "/booking/manage/" + token + "/reschedule", { date: day, slot: s.start })
        .then(function (data) { rescheduling = false; renderBooking(data, t("rescheduled")); }, function () {});
      return;
    }
    byId("chosen").textContent = name(service) + " \u2014 " + formatDate(day) + ", " +
      formatTime(s.start) + "\u2013" + formatTime(s.end);
    var rule = service.booking.nik;
    byId("nik-box").hidden = rule === "not_asked";
    byId("nik-label").textContent = rule === "required" ? t("nikRequired") : t("nikOptional");
    byId("nik").required = rule === "required";
    byId("privacy").textContent = t("privacy").replace("{days}", service.booking.retention_days);
    show("form");
  }

  function submit(event) {
    event.preventDefault();
    var body = { service: service.code, date: day, slot: slot.start,
      name: byId("name").value, phone: byId("phone").value };
    if (!body.name.trim() || !body.phone.trim()) { alertText(t("missing")); return; }
    if (service.booking.nik !== "not_asked" && byId("nik").value.trim()) body.nik = byId("nik").value;
    byId("submit").disabled = true;
    api("POST", apiBase + "/booking", body).then(function (data) {
      byId("submit").disabled = false;
      token = data.manage_token;
      // The NIK is not kept on the page once sent.
      byId("nik").value = "";
      renderBooking(data, t("active"));
    }, function (error) {
      byId("submit").disabled = false;
      // Full meanwhile: back to the times, which show what is left.
      if (error.message === "slot_full" || error.message === "booking_full") {
        var message = byId("alert").textContent;
        renderSlots().then(function () { alertText(message); });
      }
    });
  }

  // The booking: code, QR, times, masked data; the private link or the manage actions.
  function renderBooking(b, headline) {
    booking = b;
    var state = byId("state-line");
    state.textContent = headline || t(b.state === "active" ? "activeView" : b.state);
    state.className = "state" + (b.state === "cancelled" || b.state === "expired" ? " off" : "");
    byId("code").textContent = b.code;
    var qr = byId("qr");
    qr.src = apiBase + "/booking/manage/" + token + "/qr.svg";
    qr.alt = t("yourCode") + " " + b.code;
    qr.hidden = b.state !== "active";
    byId("done-service").textContent = lang === "en" ? b.service_name_en : b.service_name_id;
    byId("done-when").textContent = formatDate(b.date) + ", " + formatTime(b.slot) + "\u2013" +
      formatTime(b.slot_end) + " " + b.time_zone;
    byId("done-arrive").textContent = formatTime(b.arrive_from) + "\u2013" + formatTime(b.slot) +
      t("until") + formatTime(b.arrive_until) + ")";
    byId("done-name").textContent = b.name || "\u2013";
    byId("done-phone").textContent = b.phone_masked || "\u2013";
    byId("done-nik").textContent = b.nik_masked || "";
    byId("done-nik").hidden = byId("done-nik-label").hidden = !b.nik_masked;
    byId("done-ticket").textContent = b.ticket_number || "";
    byId("done-ticket").hidden = byId("done-ticket-label").hidden = !b.ticket_number;
    var list = byId("done-requirements");
    clear(list);
    (b.requirements || []).forEach(function (r) { list.appendChild(make("li", "", r)); });
    byId("ics").href = apiBase + "/booking/manage/" + token + "/calendar.ics";
    var link = location.origin + pageBase + "/manage/" + token;
    byId("private-link").href = link;
    byId("private-link").textContent = link;
    byId("private-box").hidden = !!manageToken;
    byId("manage-actions").hidden = !manageToken || b.state !== "active";
    byId("confirm-box").hidden = true;
    show("done");
  }

  function start() {
    translate();
    if (manageToken) {
      token = manageToken;
      api("GET", apiBase + "/booking/manage/" + token).then(function (b) {
        return api("GET", apiBase + "/catalog").then(function (c) {
          catalog = c;
          byId("site").textContent = c.site.name;
          service = c.services.filter(function (s) { return s.code === b.service; })[0] || null;
          renderBooking(b);
        });
      }, function () {});
      return;
    }
    if (central && !siteId) {
      api("GET", "/api/booking/sites").then(function (data) {
        sitesList = data.sites;
        renderSites();
      }, function () {});
      return;
    }
    byId("other-site").hidden = !central;
    api("GET", apiBase + "/catalog").then(function (c) {
      catalog = c;
      byId("site").textContent = c.site.name;
      renderServices();
    }, function () {});
  }

  byId("lang").addEventListener("click", function () {
    lang = lang === "id" ? "en" : "id";
    try { localStorage.setItem("antrean-lang", lang); } catch (e) { /* private mode */ }
    translate();
    // Redraw the step on screen in the new language.
    if (!byId("step-site").hidden) renderSites();
    else if (!byId("step-service").hidden) renderServices();
    else if (!byId("step-standard").hidden) renderStandard();
    else if (!byId("step-day").hidden) renderDays();
    else if (!byId("step-slot").hidden) renderSlots();
    else if (!byId("step-done").hidden && booking) renderBooking(booking);
  });
  byId("to-days").addEventListener("click", renderDays);
  byId("day-back").addEventListener("click", function () {
    if (rescheduling) { rescheduling = false; renderBooking(booking); } else show("standard");
  });
  var backs = document.querySelectorAll("[data-back]");
  for (var i = 0; i < backs.length; i++) {
    backs[i].addEventListener("click", function (e) {
      var to = e.target.getAttribute("data-back");
      if (to === "day") renderDays(); else show(to);
    });
  }
  byId("form").addEventListener("submit", submit);
  byId("reschedule").addEventListener("click", function () { rescheduling = true; renderDays(); });
  byId("cancel").addEventListener("click", function () { byId("confirm-box").hidden = false; });
  byId("confirm-cancel").addEventListener("click", function () {
    api("POST", apiBase + "/booking/manage/" + token + "/cancel").then(function (b) { renderBooking(b); }, function () {});
  });
  start();
})();
