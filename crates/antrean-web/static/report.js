// Manager report (/report; /report/ikm opens the printable IKM publication board): log in
// as a manager, pick a period and filters, read the waiting-time and SKM/IKM figures the
// coordinator computes, record follow-ups, export CSV/XLSX. The page only asks
// (hello with subscribe:false); every figure is the coordinator's, charts are drawn here
// as plain SVG.
"use strict";
(function () {
  var A = Antrean;
  var SVG_NS = "http:" + "//www.w3.org/2000/svg";   // a namespace name, nothing is loaded
  var UNSUR = [["persyaratan", "U1 Persyaratan"], ["prosedur", "U2 Sistem, Mekanisme, dan Prosedur"],
    ["waktu", "U3 Waktu Penyelesaian"], ["biaya", "U4 Biaya/Tarif"],
    ["produk", "U5 Produk Spesifikasi Jenis Pelayanan"], ["kompetensi", "U6 Kompetensi Pelaksana"],
    ["perilaku", "U7 Perilaku Pelaksana"], ["pengaduan", "U8 Penanganan Pengaduan, Saran dan Masukan"],
    ["sarpras", "U9 Sarana dan Prasarana"]];
  var EDUCATION = ["SD", "SMP", "SMA", "D3", "S1", "S2", "S3", "Lainnya"];
  var FACES = ["Tidak puas", "Kurang puas", "Puas", "Sangat puas"];
  var STATUS = { planned: "Direncanakan", in_progress: "Sedang berjalan", done: "Selesai" };
  var QUARTERS = ["I", "II", "III", "IV"];
  var COUNTS = [["issued", "Diambil"], ["served", "Dilayani"], ["no_show", "Tidak hadir"],
    ["cancelled", "Dibatalkan"], ["expired", "Kedaluwarsa"], ["transferred", "Dialihkan"],
    ["open", "Belum selesai"]];
  var boardFirst = /\/ikm\/?$/.test(location.pathname);

  var conn = null;
  var catalog = null;
  var report = null;
  // For tests and curious managers: the last report and the last exported file.
  var state = window.antreanReport = { report: null, lastFile: null };

  function message(text, isError) {
    A.setText("message", text);
    A.byId("message").className = isError ? "error" : "";
  }

  function offset() { return catalog ? catalog.site.utc_offset_min : 420; }
  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  function siteToday() {
    var d = new Date(Date.now() + offset() * 60000);
    return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
  }

  function iso(y, m, d) { return y + "-" + pad2(m) + "-" + pad2(d); }

  function setQuarter() {
    var t = siteToday();
    var first = Math.floor((t.m - 1) / 3) * 3 + 1;
    A.byId("from").value = iso(t.y, first, 1);
    A.byId("to").value = iso(t.y, t.m, t.d);
  }

  function setToday() {
    var t = siteToday();
    A.byId("from").value = A.byId("to").value = iso(t.y, t.m, t.d);
  }

  // "Triwulan IV 2026" when the period lies in one quarter from its first day.
  function quarterName(from, to) {
    var f = from.split("-").map(Number);
    var t = to.split("-").map(Number);
    var q = Math.floor((f[1] - 1) / 3);
    if (f[2] !== 1 || f[1] !== q * 3 + 1 || t[0] !== f[0] || Math.floor((t[1] - 1) / 3) !== q) return "";
    return "Triwulan " + QUARTERS[q] + " " + f[0];
  }

  function dec(value, digits) { return A.formatDecimal(value, digits); }
  function minutes(seconds) { return dec(seconds / 60, 1); }
  function hours(seconds) { return dec(seconds / 3600, 1); }
  function percent(part, whole) { return whole ? dec(100 * part / whole, 1) + "%" : "–"; }

  function name(list, key, code, field) {
    for (var i = 0; i < list.length; i++) if (list[i][key] === code) return list[i][field];
    return code;
  }
  function serviceName(code) { return code ? name(catalog.services, "code", code, "name_id") : "Semua layanan"; }
  function agencyName(code) { return name(catalog.agencies, "code", code, "name_id"); }
  function unsurName(key) { return key ? name(UNSUR.map(function (u) { return { k: u[0], n: u[1] }; }), "k", key, "n") : "Seluruh survei"; }

  function fill(select, items) {
    items.forEach(function (item) {
      var option = A.make("option", "", item[1]);
      option.value = item[0];
      select.appendChild(option);
    });
  }

  function rows(tableId, data) {
    var body = A.byId(tableId).tBodies[0];
    body.textContent = "";
    data.forEach(function (cells) {
      var tr = A.make("tr");
      cells.forEach(function (c, i) { tr.appendChild(A.make(i === 0 ? "th" : "td", "", String(c))); });
      body.appendChild(tr);
    });
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A bar chart: items [{label, value, text}]; the value axis starts at zero (or `min`).
  function barChart(id, items, opts) {
    opts = opts || {};
    var box = A.byId(id);
    box.textContent = "";
    if (!items.length) { box.appendChild(A.make("p", "muted", "Tidak ada data.")); return; }
    var W = 640, H = 240, left = 8, bottom = 28, top = 22;
    var min = opts.min || 0;
    var max = Math.max(opts.max || 0, Math.max.apply(null, items.map(function (i) { return i.value; })));
    if (max <= min) max = min + 1;
    var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": opts.title || "" });
    var slot = (W - left * 2) / items.length;
    var bar = Math.max(2, slot * 0.7);
    chart.appendChild(svg("line", { x1: left, y1: H - bottom, x2: W - left, y2: H - bottom, stroke: "#4a5260" }));
    var every = Math.ceil(items.length / 16);
    items.forEach(function (item, i) {
      var h = (H - bottom - top) * Math.max(0, item.value - min) / (max - min);
      var x = left + i * slot + (slot - bar) / 2;
      var rect = svg("rect", { x: x.toFixed(1), y: (H - bottom - h).toFixed(1), width: bar.toFixed(1),
        height: h.toFixed(1), fill: item.color || "#0b4f8a" });
      rect.appendChild(svg("title", {}, item.label + ": " + item.text));
      chart.appendChild(rect);
      if (items.length <= 24) {
        chart.appendChild(svg("text", { x: (x + bar / 2).toFixed(1), y: (H - bottom - h - 5).toFixed(1),
          "text-anchor": "middle", "font-size": 13, fill: "#14171c" }, item.text));
      }
      if (i % every === 0) {
        chart.appendChild(svg("text", { x: (x + bar / 2).toFixed(1), y: H - 9, "text-anchor": "middle",
          "font-size": 13, fill: "#4a5260" }, item.label));
      }
    });
    box.appendChild(chart);
  }

  function statsRow(label, s) {
    return [label, s.count, minutes(s.mean_s), minutes(s.median_s), minutes(s.p90_s), minutes(s.max_s)];
  }

  // "Senin, 30 November 2026" from "2026-11-30" (a calendar date: no time zone involved).
  function dayText(iso) {
    var p = iso.split("-").map(Number);
    return A.formatDate(Date.UTC(p[0], p[1] - 1, p[2]), 0);
  }

  function renderSummary(r) {
    A.setText("period", r.period_id);
    var scope = [];
    var names = r.scope_names || {};
    if (r.agency) scope.push("Instansi: " + (names.agency || agencyName(r.agency)));
    if (r.service) scope.push("Layanan: " + (names.service || serviceName(r.service)));
    if (r.counter) scope.push(names.counter || "Loket " + r.counter);
    if (r.officer) scope.push("Petugas: " + (names.officer || r.officer));
    A.setText("scope", scope.length ? scope.join(" · ") : r.site + " — semua instansi, layanan, loket dan petugas");
    var box = A.byId("counts");
    box.textContent = "";
    COUNTS.forEach(function (c) {
      var cell = A.make("div", "figure");
      cell.id = "count-" + c[0];
      cell.appendChild(A.make("span", "value", dec(r.counts[c[0]], 0)));
      cell.appendChild(A.make("span", "label", c[1]));
      box.appendChild(cell);
    });
    rows("times-table", [
      statsRow("Menunggu (ambil → dipanggil)", r.waiting),
      statsRow("Menuju loket (dipanggil → mulai)", r.walk),
      statsRow("Dilayani (mulai → selesai)", r.service_time)
    ]);
    A.setText("idle", "Loket buka " + hours(r.open_s) + " jam, tanpa pengunjung " + hours(r.idle_s) +
      " jam (" + percent(r.idle_s, r.open_s) + ").");
  }

  function renderHours(r) {
    // The core lists every hour from the first to the last with tickets; an hour without
    // any reads "–" rather than zeros that look like measurements.
    var hoursData = r.by_hour;
    rows("hour-table", hoursData.map(function (h) {
      var idle = !h.issued && !h.served;
      var wait = function (s) { return h.waiting.count ? minutes(s) : "–"; };
      return [pad2(h.hour) + ".00", idle ? "–" : dec(h.issued, 0), idle ? "–" : dec(h.served, 0),
        wait(h.waiting.mean_s), wait(h.waiting.median_s), wait(h.waiting.p90_s)];
    }));
    barChart("chart-hour-issued", hoursData.map(function (h) {
      return { label: pad2(h.hour), value: h.issued, text: String(h.issued) };
    }), { title: "Tiket diambil per jam" });
    barChart("chart-hour-wait", hoursData.map(function (h) {
      return { label: pad2(h.hour), value: h.waiting.mean_s / 60, text: minutes(h.waiting.mean_s), color: "#8a3b00" };
    }), { title: "Rata-rata waktu tunggu per jam" });
    rows("day-table", r.by_day.map(function (d) {
      return [dayText(d.day), dec(d.counts.issued, 0), dec(d.counts.served, 0), dec(d.counts.no_show, 0),
        dec(d.counts.cancelled, 0),
        minutes(d.waiting.mean_s), minutes(d.waiting.p90_s), minutes(d.service.mean_s)];
    }));
    barChart("chart-day", r.by_day.map(function (d) {
      return { label: d.day.slice(8) + "/" + d.day.slice(5, 7), value: d.counts.served, text: String(d.counts.served),
        color: "#1b5e20" };
    }), { title: "Tiket dilayani per hari" });
  }

  function renderCompliance(r) {
    // Only standards a counter can measure (minutes, hours) have rows; say why when none.
    A.byId("compliance-empty").hidden = r.compliance.length > 0;
    A.byId("compliance-table").hidden = r.compliance.length === 0;
    rows("compliance-table", r.compliance.map(function (c) {
      return [c.service_name, dec(c.standard_min, 0) + (c.counter_target ? " (target loket)" : ""),
        dec(c.measured, 0), dec(c.within, 0), dec(c.percent, 1) + "%",
        minutes(c.service_time.median_s), minutes(c.service_time.p90_s)];
    }));
    var breakSeconds = function (list) {
      return (list || []).reduce(function (s, b) { return s + b.total_s; }, 0);
    };
    rows("officer-table", r.officers.map(function (o) {
      return [o.name || o.officer, dec(o.served, 0), hours(o.open_s), hours(o.idle_s), percent(o.idle_s, o.open_s),
        hours(breakSeconds(o.breaks)), minutes(o.service.mean_s), minutes(o.service.median_s)];
    }));
    var breaks = r.breaks || [];
    rows("break-table", breaks.map(function (b) {
      return [b.label, dec(b.count, 0), hours(b.total_s), minutes(b.total_s / b.count)];
    }));
    A.byId("break-table").hidden = breaks.length === 0;
    A.byId("break-empty").hidden = breaks.length > 0;
  }

  // Booked against walk-in visitors, no-shows, punctuality and slot use (docs/booking.md).
  function renderBooking(r) {
    var b = r.booking;
    A.byId("booking").hidden = !b;
    if (!b) return;
    var visits = b.booked_visits + b.walk_in_visits;
    A.setText("booking-summary", dec(b.booked_visits, 0) + " dari " + dec(visits, 0) +
      " tiket berasal dari booking (" + percent(b.booked_visits, visits) + "); tingkat tidak datang " +
      dec(b.no_show_percent, 1) + "%.");
    rows("booking-table", [
      ["Tiket dari booking", b.booked_visits],
      ["Tiket datang langsung", b.walk_in_visits],
      ["Booking untuk periode ini", b.made],
      ["Check-in", b.checked_in],
      ["Dibatalkan", b.cancelled],
      ["Tidak datang (kedaluwarsa)", b.expired],
      ["Masih aktif", b.active],
      ["Tingkat tidak datang", dec(b.no_show_percent, 1) + "%"],
      ["Datang sebelum jadwal", b.early + " (rata-rata " + minutes(b.early_by.mean_s) + " menit lebih awal)"],
      ["Datang setelah jadwal dimulai", b.late + " (rata-rata " + minutes(b.late_by.mean_s) + " menit terlambat)"]
    ]);
    rows("slot-table", (b.slots || []).map(function (s) {
      return [s.service_name, s.slot.replace(":", "."), s.booked, s.checked_in, s.expired];
    }));
  }

  function renderSkm(r) {
    var skm = r.skm;
    var ikm = skm.ikm;
    A.setText("ikm-value", ikm ? dec(ikm.ikm, 2) : "–");
    A.setText("ikm-mutu", ikm ? ikm.mutu : "–");
    A.setText("ikm-kinerja", ikm ? ikm.kinerja : "–");
    A.setText("ikm-weight", ikm ? ikm.weight_label.charAt(0).toUpperCase() + ikm.weight_label.slice(1) + " per unsur. IKM = Σ(NRR × bobot) × 25; mutu diklasifikasikan dari IKM yang dibulatkan 2 desimal." : "");
    A.byId("ikm-missing").hidden = !!ikm;
    A.setText("ikm-missing", ikm ? "" : "IKM belum dapat dihitung: " + (skm.ikm_missing || "belum ada kuesioner."));
    A.setText("sample", "Target sampel (Krejcie & Morgan) untuk " + dec(skm.population, 0) +
      " pengguna layanan: " + dec(skm.target_sample, 0) + " responden; terkumpul " +
      dec(skm.respondents, 0) + " responden" + (skm.imported ? " (" + dec(skm.imported, 0) + " dari impor)" : "") +
      (skm.respondents >= skm.target_sample ? " — target tercapai." : " — kurang " +
        dec(skm.target_sample - skm.respondents, 0) + "."));
    var unsur = ikm ? ikm.unsur : [];
    rows("unsur-table", unsur.map(function (u) {
      return ["U" + u.number, u.name, u.answered, dec(u.nrr, 2), dec(u.nrr_weighted, 4), dec(u.score, 2), u.mutu];
    }));
    Array.prototype.forEach.call(A.byId("unsur-table").tBodies[0].rows, function (tr, i) {
      tr.dataset.key = unsur[i].key;
    });
    var foot = A.byId("unsur-table").tFoot;
    foot.textContent = "";
    if (ikm) {
      var tr = A.make("tr");
      tr.appendChild(A.make("th", "", ""));
      tr.appendChild(A.make("th", "", "IKM unit pelayanan (Σ NRR tertimbang × 25)"));
      tr.appendChild(A.make("td", "", String(ikm.respondents)));
      tr.appendChild(A.make("td", "", ""));
      var sum = unsur.reduce(function (s, u) { return s + u.nrr_weighted; }, 0);
      tr.appendChild(A.make("td", "", dec(sum, 4)));
      tr.appendChild(A.make("td", "", dec(ikm.ikm, 2)));
      tr.appendChild(A.make("td", "", ikm.mutu + " (" + ikm.kinerja + ")"));
      foot.appendChild(tr);
    }
    barChart("chart-faces", skm.faces.map(function (n, i) {
      return { label: FACES[i], value: n, text: String(n), color: ["#a4161a", "#8a3b00", "#0b4f8a", "#1b5e20"][i] };
    }), { title: "Penilaian wajah" });
    barChart("chart-unsur", unsur.map(function (u) {
      return { label: "U" + u.number, value: u.score, text: dec(u.score, 1) };
    }), { title: "Nilai per unsur", min: 0, max: 100 });
    A.setText("profile", "Laki-laki " + skm.gender[0] + ", perempuan " + skm.gender[1] + ". Pendidikan: " +
      skm.education.map(function (n, i) { return EDUCATION[i] + " " + n; }).join(", ") +
      ". Penyandang disabilitas: " + skm.disability + ".");
    var list = A.byId("comments");
    list.textContent = "";
    skm.comments.forEach(function (c) {
      var li = A.make("li");
      li.appendChild(A.make("span", "muted", A.formatDate(c.at_ms, offset()) +
        (c.service ? " · " + (c.service_name || serviceName(c.service)) : "") + (c.number ? " · " + c.number : "") + ": "));
      li.appendChild(A.make("span", "comment", c.text));
      list.appendChild(li);
    });
    A.byId("comments-empty").hidden = skm.comments.length > 0;
    rows("follow-up-table", skm.follow_ups.map(function (e) {
      var f = e.follow_up;
      return [A.formatDate(e.at_ms, offset()), unsurName(f.unsur), f.service ? (e.service_name || serviceName(f.service)) : "Seluruh unit",
        f.action, f.due ? dayText(f.due) : "–",
        (STATUS[f.status] || f.status) + (e.updated_at_id ? " (diperbarui " + e.updated_at_id + ")" : ""),
        f.recorded_by || ""];
    }));
    // Each follow-up can be updated (its status moves on, its text or date corrected).
    Array.prototype.forEach.call(A.byId("follow-up-table").tBodies[0].rows, function (tr, i) {
      var entry = skm.follow_ups[i];
      tr.dataset.at = String(entry.at_ms);
      var cell = A.make("td", "no-print");
      var edit = A.make("button", "edit", "Ubah");
      edit.type = "button";
      edit.addEventListener("click", function () { editFollowUp(entry); });
      cell.appendChild(edit);
      tr.appendChild(cell);
    });
    A.byId("follow-up-empty").hidden = skm.follow_ups.length > 0;
  }

  function renderBoard(r) {
    var skm = r.skm;
    var ikm = skm.ikm;
    var unit = r.site + (r.agency ? " — " + agencyName(r.agency) : "");
    A.setText("pub-unit", unit);
    var quarter = quarterName(r.from, r.to);
    A.setText("pub-period", quarter ? quarter.toUpperCase() : "PERIODE " + r.period_id.toUpperCase());
    A.setText("pub-ikm", ikm ? dec(ikm.ikm, 2) : "–");
    A.setText("pub-mutu", ikm ? ikm.mutu : "–");
    A.setText("pub-kinerja", ikm ? ikm.kinerja.toUpperCase() : "Belum ada data");
    A.setText("pub-service", serviceName(r.service));
    A.setText("pub-respondents", dec(skm.respondents, 0) + " orang");
    A.setText("pub-gender", "Laki-laki " + skm.gender[0] + " · Perempuan " + skm.gender[1]);
    A.setText("pub-education", skm.education.map(function (n, i) { return n ? EDUCATION[i] + " " + n : ""; })
      .filter(Boolean).join(" · ") || "–");
    A.setText("pub-disability", dec(skm.disability, 0) + " orang");
    A.setText("pub-survey-period", r.period_id);
    // Every unsur's value as well as the index: the public sees where service is weak.
    var unsur = ikm ? ikm.unsur : [];
    rows("pub-unsur", unsur.map(function (u) {
      return ["U" + u.number + " " + u.name, dec(u.nrr, 2), dec(u.score, 2), u.mutu];
    }));
    A.byId("pub-unsur").hidden = unsur.length === 0;
    // What the unit does about it, as it stands.
    var list = A.byId("pub-followups");
    list.textContent = "";
    skm.follow_ups.forEach(function (e) {
      var f = e.follow_up;
      list.appendChild(A.make("li", "", (f.unsur ? unsurName(f.unsur) + ": " : "") + f.action + " — " +
        (STATUS[f.status] || f.status) + (f.due ? " (target " + dayText(f.due) + ")" : "")));
    });
    A.byId("pub-followups").hidden = A.byId("pub-followups-title").hidden = skm.follow_ups.length === 0;
    // Thanks only where someone answered.
    A.byId("pub-thanks").hidden = !skm.respondents;
  }

  function render(r) {
    report = state.report = r;
    A.byId("report").hidden = document.body.classList.contains("board-mode");
    renderSummary(r);
    renderHours(r);
    renderCompliance(r);
    renderBooking(r);
    renderSkm(r);
    renderBoard(r);
    if (boardFirst) { boardFirst = false; showBoard(true); }
  }

  function showBoard(on) {
    document.body.classList.toggle("board-mode", on);
    A.byId("ikm-board").hidden = !on;
    A.byId("report").hidden = on || !report;
    A.byId("filters").hidden = on;
  }

  function query() {
    var q = { from: A.byId("from").value, to: A.byId("to").value, weight: A.byId("weight").value };
    ["agency", "service", "counter", "officer"].forEach(function (k) {
      if (A.byId(k).value) q[k] = A.byId(k).value;
    });
    return q;
  }

  function ask(body, done) {
    if (!conn || !conn.request(body, done)) message("Tidak terhubung ke server. Coba lagi sebentar lagi.", true);
  }

  function run() {
    var q = query();
    if (!q.from || !q.to) { message("Isi tanggal awal dan akhir.", true); return; }
    if (q.from > q.to) { message("Tanggal awal harus sebelum tanggal akhir.", true); return; }
    message("Menghitung laporan…", false);
    ask({ type: "report", query: q }, function (answer) {
      if (answer.type === "error") { message(answer.message, true); return; }
      if (answer.result.kind !== "report") return;
      message("", false);
      render(answer.result.report);
    });
  }

  function download(file) {
    var bytes = atob(file.data_base64);
    var data = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) data[i] = bytes.charCodeAt(i);
    var blob = new Blob([data], { type: file.mime });
    var link = A.make("a");
    link.href = URL.createObjectURL(blob);
    link.download = file.name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
    state.lastFile = { name: file.name, mime: file.mime, size: data.length,
      head: bytes.slice(0, 4), text: /csv|text/.test(file.mime) ? new TextDecoder().decode(data) : null };
    message("Berkas " + file.name + " (" + dec(data.length, 0) + " bita) diunduh.", false);
  }

  function exportFile(kind, format) {
    message("Menyiapkan berkas…", false);
    ask({ type: "export_report", query: query(), kind: kind, format: format }, function (answer) {
      if (answer.type === "error") { message(answer.message, true); return; }
      if (answer.result.kind === "file") download(answer.result);
    });
  }

  // The follow-up being updated (its first recording's time), or null for a new one.
  var revising = null;

  function editFollowUp(entry) {
    var f = entry.follow_up;
    revising = entry.at_ms;
    A.byId("fu-unsur").value = f.unsur || "";
    A.byId("fu-service").value = f.service || "";
    A.byId("fu-due").value = f.due || "";
    A.byId("fu-status").value = f.status;
    A.byId("fu-action").value = f.action;
    A.setText("fu-title", "Ubah tindak lanjut yang dicatat " + entry.at_id);
    A.byId("fu-cancel").hidden = false;
    A.byId("fu-action").focus();
  }

  function endEdit() {
    revising = null;
    A.setText("fu-title", "Catat tindak lanjut");
    A.byId("fu-cancel").hidden = true;
    A.byId("fu-action").value = "";
  }

  function saveFollowUp() {
    var action = A.byId("fu-action").value.trim();
    if (!action) { message("Isi uraian tindakan tindak lanjut.", true); return; }
    var f = { action: action, status: A.byId("fu-status").value };
    if (A.byId("fu-unsur").value) f.unsur = A.byId("fu-unsur").value;
    if (A.byId("fu-service").value) f.service = A.byId("fu-service").value;
    if (A.byId("fu-due").value) f.due = A.byId("fu-due").value;
    var updating = revising !== null;
    if (updating) f.revises_at_ms = revising;
    ask({ type: "record_follow_up", follow_up: f }, function (answer) {
      if (answer.type === "error") { message(answer.message, true); return; }
      endEdit();
      run();
      message(updating ? "Tindak lanjut diperbarui." : "Tindak lanjut dicatat.", false);
    });
  }

  // Kiosk printer alerts: this page does not follow events, so it asks for the staff
  // snapshot (which carries the latest alert of each kiosk) now and every minute.
  var ALERTS_REFRESH_MS = 60000;
  var alertsTimer = null;
  function askAlerts() {
    if (conn) conn.request({ type: "snapshot" });
  }
  function renderAlerts(alerts) {
    var box = A.byId("alerts");
    box.textContent = "";
    alerts.forEach(function (a) {
      if (a.printer === "ready") return;
      box.appendChild(A.make("div", "", A.printerAlertText(a, catalog)));
    });
  }

  function onWelcome(msg) {
    catalog = msg.catalog;
    askAlerts();
    if (!alertsTimer) alertsTimer = setInterval(askAlerts, ALERTS_REFRESH_MS);
    A.byId("login").hidden = true;
    A.byId("app").hidden = false;
    A.setText("site", catalog.site.name);
    A.setText("who", msg.principal);
    if (A.byId("agency").options.length > 1) return;   // a reconnect: the form is filled
    fill(A.byId("agency"), catalog.agencies.map(function (a) { return [a.code, a.name_id]; }));
    fill(A.byId("service"), catalog.services.map(function (s) { return [s.code, s.prefix + " · " + s.name_id]; }));
    fill(A.byId("fu-service"), catalog.services.map(function (s) { return [s.code, s.name_id]; }));
    fill(A.byId("counter"), catalog.counters.map(function (c) { return [c.id, c.name]; }));
    fill(A.byId("fu-unsur"), UNSUR);
    var params = new URLSearchParams(location.search);
    setQuarter();
    ["from", "to", "agency", "service", "counter", "officer", "weight"].forEach(function (k) {
      if (params.get(k)) A.byId(k).value = params.get(k);
    });
    ask({ type: "list_principals" }, function (answer) {
      if (answer.type !== "ok" || answer.result.kind !== "principals") return;
      var officer = A.byId("officer");
      fill(officer, answer.result.officers.map(function (o) {
        return [o.name, o.display_name && o.display_name !== o.name ? o.name + " · " + o.display_name : o.name];
      }));
      if (params.get("officer")) officer.value = params.get("officer");
    });
    run();
  }

  function showLogin(text) {
    conn = null;
    A.byId("app").hidden = true;
    A.byId("login").hidden = false;
    A.setText("conn", "");
    A.setText("who", "");
    A.byId("logout").hidden = true;
    A.setText("login-message", text);
    A.byId("login-message").className = "error";
  }

  // Opens the report's socket with this browser's session cookie.
  function connectReport() {
    A.setText("login-message", "");
    conn = A.connect({
      idPrefix: "m",
      subscribe: false,
      auth: A.sessionAuth,
      onMessage: function (msg) {
        if (msg.type === "welcome") { A.byId("logout").hidden = false; onWelcome(msg); }
        if (msg.type === "snapshot") renderAlerts(msg.state.alerts || []);
      },
      onStatus: function (text, ok) {
        A.setText("conn", ok ? "" : text);
        A.byId("conn").className = ok ? "conn" : "conn off";
      },
      onFatal: function (text) { showLogin(text); }
    });
  }

  function login(username, password) {
    A.setText("login-message", "");
    A.byId("login-button").disabled = true;
    A.logIn({ role: "manager", username: username, password: password }, function (error) {
      A.byId("login-button").disabled = false;
      if (error) { showLogin(error.message); return; }
      connectReport();
    });
  }

  A.whoAmI(function (session) {
    var mine = session && session.role === "manager";
    // What the check found, for whoever looks at the page (and the browser tests).
    document.documentElement.setAttribute("data-session", mine ? "manager" : "none");
    if (mine && !conn) connectReport();
  });
  A.byId("logout").addEventListener("click", function () {
    if (conn) conn.stop();
    conn = null;
    A.logOut(function () {
      showLogin("Anda sudah keluar.");
      A.byId("login-message").className = "";
    });
  });

  A.byId("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var password = A.byId("password");
    login(A.byId("username").value.trim(), password.value);
    password.value = "";
  });
  A.byId("filters").addEventListener("submit", function (e) { e.preventDefault(); run(); });
  A.byId("weight").addEventListener("change", run);
  A.byId("range-quarter").addEventListener("click", function () { setQuarter(); run(); });
  A.byId("range-today").addEventListener("click", function () { setToday(); run(); });
  A.byId("show-board").addEventListener("click", function () { showBoard(true); });
  A.byId("board-back").addEventListener("click", function () { showBoard(false); });
  A.byId("print").addEventListener("click", function () { window.print(); });
  A.byId("board-print").addEventListener("click", function () { window.print(); });
  Array.prototype.forEach.call(document.querySelectorAll("button.export"), function (b) {
    b.addEventListener("click", function () { exportFile(b.dataset.kind, b.dataset.format); });
  });
  A.byId("follow-up-form").addEventListener("submit", function (e) { e.preventDefault(); saveFollowUp(); });
  A.byId("fu-cancel").addEventListener("click", endEdit);
})();
