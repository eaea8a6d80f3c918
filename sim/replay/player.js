/* The replay player: rebuilds each entity's events from the embedded JSON, applies the event log's
   state rule (an entity's state at t is its last event with time <= t) and draws everyone on the
   site's schematic. Counters are elements with data-zone="..." whose text is the number. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("replay-data").textContent);
  var L = D.layout, W = D.words, M = D.meta;

  /* ---- the events, entity by entity (patterns, delta-encoded seconds, resources) ---- */
  var N = D.n, P = D.patterns, HR = D.has_res, SO = D.state_of;
  var start = new Int32Array(N + 1), total = 0, i, j, k;
  for (i = 0; i < N; i++) { start[i] = total; total += P[D.pat[i]].length; }
  start[N] = total;
  var code = new Uint8Array(total), T = new Float64Array(total), R = new Int32Array(total);
  var di = 0, ri = 0;
  for (i = 0; i < N; i++) {
    var p = P[D.pat[i]], t = D.t0;
    for (j = 0; j < p.length; j++) {
      k = start[i] + j;
      t += D.dt[di++];
      T[k] = t;
      code[k] = p[j];
      R[k] = HR[p[j]] ? D.res[ri++] : 0;
    }
  }
  var E = {}, S = {};
  D.events.forEach(function (name, n) { E[name] = n; });
  D.states.forEach(function (name, n) { S[name] = n; });
  var RES = D.resources; /* per resource: [gate index, number, post kind, post number] */

  var KIND = { person: 0, staff: 1, tube: 2, other: 3 };
  var ROLE = { registrar: 1, sampler: 2, entry_checker: 3 };
  var kindOf = new Uint8Array(N), roleOf = new Uint8Array(N), colourOf = [];
  D.classes.forEach(function (c) { colourOf.push(c.colour); });
  var firstSwab = new Float64Array(N);
  for (i = 0; i < N; i++) {
    var c = D.classes[D.cls[i]];
    kindOf[i] = KIND[c.kind];
    roleOf[i] = ROLE[c.role] || 0;
    firstSwab[i] = Infinity;
    for (k = start[i]; k < start[i + 1]; k++) {
      if (code[k] === E.swab_end) { firstSwab[i] = T[k]; break; }
    }
  }

  /* courier trips, from the tubes: picked up together, at the lab together */
  var tripsBy = {};
  for (i = 0; i < N; i++) {
    if (kindOf[i] !== KIND.tube) continue;
    for (k = start[i]; k < start[i + 1]; k++) {
      if (code[k] !== E.courier_pickup) continue;
      var trip = tripsBy[T[k]] || (tripsBy[T[k]] = { p: T[k], a: T[k], n: 0 });
      trip.n += 1;
      if (k + 1 < start[i + 1] && code[k + 1] === E.lab_arrival) trip.a = Math.max(trip.a, T[k + 1]);
    }
  }
  var trips = Object.keys(tripsBy).map(function (key) { return tripsBy[key]; });
  trips.sort(function (a, b) { return a.p - b.p; });

  var nStations = L.stations.length, nLanes = L.lanes.length, nGates = L.gates.length;
  var hasReg = M.staff_roles.indexOf("registrar") >= 0, hasSmp = M.staff_roles.indexOf("sampler") >= 0;

  /* ---- the state of everyone at t ---- */
  var cur = new Int32Array(N);
  for (i = 0; i < N; i++) cur[i] = start[i] - 1;

  function locate(e, t) {
    var at = cur[e], a = start[e], b = start[e + 1];
    while (at + 1 < b && T[at + 1] <= t) at++;
    while (at >= a && T[at] > t) at--;
    cur[e] = at;
    return at;
  }

  function lists(n) { var out = []; for (var q = 0; q < n; q++) out.push([]); return out; }

  function scan(t) {
    var s = {
      arriving: [], checked: [], outside: [], waiting: [], isolation: [], leaving: [], buffer: [], walkOut: [],
      walkBack: [], gates: lists(nGates), lanes: lists(nLanes + 1), reg: lists(nStations + 1),
      smp: lists(nStations + 1), regOn: new Int32Array(nStations + 1), smpOn: new Int32Array(nStations + 1),
      laneOn: new Int32Array(nLanes + 1), atStation: new Int32Array(nStations + 1),
      n: { waiting: 0, outside: 0, isolation: 0, entry: 0, buffer: 0, "on-duty": 0, box: 0, road: 0, lab: 0,
           results: 0, swabbed: 0 }
    };
    for (var e = 0; e < N; e++) {
      if (firstSwab[e] <= t) s.n.swabbed++;
      var at = locate(e, t);
      if (at < start[e]) continue;
      var st = SO[code[at]], kind = kindOf[e], res = RES[R[at]];
      if (kind === KIND.person) {
        if (st === S.waiting) { s.waiting.push(e); s.n.waiting++; }
        else if (st === S.outside) { s.outside.push(e); s.n.outside++; }
        else if (st === S.gate) { if (res[0] >= 0) s.gates[res[0]].push(e); }
        else if (st === S.at_station) {
          var station = res[1];
          if (station >= 1 && station <= nStations) {
            s.atStation[station]++;
            (code[at] === E.station_start ? s.reg : s.smp)[station].push(e);
          }
        }
        else if (st === S.entry_queue) { s.arriving.push(e); s.n.entry++; }
        else if (st === S.entry_check) {
          s.n.entry++;
          if (res[1] >= 1 && res[1] <= nLanes) s.lanes[res[1]].push(e); else s.arriving.push(e);
        }
        else if (st === S.checked) { s.checked.push(e); s.n.entry++; }
        else if (st === S.isolation) { s.isolation.push(e); s.n.isolation++; }
        else if (st === S.leaving) s.leaving.push(e);
        else if (st === S.walking && at + 1 < start[e + 1]) {
          if (code[at] === E.gate_out) s.walkOut.push(e);
          else if (code[at] === E.depart) s.walkBack.push(e);
        }
      } else if (kind === KIND.staff) {
        if (st === S.on_duty) {
          s.n["on-duty"]++;
          if (res[2] === 1 && res[3] <= nStations) {
            if (roleOf[e] === ROLE.registrar) s.regOn[res[3]]++;
            else if (roleOf[e] === ROLE.sampler) s.smpOn[res[3]]++;
          } else if (res[2] === 2 && res[3] <= nLanes) s.laneOn[res[3]]++;
        } else if (st === S.changing) { s.buffer.push(e); s.n.buffer++; }
      } else if (kind === KIND.tube) {
        if (st === S.in_box) s.n.box++;
        else if (st === S.on_road) s.n.road++;
        else if (st === S.at_lab) s.n.lab++;
        else if (st === S.done) s.n.results++;
      }
    }
    var busy = 0, closed = 0, g;
    for (var st2 = 1; st2 <= nStations; st2++) {
      if (s.atStation[st2] > 0) busy++;
      if ((hasReg && s.regOn[st2] === 0) || (hasSmp && s.smpOn[st2] === 0)) closed++;
    }
    s.n["stations-busy"] = busy;
    s.n["stations-closed"] = closed;
    for (g = 0; g < nGates; g++) s.n["gate:" + L.gates[g].name] = s.gates[g].length;
    var done = 0;
    for (g = 0; g < trips.length; g++) if (trips[g].p <= t) done++;
    s.n.trips = done;
    return s;
  }

  /* ---- drawing ---- */
  var canvas = document.getElementById("dots"), svg = document.getElementById("site");
  var ctx = canvas.getContext("2d");
  var px = new Float32Array(N), py = new Float32Array(N), stamp = new Int32Array(N);
  var frame = 1, scale = 1, snap = true, alpha = 1;
  var font = getComputedStyle(document.body).getPropertyValue("--font") || "sans-serif";

  var fitted = "";
  function fit() {
    var box = svg.getBoundingClientRect(), ratio = window.devicePixelRatio || 1;
    var size = box.width + "x" + box.height + "x" + ratio;
    if (size === fitted) return;
    fitted = size;
    /* the drawing keeps its proportions inside the svg's box (centred, as preserveAspectRatio does) */
    scale = Math.min(box.width / L.W, box.height / L.H);
    var ox = (box.width - L.W * scale) / 2, oy = (box.height - L.H * scale) / 2;
    canvas.style.left = svg.offsetLeft + "px";
    canvas.style.top = svg.offsetTop + "px";
    canvas.style.width = box.width + "px";
    canvas.style.height = box.height + "px";
    canvas.width = Math.max(1, Math.round(box.width * ratio));
    canvas.height = Math.max(1, Math.round(box.height * ratio));
    ctx.setTransform(scale * ratio, 0, 0, scale * ratio, ox * ratio, oy * ratio);
  }

  var paths = [];
  function dot(e, x, y) {
    if (snap || stamp[e] !== frame - 1) { px[e] = x; py[e] = y; }
    else { px[e] += (x - px[e]) * alpha; py[e] += (y - py[e]) * alpha; }
    stamp[e] = frame;
    var cls = D.cls[e], path = paths[cls] || (paths[cls] = new Path2D());
    path.moveTo(px[e] + 3, py[e]);
    path.arc(px[e], py[e], 3, 0, 2 * Math.PI);
  }

  function byTime(list) {
    list.sort(function (a, b) { return (T[cur[a]] - T[cur[b]]) || (a - b); });
    return list;
  }

  var moreEls = {}, moreNow = {};
  Array.prototype.forEach.call(document.querySelectorAll("[data-more]"), function (el) {
    moreEls[el.getAttribute("data-more")] = el;
  });
  function more(key, n) { moreNow[key] = (moreNow[key] || 0) + n; }

  /* a grid zone: slot j from the front (top right), in rows that turn like a queue's lanes */
  function fill(key, list, grid, serpentine) {
    var cap = grid.slots, shown = list.length > cap ? cap - 1 : list.length;
    for (var q = 0; q < shown; q++) {
      var row = Math.floor(q / grid.cols), col = q % grid.cols;
      var xcol = serpentine && row % 2 === 1 ? col : grid.cols - 1 - col;
      dot(list[q], grid.x0 + (xcol + 0.5) * grid.dx, grid.y0 + (row + 0.5) * grid.dy);
    }
    if (list.length > shown) more(key, list.length - shown);
  }

  function along(points, f) {
    var lengths = [], sum = 0, q;
    for (q = 1; q < points.length; q++) {
      var l = Math.hypot(points[q][0] - points[q - 1][0], points[q][1] - points[q - 1][1]);
      lengths.push(l);
      sum += l;
    }
    var goal = Math.max(0, Math.min(1, f)) * sum;
    for (q = 1; q < points.length; q++) {
      if (goal <= lengths[q - 1] || q === points.length - 1) {
        var u = lengths[q - 1] ? goal / lengths[q - 1] : 0;
        return [points[q - 1][0] + (points[q][0] - points[q - 1][0]) * u,
                points[q - 1][1] + (points[q][1] - points[q - 1][1]) * u];
      }
      goal -= lengths[q - 1];
    }
    return points[points.length - 1];
  }

  function progress(e, t) {
    var at = cur[e], t0 = T[at], t1 = T[at + 1];
    return t1 > t0 ? (t - t0) / (t1 - t0) : 1;
  }

  var MAX_WALKERS = 300;
  function walkers(s, t) {
    if (!nGates) return;
    var shown = 0, e, q, g, at, pos;
    for (q = 0; q < s.walkOut.length && shown < MAX_WALKERS; q++, shown++) {
      e = s.walkOut[q]; g = L.gates[RES[R[cur[e]]][0]];
      if (!g) continue;
      pos = along([[g.x + g.w, g.cy], [L.road_x, g.cy], [L.entrance.x, L.entrance.y]], progress(e, t));
      dot(e, pos[0], pos[1]);
    }
    for (q = 0; q < s.walkBack.length && shown < MAX_WALKERS; q++, shown++) {
      e = s.walkBack[q]; at = cur[e];
      g = code[at + 1] === E.gate_join ? L.gates[RES[R[at + 1]][0]] : null;
      if (!g) continue;
      pos = along([[L.exit.x, L.exit.y], [L.exit.x, L.bottom_y], [L.road_x, L.bottom_y], [L.road_x, g.cy],
                   [g.x + g.w, g.cy]], progress(e, t));
      dot(e, pos[0], pos[1]);
    }
    var hidden = s.walkOut.length + s.walkBack.length - shown;
    if (hidden > 0) more("walking", hidden);
  }

  function gates(s) {
    for (var g = 0; g < nGates; g++) {
      var gate = L.gates[g], list = byTime(s.gates[g]), room = Math.max(1, Math.floor((gate.q1 - gate.q0) / 7));
      var shown = list.length > room ? room - 1 : list.length;
      for (var q = 0; q < shown; q++) dot(list[q], gate.q1 - q * 7, gate.cy);
      if (list.length > shown) more("gate:" + gate.name, list.length - shown);
    }
  }

  var stationEls = document.querySelectorAll("[data-station]"), laneEls = document.querySelectorAll("[data-lane]");
  function mark(el, name, value) { if (el.getAttribute(name) !== value) el.setAttribute(name, value); }
  function post(staffed, busy) { return !staffed ? "off" : busy ? "busy" : "idle"; }

  function stations(s) {
    for (var n = 1; n <= nStations; n++) {
      var st = L.stations[n - 1], el = stationEls[n - 1];
      var regStaffed = !hasReg || s.regOn[n] > 0, smpStaffed = !hasSmp || s.smpOn[n] > 0;
      mark(el, "data-reg", post(regStaffed, s.reg[n].length > 0));
      mark(el, "data-smp", post(smpStaffed, s.smp[n].length > 0));
      var label = !regStaffed && !smpStaffed ? W.closed_count : !smpStaffed ? W.no_sampler :
        !regStaffed ? W.no_registrar : "";
      var text = el.querySelector(".closed-label");
      if (text.textContent !== label) text.textContent = label;
      for (var q = 0; q < s.reg[n].length; q++) dot(s.reg[n][q], st.reg_person - q * 6, st.cy);
      for (q = 0; q < s.smp[n].length; q++) dot(s.smp[n][q], st.smp_person - q * 6, st.cy);
    }
  }

  function entry(s) {
    fill("arriving", byTime(s.arriving), L.arriving.grid, false);
    for (var n = 1; n <= nLanes; n++) {
      var lane = L.lanes[n - 1];
      mark(laneEls[n - 1], "data-checker", post(!M.lane_posts || s.laneOn[n] > 0, s.lanes[n].length > 0));
      for (var q = 0; q < s.lanes[n].length; q++) dot(s.lanes[n][q], lane.person - q * 6, lane.cy);
    }
    var x = L.entry ? L.entry.x + L.entry.w - 6 : L.arriving.x + L.arriving.w;
    for (q = 0; q < s.checked.length; q++) dot(s.checked[q], x, L.entrance.y + 8 * (q % 10));
  }

  function staff(s) {
    if (!L.buffer) return;
    var grid = L.buffer.grid, list = byTime(s.buffer);
    var shown = Math.min(list.length, grid.slots);
    ctx.fillStyle = "#047857";
    for (var q = 0; q < shown; q++) {
      var x = grid.x0 + ((q % grid.cols) + 0.5) * grid.dx, y = grid.y0 + (Math.floor(q / grid.cols) + 0.5) * grid.dy;
      ctx.fillRect(x - 5, y - 5, 10, 10);
    }
    if (list.length > shown) more("buffer", list.length - shown);
  }

  function samples(s, t) {
    if (!L.boxes) return;
    var z = L.boxes, cap = z.capacity, n = s.n.box, full = Math.floor(n / cap), part = n % cap;
    var boxes = full + (part > 0 ? 1 : 0), shown = boxes > 9 ? 8 : boxes;
    for (var b = 0; b < shown; b++) {
      var x = z.x + 10 + (b % 3) * 60, y = z.y + 14 + Math.floor(b / 3) * 58, count = b < full ? cap : part;
      ctx.strokeStyle = "#7c3aed"; ctx.lineWidth = 1.2;
      ctx.fillStyle = "#ffffff"; ctx.fillRect(x, y, 54, 46); ctx.strokeRect(x, y, 54, 46);
      ctx.fillStyle = "#c4b5fd"; ctx.fillRect(x + 1, y + 45 - 44 * count / cap, 52, 44 * count / cap);
      ctx.font = "bold 12px " + font; ctx.fillStyle = "#3b0764"; ctx.textBaseline = "middle";
      ctx.fillText(String(count), x + 27 - ctx.measureText(String(count)).width / 2, y + 23);
    }
    if (boxes > shown) more("box", boxes - shown);
    var road = L.road;
    for (var q = 0; q < trips.length; q++) {
      var trip = trips[q], leg = trip.a - trip.p, f = -1, loaded = true;
      if (t >= trip.p && t < trip.a) f = leg > 0 ? (t - trip.p) / leg : 1;
      else if (t >= trip.a && t < trip.a + leg) { f = 1 - (t - trip.a) / leg; loaded = false; }
      if (f < 0) continue;
      var vy = road.y0 + f * (road.y1 - road.y0);
      ctx.fillStyle = loaded ? "#7c3aed" : "#ffffff"; ctx.strokeStyle = "#7c3aed"; ctx.lineWidth = 1.5;
      ctx.fillRect(road.x - 14, vy - 9, 28, 18); ctx.strokeRect(road.x - 14, vy - 9, 28, 18);
      if (loaded) {
        ctx.font = "bold 10px " + font; ctx.fillStyle = "#ffffff"; ctx.textBaseline = "middle";
        ctx.fillText(String(trip.n), road.x - ctx.measureText(String(trip.n)).width / 2, vy);
      }
    }
  }

  function zones(s) {
    if (L.outside) fill("outside", byTime(s.outside), L.outside.grid, true);
    fill("waiting", byTime(s.waiting), L.waiting.grid, true);
    if (L.isolation) fill("isolation", byTime(s.isolation), L.isolation.grid, false);
    for (var q = 0; q < s.leaving.length; q++) dot(s.leaving[q], L.exit.x - 12 - 7 * (q % 4), L.exit.y + 8);
  }

  /* ---- counters and clock ---- */
  var counters = {};
  Array.prototype.forEach.call(document.querySelectorAll("[data-zone]"), function (el) {
    counters[el.getAttribute("data-zone")] = el;
  });
  var clockEl = document.getElementById("clock"), slider = document.getElementById("time");
  var nowLine = document.getElementById("now"), playButton = document.getElementById("play");

  function clockText(t, seconds) {
    var total = Math.floor(M.open_s + t + 1e-9), sign = total < 0 ? "-" : "";
    total = Math.abs(total);
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), sec = total % 60;
    var text = sign + (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
    if (seconds === true || (seconds !== false && sec)) text += ":" + (sec < 10 ? "0" : "") + sec;
    return text;
  }

  var now = M.start, playing = false, speed = 60, lastReal = 0;

  function render(t) {
    var s = scan(t);
    paths = [];
    moreNow = {};
    fit();
    ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.clearRect(0, 0, canvas.width, canvas.height); ctx.restore();
    gates(s); walkers(s, t); entry(s); zones(s); stations(s); staff(s); samples(s, t);
    for (var c = 0; c < paths.length; c++) {
      if (!paths[c]) continue;
      ctx.fillStyle = colourOf[c];
      ctx.fill(paths[c]);
    }
    for (var key in counters) {
      if (!Object.prototype.hasOwnProperty.call(counters, key)) continue;
      var v = s.n[key] === undefined ? 0 : s.n[key], text = String(v);
      if (counters[key].textContent !== text) counters[key].textContent = text;
    }
    for (var name in moreEls) {
      if (!Object.prototype.hasOwnProperty.call(moreEls, name)) continue;
      var hidden = moreNow[name] || 0, words = hidden > 0 ? W.more.replace("{n}", String(hidden)) : "";
      if (moreEls[name].textContent !== words) moreEls[name].textContent = words;
    }
    clockEl.textContent = clockText(t, true);
    slider.value = String(Math.round(t));
    var span = D.t1 - D.t0 || 1;
    nowLine.setAttribute("x1", String(1000 * (t - D.t0) / span));
    nowLine.setAttribute("x2", String(1000 * (t - D.t0) / span));
    frame++;
    snap = false;
  }

  /* ---- controls ---- */
  function setPlaying(on, quiet) {
    var was = playing;
    playing = on;
    playButton.textContent = (on ? "❚❚ " : "▶ ") + playButton.getAttribute(on ? "data-pause" : "data-play");
    if (on && !was) { if (now >= D.t1) now = D.t0; lastReal = performance.now(); requestAnimationFrame(tick); }
    else if (!on && !quiet) remember();
  }

  function remember() {
    try { history.replaceState(null, "", "#t=" + clockText(Math.round(now))); } catch (err) { return; }
  }

  function seek(t) {
    now = Math.max(D.t0, Math.min(D.t1, t));
    snap = true;
    render(now);
  }

  function tick(real) {
    if (!playing) return;
    var dt = Math.min(0.25, Math.max(0, (real - lastReal) / 1000));
    lastReal = real;
    alpha = 1 - Math.exp(-dt * 9);
    now += dt * speed;
    if (now >= D.t1) { now = D.t1; render(now); setPlaying(false); return; }
    render(now);
    requestAnimationFrame(tick);
  }

  function fromHash() {
    var m = /^#t=(-?)(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(location.hash);
    if (!m) return null;
    var secs = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] || 0)) * (m[1] ? -1 : 1);
    return secs - M.open_s;
  }

  playButton.addEventListener("click", function () { setPlaying(!playing); });
  document.getElementById("speed").addEventListener("change", function (ev) { speed = Number(ev.target.value); });
  document.getElementById("back").addEventListener("click", function () { seek(now - 300); if (!playing) remember(); });
  document.getElementById("forward").addEventListener("click", function () { seek(now + 300); if (!playing) remember(); });
  slider.addEventListener("input", function () { seek(Number(slider.value)); });
  slider.addEventListener("change", function () { if (!playing) remember(); });
  document.getElementById("curve").addEventListener("click", function (ev) {
    var box = ev.currentTarget.getBoundingClientRect();
    seek(D.t0 + (D.t1 - D.t0) * (ev.clientX - box.left) / box.width);
    if (!playing) remember();
  });
  window.addEventListener("hashchange", function () {
    var at = fromHash();
    if (at === null) return;
    setPlaying(false);
    seek(at);
  });
  window.addEventListener("resize", function () { snap = true; render(now); });
  document.addEventListener("keydown", function (ev) {
    if (ev.target && (ev.target.tagName === "SELECT" || ev.target.tagName === "INPUT")) return;
    if (ev.key === " ") { ev.preventDefault(); setPlaying(!playing); }
    else if (ev.key === "ArrowRight") seek(now + (ev.shiftKey ? 600 : 60));
    else if (ev.key === "ArrowLeft") seek(now - (ev.shiftKey ? 600 : 60));
  });

  /* for pages that embed or drive the replay: seek(seconds since opening), the time shown, the counters */
  window.replay = {
    seek: function (t) { setPlaying(false, true); seek(t); },
    time: function () { return now; },
    play: function () { setPlaying(true); },
    pause: function () { setPlaying(false); },
    counters: function () { return scan(now).n; }
  };

  var linked = fromHash();
  seek(linked === null ? M.start : linked);
  document.documentElement.setAttribute("data-ready", "1");
  performance.mark("replay-interactive");
  document.documentElement.setAttribute("data-interactive-ms", performance.now().toFixed(1));
})();
