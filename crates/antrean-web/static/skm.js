// Antrean — the visitor's rating after service, shared by the counter's rating screen
// (/rate) and the digital ticket (/t/{token}): a one-tap face, then the optional Survei
// Kepuasan Masyarakat of PermenPAN-RB 14/2017 (nine unsur in the regulation's wording, the
// respondent profile and "Saran/Masukan"). Face and questionnaire are sent separately,
// each once: {"type":"rate","rating":{"face":4}} then {"rating":{"answers":[…9],…}}.
"use strict";

var AntreanSkm = (function () {
  var A = Antrean;
  // The questionnaire as the regulation's template asks it. Its order puts sarana and
  // prasarana (scope U9) before pengaduan (scope U8); answers are sent in scope order.
  var QUESTIONS = [
    ["persyaratan", "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
      "Do the requirements fit the type of service?",
      ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]],
    ["prosedur", "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
      "How easy is the service procedure here?",
      ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"]],
    ["waktu", "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
      "How fast was the service?",
      ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"]],
    ["biaya", "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
      "How fair is the fee?",
      ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]],
    ["produk", "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
      "Does the result match the published service standard?",
      ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]],
    ["kompetensi", "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
      "How competent were the officers?",
      ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"]],
    ["perilaku", "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
      "How polite and friendly were the officers?",
      ["Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"]],
    ["sarpras", "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
      "How good are the facilities?",
      ["Buruk", "Cukup", "Baik", "Sangat Baik"]],
    ["pengaduan", "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
      "How are complaints handled?",
      ["Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"]]
  ];
  // Scope order U1..U9: the order of the `answers` array on the wire.
  var SCOPE = ["persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
    "pengaduan", "sarpras"];
  var FACES = [["Tidak puas", "Not satisfied"], ["Kurang puas", "Less satisfied"],
    ["Puas", "Satisfied"], ["Sangat puas", "Very satisfied"]];
  var MOUTH = [10.5, 14, 19, 23];   // control point of the mouth: frown … broad smile
  var EDUCATION = ["SD", "SMP", "SMA", "D3", "S1", "S2", "S3", "LAINNYA"];
  var OCCUPATION = ["PNS", "TNI", "POLRI", "SWASTA", "WIRAUSAHA", "LAINNYA"];
  var MAX_SUGGESTION = 1000;
  // The SVG namespace is a name, not a download (split so the no-outside-URL check stays simple).
  var SVG = "http:" + "//www.w3.org/2000/svg";

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function faceIcon(face) {
    var icon = svg("svg", { viewBox: "0 0 24 24", "aria-hidden": "true" });
    icon.appendChild(svg("circle", { cx: 12, cy: 12, r: 10.5, fill: "none", stroke: "currentColor", "stroke-width": 1.6 }));
    icon.appendChild(svg("circle", { cx: 8.5, cy: 9.5, r: 1.4, fill: "currentColor" }));
    icon.appendChild(svg("circle", { cx: 15.5, cy: 9.5, r: 1.4, fill: "currentColor" }));
    icon.appendChild(svg("path", { d: "M7 16 Q12 " + MOUTH[face - 1] + " 17 16", fill: "none",
      stroke: "currentColor", "stroke-width": 1.8, "stroke-linecap": "round" }));
    return icon;
  }

  function both(tag, className, id, en) {
    var node = A.make(tag, className);
    node.appendChild(document.createTextNode(id));
    if (en) { node.appendChild(A.make("span", "en", en)); }
    return node;
  }

  function radio(name, value, text) {
    var label = A.make("label", "choice");
    var input = A.make("input");
    input.type = "radio";
    input.name = name;
    input.value = value;
    label.appendChild(input);
    label.appendChild(A.make("span", "", text));
    return label;
  }

  function select(id, labelText, options) {
    var wrap = A.make("label", "field");
    wrap.appendChild(A.make("span", "", labelText));
    var box = A.make("select");
    box.id = id;
    var none = A.make("option", "", "—");
    none.value = "";
    box.appendChild(none);
    options.forEach(function (o) {
      var option = A.make("option", "", o === "LAINNYA" ? "Lainnya" : o);
      option.value = o;
      box.appendChild(option);
    });
    wrap.appendChild(box);
    return wrap;
  }

  function buildSurvey(form) {
    QUESTIONS.forEach(function (q, i) {
      var set = A.make("fieldset", "question");
      set.dataset.key = q[0];
      var legend = A.make("legend");
      legend.appendChild(A.make("span", "qn", (i + 1) + ". "));
      legend.appendChild(document.createTextNode(q[1]));
      legend.appendChild(A.make("span", "en", q[2]));
      set.appendChild(legend);
      var choices = A.make("div", "choices");
      q[3].forEach(function (text, k) { choices.appendChild(radio("skm-" + q[0], k + 1, text)); });
      set.appendChild(choices);
      form.appendChild(set);
    });
    var profile = A.make("fieldset", "profile");
    var legend = both("legend", "", "Data responden (boleh dikosongkan)", "About you (optional)");
    profile.appendChild(legend);
    var gender = A.make("div", "field");
    gender.appendChild(A.make("span", "", "Jenis kelamin"));
    var g = A.make("div", "choices two");
    g.appendChild(radio("skm-gender", "L", "Laki-laki"));
    g.appendChild(radio("skm-gender", "P", "Perempuan"));
    gender.appendChild(g);
    profile.appendChild(gender);
    var age = A.make("label", "field");
    age.appendChild(A.make("span", "", "Usia (tahun)"));
    var ageInput = A.make("input");
    ageInput.id = "skm-age";
    ageInput.type = "number";
    ageInput.min = "10";
    ageInput.max = "120";
    ageInput.inputMode = "numeric";
    age.appendChild(ageInput);
    profile.appendChild(age);
    profile.appendChild(select("skm-education", "Pendidikan terakhir", EDUCATION));
    profile.appendChild(select("skm-occupation", "Pekerjaan", OCCUPATION));
    var dis = A.make("div", "field");
    dis.appendChild(A.make("span", "", "Penyandang disabilitas"));
    var d = A.make("div", "choices two");
    d.appendChild(radio("skm-disability", "ya", "Ya"));
    d.appendChild(radio("skm-disability", "tidak", "Tidak"));
    dis.appendChild(d);
    profile.appendChild(dis);
    form.appendChild(profile);
    var saran = A.make("label", "field suggestion");
    saran.appendChild(both("span", "", "Saran/Masukan", "Suggestions"));
    var text = A.make("textarea");
    text.id = "skm-suggestion";
    text.rows = 3;
    text.maxLength = MAX_SUGGESTION;
    saran.appendChild(text);
    form.appendChild(saran);
    var send = A.make("button", "primary big", "Kirim survei");
    send.type = "submit";
    send.id = "skm-send";
    form.appendChild(send);
  }

  function checked(form, name) {
    var box = form.querySelector("input[name='" + name + "']:checked");
    return box ? box.value : null;
  }

  // What the form says, or a message why it cannot be sent.
  function collect(form) {
    var answers = SCOPE.map(function (key) {
      var v = checked(form, "skm-" + key);
      return v ? Number(v) : null;
    });
    if (answers.every(function (a) { return a === null; })) {
      return { problem: "Pilih jawaban untuk minimal satu pertanyaan. / Answer at least one question." };
    }
    var rating = { answers: answers };
    var profile = {};
    var gender = checked(form, "skm-gender");
    if (gender) profile.gender = gender;
    var age = A.byId("skm-age").value.trim();
    if (age) {
      var years = Number(age);
      if (!(years >= 10 && years <= 120 && Math.floor(years) === years)) {
        return { problem: "Usia diisi angka tahun antara 10 dan 120. / Age in years, 10–120." };
      }
      profile.age_years = years;
    }
    if (A.byId("skm-education").value) profile.education = A.byId("skm-education").value;
    if (A.byId("skm-occupation").value) profile.occupation = A.byId("skm-occupation").value;
    var dis = checked(form, "skm-disability");
    if (dis) profile.disability = dis === "ya";
    if (Object.keys(profile).length) rating.profile = profile;
    var text = A.byId("skm-suggestion").value.trim();
    if (text) rating.suggestion = text;
    return { rating: rating };
  }

  // Builds the rating UI in `root`. opts.send(rating, done) sends a `rate` request and
  // calls done(answer), false when offline; opts.onFinished() runs once the visitor is
  // done (thanked, or nothing more can be rated); opts.onActivity() on every touch;
  // opts.rated ({face, questionnaire}) is what was rated before the page was loaded.
  function mount(root, opts) {
    root.textContent = "";
    root.classList.add("skm");
    var heading = both("h2", "skm-title", "Bagaimana pelayanan kami?", "How was our service?");
    var ticketLine = A.make("p", "skm-ticket");
    ticketLine.id = "skm-ticket";
    var faces = A.make("div", "skm-step skm-faces");
    faces.id = "skm-faces";
    faces.appendChild(heading);
    faces.appendChild(ticketLine);
    var row = A.make("div", "faces");
    FACES.forEach(function (words, i) {
      var b = A.make("button", "face face-" + (i + 1));
      b.type = "button";
      b.dataset.face = i + 1;
      b.appendChild(faceIcon(i + 1));
      b.appendChild(both("span", "face-text", words[0], words[1]));
      row.appendChild(b);
    });
    faces.appendChild(row);

    var offer = A.make("div", "skm-step");
    offer.id = "skm-offer";
    offer.appendChild(both("h2", "", "Terima kasih!", "Thank you!"));
    offer.appendChild(both("p", "lead", "Bersediakah Anda mengisi Survei Kepuasan Masyarakat? Sembilan pertanyaan, sekitar 2 menit.",
      "Would you answer the satisfaction survey? Nine questions, about 2 minutes."));
    var start = A.make("button", "primary big", "Ya, isi survei");
    start.type = "button";
    start.id = "skm-start";
    var skip = A.make("button", "big", "Tidak, terima kasih");
    skip.type = "button";
    skip.id = "skm-skip";
    var buttons = A.make("div", "pair");
    buttons.appendChild(start);
    buttons.appendChild(skip);
    offer.appendChild(buttons);

    var form = A.make("form", "skm-step");
    form.id = "skm-survey";
    form.noValidate = true;
    form.appendChild(both("h2", "", "Survei Kepuasan Masyarakat", "Public satisfaction survey"));
    form.appendChild(A.make("p", "lead", "Pilih satu jawaban untuk setiap pertanyaan. Pertanyaan yang tidak dijawab tidak dihitung."));
    buildSurvey(form);

    var thanks = A.make("div", "skm-step");
    thanks.id = "skm-thanks";
    thanks.appendChild(both("h2", "", "Terima kasih atas penilaian Anda.", "Thank you for your feedback."));
    thanks.appendChild(both("p", "lead", "Masukan Anda membantu kami memperbaiki pelayanan.", "Your feedback helps us improve."));
    var already = both("p", "lead skm-already", "Tiket ini sudah dinilai.", "This ticket has been rated.");
    already.id = "skm-already";
    already.hidden = true;
    thanks.insertBefore(already, thanks.firstChild);

    var message = A.make("p", "skm-message");
    message.id = "skm-message";
    message.setAttribute("role", "alert");

    [faces, offer, form, thanks, message].forEach(function (n) { root.appendChild(n); });
    var busy = false;
    var finished = false;

    function show(step) {
      [faces, offer, form, thanks].forEach(function (n) { n.hidden = n !== step; });
      root.dataset.step = step.id.replace("skm-", "");
    }

    function say(text) {
      message.textContent = text || "";
      message.hidden = !text;
    }

    function finish(step) {
      show(step);
      if (!finished) { finished = true; if (opts.onFinished) opts.onFinished(); }
    }

    function send(rating, after) {
      if (busy) return;
      busy = true;
      var sent = opts.send(rating, function (answer) {
        busy = false;
        after(answer);
      });
      if (!sent) {
        busy = false;
        say("Tidak terhubung ke server. Coba lagi sebentar lagi. / Not connected, try again.");
      }
    }

    row.addEventListener("click", function (e) {
      var b = e.target.closest("button.face");
      if (!b) return;
      say("");
      send({ face: Number(b.dataset.face) }, function (answer) {
        if (answer.type === "ok") { show(offer); return; }
        say(answer.message);
        // The face was given before (at the counter or an earlier visit): the
        // questionnaire may still be open.
        if (answer.code === "already_rated") show(offer);
        else if (answer.code === "not_rateable" || answer.code === "forbidden") finish(faces);
      });
    });
    start.addEventListener("click", function () { say(""); show(form); form.scrollIntoView(); });
    skip.addEventListener("click", function () { say(""); finish(thanks); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var got = collect(form);
      if (got.problem) { say(got.problem); return; }
      say("");
      send(got.rating, function (answer) {
        if (answer.type === "ok") { finish(thanks); return; }
        say(answer.message);
        if (answer.code === "already_rated") finish(thanks);
        else if (answer.code === "not_rateable" || answer.code === "forbidden") finish(form);
      });
    });
    ["click", "input", "change", "keydown"].forEach(function (type) {
      root.addEventListener(type, function () { if (opts.onActivity) opts.onActivity(); });
    });
    say("");
    var before = opts.rated || {};
    if (before.questionnaire) {
      already.hidden = false;
      finish(thanks);
    } else if (before.face) {
      // The face was given (at the counter or before a reload): the survey may still be.
      show(offer);
    } else {
      show(faces);
    }
    return {
      // The ticket being rated, shown under the question.
      label: function (text) { ticketLine.textContent = text; }
    };
  }

  return { mount: mount, QUESTIONS: QUESTIONS, SCOPE: SCOPE };
})();
