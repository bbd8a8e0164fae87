// Board voice: plays the clips of each call (the `announce` list the coordinator sends) in
// order, one call after another. A new call waits for the one being spoken — never cuts it
// off; a recall is queued like a call; a missing clip (404, undecodable) is skipped, and a
// missing chime is synthesized, so the chime always sounds. Exposed as window.antreanVoice
// so tests and a curious technician can see what was queued and played.
"use strict";
var AntreanVoice = (function () {
  // Calls waiting to be spoken. A longer backlog is stale — the board already shows the
  // numbers — and would keep the hall listening to old calls for minutes.
  var MAX_QUEUED_CALLS = 8;
  // Kept for inspection; bounded so a board running for weeks does not grow.
  var MAX_HISTORY = 50;
  var MAX_PLAYED = 400;
  // Pause between two calls so they are heard as separate sentences.
  var GAP_BETWEEN_CALLS_MS = 700;

  var Ctx = window.AudioContext || window.webkitAudioContext;
  var ctx = Ctx ? new Ctx() : null;
  var buffers = {};
  var listeners = [];
  var api = {
    history: [],   // every call queued, oldest first: arrays of clip names
    played: [],    // clips in the order they sounded; "name:missing" when skipped
    queue: [],
    playing: false,
    dropped: 0,
    state: function () { return ctx ? ctx.state : "unsupported"; },
    blocked: function () { return !!ctx && ctx.state !== "running"; },
    enqueue: enqueue,
    unlock: unlock,
    onChange: function (fn) { listeners.push(fn); fn(); }
  };

  function changed() { listeners.forEach(function (fn) { fn(); }); }
  if (ctx) ctx.onstatechange = function () { changed(); if (ctx.state === "running") pump(); };

  // Needs a user gesture when the browser blocks autoplay (a touch anywhere on the board).
  function unlock() {
    if (!ctx) return Promise.resolve();
    return ctx.resume().then(changed, changed);
  }

  function load(name) {
    if (!buffers[name]) {
      buffers[name] = fetch("/voice/id/" + encodeURIComponent(name) + ".wav")
        .then(function (r) { return r.ok ? r.arrayBuffer() : null; })
        .then(function (bytes) {
          if (!bytes) return null;
          return new Promise(function (resolve) {
            ctx.decodeAudioData(bytes, resolve, function () { resolve(null); });
          });
        })
        .catch(function () { return null; });
    }
    return buffers[name];
  }

  function playBuffer(buffer) {
    return new Promise(function (resolve) {
      var source = ctx.createBufferSource();
      source.buffer = buffer;
      source.connect(ctx.destination);
      var done = false;
      function finish() { if (!done) { done = true; resolve(); } }
      source.onended = finish;
      // Safety net: some audio outputs never report the end; never let the queue stall.
      setTimeout(finish, buffer.duration * 1000 + 500);
      source.start();
    });
  }

  // Ding-dong from oscillators, for a board whose chime file is missing.
  function synthChime() {
    var t = ctx.currentTime;
    [[659.25, 0], [523.25, 0.5]].forEach(function (tone) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.3, t + tone[1]);
      gain.gain.exponentialRampToValueAtTime(0.001, t + tone[1] + 0.7);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(t + tone[1]);
      osc.stop(t + tone[1] + 0.75);
    });
    return new Promise(function (resolve) { setTimeout(resolve, 1300); });
  }

  function note(entry) {
    api.played.push(entry);
    if (api.played.length > MAX_PLAYED) api.played.splice(0, api.played.length - MAX_PLAYED);
  }

  function playClip(name) {
    return load(name).then(function (buffer) {
      if (buffer) { note(name); return playBuffer(buffer); }
      note(name + ":missing");
      if (name === "chime") return synthChime();
    });
  }

  function enqueue(clips) {
    if (!clips || !clips.length) return;
    api.history.push(clips.slice());
    if (api.history.length > MAX_HISTORY) api.history.shift();
    api.queue.push(clips.slice());
    while (api.queue.length > MAX_QUEUED_CALLS) { api.queue.shift(); api.dropped++; }
    if (ctx) clips.forEach(load); // fetch while the previous call is still speaking
    pump();
  }

  function pump() {
    if (api.playing || !ctx || ctx.state !== "running" || !api.queue.length) return;
    api.playing = true;
    changed();
    var clips = api.queue.shift();
    var chain = Promise.resolve();
    clips.forEach(function (name) { chain = chain.then(function () { return playClip(name); }); });
    chain.catch(function () {}).then(function () {
      setTimeout(function () { api.playing = false; changed(); pump(); }, GAP_BETWEEN_CALLS_MS);
    });
  }

  window.antreanVoice = api;
  return api;
})();
