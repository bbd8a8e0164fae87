// Antrean — the visitor's rating after service, shared by the counter's rating screen
// (/rate) and the digital ticket (/t/{token}): a one-tap face, then the optional Survei
// Kepuasan Masyarakat of PermenPAN-RB 14/2017 (nine unsur in the regulation's wording, the
// respondent profile and "Saran/Masukan"). Face and questionnaire are sent separately,
// each once: {"type":"rate","rating":{"face":4}} then {"rating":{"answers":[…9],…}}.
// Texts are [Indonesian, English]; the wire gets codes.
"use strict";

var AntreanSkm = (function () {
  var A = Antrean;
  var FIT = [["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
    ["Not suitable", "Less suitable", "Suitable", "Very suitable"]];
  // The questionnaire as the regulation's template asks it. Its order puts sarana and
  // prasarana (scope U9) before pengaduan (scope U8); answers are sent in scope order.
  var QUESTIONS = [
    ["persyaratan", "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
      "Do the requirements fit the type of service?", FIT[0], FIT[1]],
    ["prosedur", "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
      "How easy is the service procedure here?",
      ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
      ["Not easy", "Less easy", "Easy", "Very easy"]],
    ["waktu", "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
      "How fast was the service?",
      ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
      ["Not fast", "Not fast enough", "Fast", "Very fast"]],
    ["biaya", "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
      "How fair is the fee?",
      ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
      ["Very expensive", "Rather expensive", "Cheap", "Free of charge"]],
    ["produk", "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
      "Does the result match the published service standard?", FIT[0], FIT[1]],
    ["kompetensi", "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
      "How competent were the officers?",
      ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"],
      ["Not competent", "Less competent", "Competent", "Very competent"]],
    ["perilaku", "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
      "How polite and friendly were the officers?",
      ["Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"],
      ["Not polite and friendly", "Less polite and friendly", "Polite and friendly", "Very polite and friendly"]],
    ["sarpras", "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
      "How good are the facilities?",
      ["Buruk", "Cukup", "Baik", "Sangat Baik"], ["Poor", "Fair", "Good", "Very good"]],
    ["pengaduan", "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
      "How are complaints handled?",
      ["Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"],
      ["None", "Exists, but does not work", "Works, not fully", "Well handled"]]
  ];
  // Scope order U1..U9: the order of the `answers` array on the wire.
  var SCOPE = ["persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
    "pengaduan", "sarpras"];
  var FACES = [["Tidak puas", "Not satisfied"], ["Kurang puas", "Less satisfied"],
    ["Puas", "Satisfied"], ["Sangat puas", "Very satisfied"]];
  var MOUTH = [10.5, 14, 19, 23];   // control point of the mouth: frown … broad smile
  // Code on the wire, then the words a visitor reads.
  var EDUCATION = [["SD", "SD", "Primary (SD)"], ["SMP", "SMP", "Junior high (SMP)"],
    ["SMA", "SMA", "Senior high (SMA)"], ["D3", "D3", "Diploma (D3)"],
    ["S1", "S1", "Bachelor (S1)"], ["S2", "S2", "Master (S2)"],
    ["S3", "S3", "Doctorate (S3)"], ["LAINNYA", "Lainnya", "Other"]];
  var OCCUPATION = [["PNS", "PNS/ASN", "Civil servant"], ["TNI", "TNI", "Military (TNI)"],
    ["POLRI", "POLRI", "Police (POLRI)"], ["SWASTA", "Pegawai swasta", "Private employee"],
    ["WIRAUSAHA", "Wirausaha", "Self-employed"], ["LAINNYA", "Lainnya", "Other"]];
  var T = {
    title: ["Bagaimana pelayanan kami?", "How was our service?"],
    thanks: ["Terima kasih!", "Thank you!"],
    ask: ["Bersediakah Anda mengisi Survei Kepuasan Masyarakat? Sembilan pertanyaan, sekitar 2 menit.",
      "Would you answer the satisfaction survey? Nine questions, about 2 minutes."],
    start: ["Ya, isi survei", "Yes, answer the survey"],
    skip: ["Tidak, terima kasih", "No, thank you"],
    survey: ["Survei Kepuasan Masyarakat", "Public satisfaction survey"],
    lead: ["Pilih satu jawaban untuk setiap pertanyaan. Pertanyaan yang tidak dijawab tidak dihitung.",
      "Choose one answer per question. Unanswered questions are not counted."],
    profile: ["Data responden (boleh dikosongkan)", "About you (optional)"],
    gender: ["Jenis kelamin", "Gender"], L: ["Laki-laki", "Male"], P: ["Perempuan", "Female"],
    age: ["Usia (tahun)", "Age (years)"],
    education: ["Pendidikan terakhir", "Highest education"],
    occupation: ["Pekerjaan", "Occupation"],
    disability: ["Penyandang disabilitas", "Person with a disability"],
    ya: ["Ya", "Yes"], tidak: ["Tidak", "No"],
    saran: ["Saran/Masukan", "Suggestions"],
    send: ["Kirim survei", "Send the survey"],
    done: ["Terima kasih atas penilaian Anda.", "Thank you for your feedback."],
    helps: ["Masukan Anda membantu kami memperbaiki pelayanan.", "Your feedback helps us improve."],
    already: ["Tiket ini sudah dinilai.", "This ticket has been rated."],
    none: ["Pilih jawaban untuk minimal satu pertanyaan.", "Answer at least one question."],
    badAge: ["Usia diisi angka tahun antara 10 dan 120.", "Age in years, 10–120."],
    offline: ["Tidak terhubung ke server. Coba lagi sebentar lagi.", "Not connected. Try again shortly."]
  };
  var MAX_SUGGESTION = 1000;
  // A namespace, not a download (split for the no-outside-URL check).
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

  // A node saying `words` in the page's language; with none (the counter's screen)
  // Indonesian, with an English line (`how` 1) or " / " English (`how` 2).
  function make(tag, className, words, how) {
    var node = A.make(tag, className);
    if (words) {
      node.tx = [words, how];
      node.setAttribute("data-tx", "");
    }
    return node;
  }

  function paint(node, lang) {
    var words = node.tx[0], how = node.tx[1];
    if (lang) {
      node.textContent = words[lang === "en" ? 1 : 0];
    } else if (how === 2 && words[1] !== words[0]) {
      node.textContent = words[0] + " / " + words[1];
    } else {
      node.textContent = words[0];
      if (how) {
        var en = A.make("span", "en", words[1]);
        en.lang = "en";
        node.appendChild(en);
      }
    }
  }

  function radio(name, value, words) {
    var label = A.make("label", "choice");
    var input = A.make("input");
    input.type = "radio";
    input.name = name;
    input.value = value;
    label.appendChild(input);
    label.appendChild(make("span", "", words));
    return label;
  }

  function select(id, words, options) {
    var wrap = A.make("label", "field");
    wrap.appendChild(make("span", "", words));
    var box = A.make("select");
    box.id = id;
    var none = A.make("option", "", "—");
    none.value = "";
    box.appendChild(none);
    options.forEach(function (o) {
      var option = make("option", "", [o[1], o[2]]);
      option.value = o[0];
      box.appendChild(option);
    });
    wrap.appendChild(box);
    return wrap;
  }

  function pair(name, a, b) {
    var field = A.make("div", "field");
    field.appendChild(make("span", "", T[name]));
    var choices = A.make("div", "choices two");
    choices.appendChild(radio("skm-" + name, a, T[a]));
    choices.appendChild(radio("skm-" + name, b, T[b]));
    field.appendChild(choices);
    return field;
  }

  function button(className, id, words) {
    var b = make("button", className, words);
    b.type = "button";
    b.id = id;
    return b;
  }

  function buildSurvey(form) {
    QUESTIONS.forEach(function (q, i) {
      var set = A.make("fieldset", "question");
      set.dataset.key = q[0];
      var legend = A.make("legend");
      legend.appendChild(A.make("span", "qn", (i + 1) + ". "));
      legend.appendChild(make("span", "", [q[1], q[2]], 1));
      set.appendChild(legend);
      var choices = A.make("div", "choices");
      q[3].forEach(function (text, k) { choices.appendChild(radio("skm-" + q[0], k + 1, [text, q[4][k]])); });
      set.appendChild(choices);
      form.appendChild(set);
    });
    var profile = A.make("fieldset", "profile");
    profile.appendChild(make("legend", "", T.profile, 1));
    profile.appendChild(pair("gender", "L", "P"));
    var age = A.make("label", "field");
    age.appendChild(make("span", "", T.age));
    var ageInput = A.make("input");
    ageInput.id = "skm-age";
    ageInput.type = "number";
    ageInput.min = "10";
    ageInput.max = "120";
    ageInput.inputMode = "numeric";
    age.appendChild(ageInput);
    profile.appendChild(age);
    profile.appendChild(select("skm-education", T.education, EDUCATION));
    profile.appendChild(select("skm-occupation", T.occupation, OCCUPATION));
    profile.appendChild(pair("disability", "ya", "tidak"));
    form.appendChild(profile);
    var saran = A.make("label", "field suggestion");
    saran.appendChild(make("span", "", T.saran, 1));
    var text = A.make("textarea");
    text.id = "skm-suggestion";
    text.rows = 3;
    text.maxLength = MAX_SUGGESTION;
    saran.appendChild(text);
    form.appendChild(saran);
    var send = make("button", "primary big", T.send);
    send.type = "submit";
    send.id = "skm-send";
    form.appendChild(send);
  }

  function checked(form, name) {
    var box = form.querySelector("input[name='" + name + "']:checked");
    return box ? box.value : null;
  }

  // What the form says, or the words of why it cannot be sent.
  function collect(form) {
    var answers = SCOPE.map(function (key) {
      var v = checked(form, "skm-" + key);
      return v ? Number(v) : null;
    });
    if (answers.every(function (a) { return a === null; })) return { problem: T.none };
    var rating = { answers: answers };
    var profile = {};
    var gender = checked(form, "skm-gender");
    if (gender) profile.gender = gender;
    var age = A.byId("skm-age").value.trim();
    if (age) {
      var years = Number(age);
      if (!(years >= 10 && years <= 120 && Math.floor(years) === years)) return { problem: T.badAge };
      profile.age_years = years;
    }
    ["education", "occupation"].forEach(function (k) {
      var code = A.byId("skm-" + k).value;
      if (code) profile[k] = code;
    });
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
  // opts.rated ({face, questionnaire}) is what was rated before the page was loaded;
  // opts.lang: "id", "en" or none (see make).
  function mount(root, opts) {
    var lang = opts.lang;
    root.textContent = "";
    root.classList.add("skm");
    var ticketLine = A.make("p", "skm-ticket");
    ticketLine.id = "skm-ticket";
    var faces = A.make("div", "skm-step skm-faces");
    faces.id = "skm-faces";
    faces.appendChild(make("h2", "skm-title", T.title, 1));
    faces.appendChild(ticketLine);
    var row = A.make("div", "faces");
    FACES.forEach(function (words, i) {
      var b = A.make("button", "face face-" + (i + 1));
      b.type = "button";
      b.dataset.face = i + 1;
      b.appendChild(faceIcon(i + 1));
      b.appendChild(make("span", "face-text", words, 1));
      row.appendChild(b);
    });
    faces.appendChild(row);

    var offer = A.make("div", "skm-step");
    offer.id = "skm-offer";
    offer.appendChild(make("h2", "", T.thanks, 1));
    offer.appendChild(make("p", "lead", T.ask, 1));
    var start = button("primary big", "skm-start", T.start);
    var skip = button("big", "skm-skip", T.skip);
    var buttons = A.make("div", "pair");
    buttons.appendChild(start);
    buttons.appendChild(skip);
    offer.appendChild(buttons);

    var form = A.make("form", "skm-step");
    form.id = "skm-survey";
    form.noValidate = true;
    form.appendChild(make("h2", "", T.survey, 1));
    form.appendChild(make("p", "lead", T.lead));
    buildSurvey(form);

    var thanks = A.make("div", "skm-step");
    thanks.id = "skm-thanks";
    var already = make("p", "lead skm-already", T.already, 1);
    already.id = "skm-already";
    already.hidden = true;
    thanks.appendChild(already);
    thanks.appendChild(make("h2", "", T.done, 1));
    thanks.appendChild(make("p", "lead", T.helps, 1));

    // A text of this page, or the server's (message, message_en).
    var message = make("p", "skm-message", ["", ""]);
    message.id = "skm-message";
    message.setAttribute("role", "alert");

    [faces, offer, form, thanks, message].forEach(function (n) { root.appendChild(n); });
    function relabel() {
      root.querySelectorAll("[data-tx]").forEach(function (n) { paint(n, lang); });
    }
    relabel();
    var busy = false;
    var finished = false;

    function show(step) {
      [faces, offer, form, thanks].forEach(function (n) { n.hidden = n !== step; });
      root.dataset.step = step.id.replace("skm-", "");
    }

    function say(words, how) {
      message.tx = [words || ["", ""], how];
      paint(message, lang);
      message.hidden = !words;
    }

    function refused(answer) { say([answer.message, answer.message_en || answer.message]); }

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
        say(T.offline, 2);
      }
    }

    row.addEventListener("click", function (e) {
      var b = e.target.closest("button.face");
      if (!b) return;
      say();
      send({ face: Number(b.dataset.face) }, function (answer) {
        if (answer.type === "ok") { show(offer); return; }
        refused(answer);
        // The face was given before (at the counter or an earlier visit): the
        // questionnaire may still be open.
        if (answer.code === "already_rated") show(offer);
        else if (answer.code === "not_rateable" || answer.code === "forbidden") finish(faces);
      });
    });
    start.addEventListener("click", function () { say(); show(form); form.scrollIntoView(); });
    skip.addEventListener("click", function () { say(); finish(thanks); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var got = collect(form);
      if (got.problem) { say(got.problem, 2); return; }
      say();
      send(got.rating, function (answer) {
        if (answer.type === "ok") { finish(thanks); return; }
        refused(answer);
        if (answer.code === "already_rated") finish(thanks);
        else if (answer.code === "not_rateable" || answer.code === "forbidden") finish(form);
      });
    });
    ["click", "input", "change", "keydown"].forEach(function (type) {
      root.addEventListener(type, function () { if (opts.onActivity) opts.onActivity(); });
    });
    say();
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
      label: function (text) { ticketLine.textContent = text; },
      // Says everything in `to` ("id" or "en"), keeping the step and the answers.
      lang: function (to) { lang = to; relabel(); }
    };
  }

  return { mount: mount, QUESTIONS: QUESTIONS, SCOPE: SCOPE };
})();
