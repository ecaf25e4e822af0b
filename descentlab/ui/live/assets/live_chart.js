// A live Plotly chart that updates in place. Streamlit calls this function again on every update
// with the same parentElement, so all state lives on that element: one div, drawn with
// Plotly.react, never re-created (re-creating it is what makes st.plotly_chart blink).
const READY_EVENT = "descentlab:plotly-ready";
const DRAWN_EVENT = "descentlab:drawn";
const XLINK = "http://www.w3.org/1999/xlink";
// The modebar stays, with "Download plot as PNG" (students export figures from it), zoom, pan
// and reset. Gone: the logo, buttons that only crowd narrow charts, and plotly.js 4's "Share
// chart" (it uploads the figure to Plotly Cloud).
const CONFIG = {
  displaylogo: false,
  responsive: true,
  showSendToCloud: false,
  modeBarButtonsToRemove: ["zoomIn2d", "zoomOut2d", "autoScale2d", "select2d", "lasso2d"],
};
const GROW_FROM = 720; // px of window height a page's chart heights are chosen for (descentlab/ui/screen_fit.py)
const TITLED_TOP = 64; // px: the title sits under the modebar instead of behind it
const UNTITLED_TOP = 36;
const decoder = new TextDecoder();
const colorProbe = document.createElement("canvas").getContext("2d");
let themeCache = { key: null, template: null };
// Where live frames find this chart (assets/frame_pump.js): key -> take new data, resolve when drawn
const live = (window.__descentlabLive ||= { targets: new Map() });
live.owners ||= new Map(); // key -> the chart state that holds it (targets' entries are its take functions)

function plotlyReady() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  return new Promise((resolve) =>
    window.addEventListener(READY_EVENT, () => resolve(window.Plotly), { once: true }));
}

// Any CSS colour as rgba() with the given alpha (Plotly cannot parse color-mix()).
function withAlpha(color, alpha) {
  colorProbe.fillStyle = "#000";
  colorProbe.fillStyle = color;
  const c = colorProbe.fillStyle; // "#rrggbb" or "rgba(r, g, b, a)"
  if (c.startsWith("#")) {
    const n = parseInt(c.slice(1), 16);
    return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  return c.replace(/rgba?\(([^,]+),([^,]+),([^,)]+).*\)/, `rgba($1,$2,$3, ${alpha})`);
}

// Streamlit's theme only reaches us as --st-* CSS variables; turn them into a Plotly template.
// The same object is reused while the theme is unchanged.
function themeTemplate(el) {
  const css = getComputedStyle(el);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const text = v("--st-text-color", "#31333f");
  const font = v("--st-font", "sans-serif");
  const base = parseFloat(v("--st-base-font-size", "16")) || 16;
  const colors = v("--st-chart-categorical-colors", "");
  const key = [text, font, base, colors].join("|");
  if (themeCache.key === key) return themeCache.template;
  const axis = {
    gridcolor: withAlpha(text, 0.12),
    zerolinecolor: withAlpha(text, 0.35),
    linecolor: withAlpha(text, 0.35),
    tickcolor: withAlpha(text, 0.35),
    automargin: true,
    title: { standoff: 8 },
  };
  const layout = {
    font: { family: font, color: text, size: Math.max(12, base - 2) },
    title: { font: { size: base + 2 }, x: 0, xref: "paper", y: 1, yref: "paper", yanchor: "bottom",
             pad: { b: 10 } },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    xaxis: axis,
    yaxis: axis,
    legend: { bgcolor: "rgba(0,0,0,0)" },
    hoverlabel: { font: { family: font } },
    modebar: { bgcolor: "rgba(0,0,0,0)", color: withAlpha(text, 0.45), activecolor: text },
    margin: { t: TITLED_TOP, r: 16, b: 48, l: 56 },
  };
  if (colors) {
    // Streamlit's palette alternates strong and pale shades (#0068c9, #83c9ff, ...); strong ones
    // first, so two classes read apart on a projector.
    const list = colors.split(",").map((c) => c.trim());
    layout.colorway = [...list.filter((_, i) => i % 2 === 0), ...list.filter((_, i) => i % 2)];
  }
  themeCache = { key, template: { layout, data: {} } };
  return themeCache.template;
}

// Plotly's own "Download plot as PNG" exports the figure as drawn, and our paper is transparent:
// in the dark theme that PNG would be light text on nothing. Give the export the page background,
// and the canvas lines their points (withRealPoints). This capture listener runs before the
// button's handler, which copies gd.data and gd.layout synchronously.
function prepareExport(ev) {
  const gd = ev.currentTarget;
  const button = ev.target.closest && ev.target.closest(".modebar-btn");
  if (!button || !/^Download plot/.test(button.getAttribute("data-title") || "")) return;
  const state = gd.parentElement && gd.parentElement.__descentlabChart;
  if (state) withRealPoints(state);
  if (!gd.layout || gd.layout.paper_bgcolor !== undefined) return; // the figure chose its own
  const layout = gd.layout;
  layout.paper_bgcolor = getComputedStyle(gd).getPropertyValue("--st-background-color").trim() || "#fff";
  setTimeout(() => delete layout.paper_bgcolor, 0);
}

// The figure's own template (if any) laid over the theme one: what it leaves unset, such as the
// text colour in a template that only sets sizes, still follows the page theme. The merged object
// is kept while neither changes: a new template object makes Plotly.react recompute everything.
function withTheme(state, theme, own) {
  if (!own) return theme;
  const ownKey = JSON.stringify(own);
  if (state.merged && state.merged.theme === theme && state.merged.ownKey === ownKey) {
    return state.merged.template;
  }
  const merge = (base, top) => {
    const out = { ...base };
    for (const [k, v] of Object.entries(top)) {
      const b = out[k];
      out[k] = v && b && typeof v === "object" && typeof b === "object" && !Array.isArray(v)
        && !Array.isArray(b) ? merge(b, v) : v;
    }
    return out;
  };
  const template = { data: own.data || {}, layout: merge(theme.layout, own.layout || {}) };
  state.merged = { theme, ownKey, template };
  return template;
}

const TYPED = { f4: Float32Array, f8: Float64Array, u1: Uint8Array, i1: Int8Array, u2: Uint16Array,
                i2: Int16Array, u4: Uint32Array, i4: Int32Array };

function decodeSpec(spec) {
  const bytes = Uint8Array.from(atob(spec.bdata), (c) => c.charCodeAt(0));
  return new TYPED[spec.dtype](bytes.buffer);
}

// Replace every 1-D base64 array of the figure (numpy arrays arrive as {dtype, bdata}) by a typed
// array, reusing the one from the previous draw when the text is identical. Plotly.react counts
// any new array object as changed data and recomputes the whole chart; an unchanged array that
// keeps its identity lets it redraw only what did change (the surface image, say, and not the
// few hundred data points over it).
function reuseArrays(node, previous, current) {
  for (const [k, v] of Object.entries(node)) {
    if (!v || typeof v !== "object" || ArrayBuffer.isView(v)) continue;
    if (typeof v.bdata === "string" && TYPED[v.dtype] && (v.shape === undefined || !String(v.shape).includes(","))) {
      const key = `${v.dtype}:${v.bdata}`;
      const arr = previous.get(key) || current.get(key) || decodeSpec(v);
      current.set(key, arr);
      node[k] = arr;
    } else {
      reuseArrays(v, previous, current);
    }
  }
}

// A typed array the message already holds comes as {"same": k}: the k-th typed-array spec met in a
// depth-first walk, in key order (descentlab.ui.live.elements._jsonable writes it so). The cost
// chart's four lines share one iteration array; it crosses the network once.
function resolveSame(node, specs = []) {
  const items = Array.isArray(node) ? node.entries() : Object.entries(node);
  for (const [k, v] of items) {
    if (!v || typeof v !== "object" || ArrayBuffer.isView(v)) continue;
    if (typeof v.bdata === "string" && typeof v.dtype === "string") specs.push(v);
    else if (typeof v.same === "number" && Object.keys(v).length === 1) node[k] = specs[v.same];
    else resolveSame(v, specs);
  }
  return node;
}

function schedule(state) {
  // One draw per animation frame at most; while one is pending, newer messages replace older ones.
  if (state.frame || state.busy || !state.next) return;
  state.frame = requestAnimationFrame(() => {
    state.frame = 0;
    draw(state);
  });
}

async function draw(state) {
  const raw = state.next;
  state.next = null;
  state.busy = true;
  try {
    const text = decoder.decode(raw); // only the newest message is ever parsed
    if (state.resized) {
      // Drawn again from scratch: Plotly's own resize keeps the margins a wrapped legend pushed
      // at the old width, so after a window resize (or the sidebar closing) the legend sat on the
      // plot. Only on a resize: frames keep their cheap paths.
      state.resized = false;
      window.Plotly.purge(state.div);
      Object.assign(state, { drawnKey: null, drawnText: null, clickBound: false, canvas: null });
    }
    state.lastRaw = raw;
    await drawMessage(state, resolveSame(JSON.parse(text)), text);
  } catch (err) {
    console.error("descentlab live_chart: draw failed", err);
  } finally {
    state.busy = false;
    schedule(state);
    settle(state);
  }
}

// A new width (the window, the sidebar opening or closing) draws the newest figure again from
// scratch, once the width has stopped changing for a moment.
const RESIZE_SETTLE_MS = 150;
function watchWidth(state) {
  let width = null, timer = 0;
  new ResizeObserver(([entry]) => {
    const now = Math.round(entry.contentRect.width);
    if (width === null || now === width || now === 0) { width = width ?? now; return; }
    width = now;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!state.lastRaw || !window.Plotly) return;
      state.resized = true;
      state.next = state.next || state.lastRaw;
      schedule(state);
    }, RESIZE_SETTLE_MS);
  }).observe(state.div);
}

// A chart out of sight (scrolled away, or in a collapsed panel: display none) is left out of the
// frames: frame_pump.js names the unseen keys in each request and the server makes no part for them.
// The margin fetches a chart a little before it scrolls in, so it is current when it shows.
// Only the chart that holds its key says so: a page run may replace a chart's element, and the old
// one's "out of sight" (it left the page) can come after the new one's "in sight".
function watchSight(state) {
  live.unseen ||= new Set();
  new IntersectionObserver(([entry]) => {
    state.seen = entry.isIntersecting;
    if (!state.name || live.owners.get(state.name) !== state) return;
    if (state.seen) live.unseen.delete(state.name);
    else live.unseen.add(state.name);
  }, { rootMargin: "200px" }).observe(state.div);
}

// Resolves once nothing is waiting to be drawn (for the frame pump's pace).
function whenIdle(state) {
  if (!state.busy && !state.frame && !state.next) return Promise.resolve();
  return new Promise((resolve) => state.idle.push(resolve));
}

function settle(state) {
  if (state.busy || state.frame || state.next) return;
  state.idle.splice(0).forEach((resolve) => resolve());
}

// One missing point: Plotly hides a trace with no points at all (and its legend entry), and draws
// nothing for this one. Always the same object, so Plotly never sees its data change.
const NO_POINTS = new Float64Array([NaN]);
const EMPTY = new Float64Array(0);

// Line traces drawn on a canvas instead of by Plotly (msg.canvasLines, used while training plays).
// A growing line is new data every frame, and Plotly redraws a chart whose data changed from
// scratch: axes, tick labels, legend (~45 ms for the cost chart here). With the lines on a canvas
// over the plot area, Plotly keeps traces whose x and y never change (so the legend, colours and
// legend clicks still work) and its axes; the figure must give the axis ranges (autorange would
// fit the empty traces). Returns the lines' arrays, taken out of the figure.
function takeLines(msg) {
  if (!msg.canvasLines) return [];
  const lines = [];
  (msg.figure.data || []).forEach((trace, index) => {
    const markers = trace.mode === "lines+markers"; // a variant's shape at a few points (descentlab/viz/variants.py)
    if ((trace.type || "scatter") !== "scatter" || (trace.mode !== "lines" && !markers)) return;
    // a cost curve of one point is "lines+markers" with Plotly's default marker (no sizes of its own)
    const sized = markers && trace.marker && trace.marker.size !== undefined;
    lines.push({ index, x: trace.x, y: trace.y, sizes: sized ? trace.marker.size : null });
    trace.x = null; // placeholders until the draw: the message's text must not depend on them
    trace.y = null;
    if (sized) trace.marker.size = null;
  });
  return lines;
}

function asArray(v) {
  if (!v) return EMPTY;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return v;
  return typeof v.bdata === "string" && TYPED[v.dtype] ? decodeSpec(v) : EMPTY;
}

// Plotly's dash patterns (Drawing.dashStyle), in CSS pixels.
function dashPattern(dash, width) {
  const d = Math.max(width, 3);
  const named = { solid: [], dot: [d, d], dash: [3 * d, 3 * d], longdash: [5 * d, 5 * d],
                  dashdot: [3 * d, d, d, d], longdashdot: [5 * d, 2 * d, d, 2 * d] };
  if (named[dash]) return named[dash];
  return String(dash || "").split(/[\s,]+/).map(parseFloat).filter((n) => n >= 0);
}

// The marker shapes of descentlab/viz/variants.py VARIANT_SYMBOLS, as Plotly draws them, radius r around (x, y).
function markerPath(ctx, symbol, x, y, r) {
  const poly = (pts) => { ctx.moveTo(x + pts[0][0] * r, y + pts[0][1] * r);
    pts.slice(1).forEach(([a, b]) => ctx.lineTo(x + a * r, y + b * r)); ctx.closePath(); };
  if (symbol === "square") poly([[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]]);
  else if (symbol === "diamond") poly([[0, -1.2], [1.2, 0], [0, 1.2], [-1.2, 0]]);
  else if (symbol === "triangle-up") poly([[0, -1.15], [1.15, 0.85], [-1.15, 0.85]]);
  else if (symbol === "triangle-down") poly([[0, 1.15], [1.15, -0.85], [-1.15, -0.85]]);
  else if (symbol === "x") {
    const t = 0.3;
    poly([[-1, -1 + t], [-t, 0], [-1, 1 - t], [-1 + t, 1], [0, t], [1 - t, 1], [1, 1 - t], [t, 0],
          [1, -1 + t], [1 - t, -1], [0, -t], [-1 + t, -1]]);
  } else ctx.arc(x, y, r, 0, 2 * Math.PI);
}

function drawMarkers(ctx, trace, line, xa, ya, box) {
  const m = trace.marker || {};
  ctx.setLineDash([]);
  ctx.fillStyle = m.color || trace.line.color;
  ctx.strokeStyle = (m.line && m.line.color) || "#FFFFFF";
  ctx.lineWidth = (m.line && m.line.width) || 1;
  for (let i = 0; i < line.sizes.length && i < line.x.length; i++) {
    if (!(line.sizes[i] > 0)) continue;
    const px = xa.c2p(line.x[i]) + xa._offset - box.l;
    const py = ya.c2p(line.y[i]) + ya._offset - box.t;
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    ctx.beginPath();
    markerPath(ctx, m.symbol, px, py, line.sizes[i] / 2);
    ctx.fill();
    ctx.stroke();
  }
}

function axisOf(full, ref, letter) {
  return full[`${letter}axis${String(ref || letter).slice(1)}`];
}

function drawLines(state, lines) {
  const gd = state.div;
  let canvas = state.canvas;
  if (!lines.length) {
    if (canvas) canvas.remove();
    state.canvas = null;
    return;
  }
  const full = gd._fullLayout;
  const box = full._size;
  const ratio = window.devicePixelRatio || 1;
  if (!canvas || !canvas.isConnected) {
    canvas = document.createElement("canvas");
    canvas.className = "descentlab-lines";
    canvas.style.position = "absolute";
    canvas.style.pointerEvents = "none";
    const plotSvg = gd.querySelector(".svg-container > .main-svg");
    plotSvg.after(canvas); // over the grid and under the legend and hover labels
    state.canvas = canvas;
  }
  const pxWidth = Math.round(box.w * ratio);
  const pxHeight = Math.round(box.h * ratio);
  const ctx = canvas.getContext("2d");
  if (canvas.width !== pxWidth || canvas.height !== pxHeight || canvas.style.left !== `${box.l}px` ||
      canvas.style.top !== `${box.t}px`) {
    Object.assign(canvas.style, { left: `${box.l}px`, top: `${box.t}px`, width: `${box.w}px`, height: `${box.h}px` });
    canvas.width = pxWidth; // resizing reallocates and clears the canvas: only when the plot area moved
    canvas.height = pxHeight;
  } else {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, pxWidth, pxHeight);
  }
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.lineJoin = "round";
  for (const line of lines) {
    const trace = gd._fullData[line.index];
    if (!trace || trace.visible !== true) continue; // hidden from the legend
    const xa = axisOf(full, trace.xaxis, "x");
    const ya = axisOf(full, trace.yaxis, "y");
    const width = trace.line.width;
    if (!xa || !ya || !(width > 0)) continue;
    ctx.strokeStyle = trace.line.color;
    ctx.lineWidth = width;
    ctx.globalAlpha = trace.opacity ?? 1;
    ctx.setLineDash(dashPattern(trace.line.dash, width));
    ctx.beginPath();
    let open = false;
    for (let i = 0; i < line.x.length; i++) {
      const px = xa.c2p(line.x[i]) + xa._offset - box.l;
      const py = ya.c2p(line.y[i]) + ya._offset - box.t;
      if (!Number.isFinite(px) || !Number.isFinite(py)) { open = false; continue; } // a gap, as Plotly draws it
      if (open) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      open = true;
    }
    ctx.stroke();
    if (line.sizes) drawMarkers(ctx, trace, line, xa, ya, box);
  }
  state.lines = lines; // for the PNG export (withRealPoints)
}

// Plotly's PNG export redraws the figure from its input data, where the canvas lines have no
// points. For the export only, they get their real points, and the placeholder back right after:
// any other redraw from the input data (a zoom, a legend click) would draw stale lines under the
// canvas. Called from the export button's capture listener, before Plotly copies the data.
function withRealPoints(state) {
  const lines = (state.canvas && state.lines) || [];
  const traces = lines.map((line) => state.div.data[line.index]); // in step with lines (one may be gone)
  lines.forEach((line, i) => {
    if (!traces[i]) return;
    Object.assign(traces[i], { x: line.x, y: line.y });
    if (line.sizes) traces[i].marker = { ...traces[i].marker, size: line.sizes };
  });
  setTimeout(() => traces.forEach((trace, i) => {
    if (!trace) return;
    Object.assign(trace, { x: NO_POINTS, y: NO_POINTS });
    if (lines[i] && lines[i].sizes) trace.marker = { ...trace.marker, size: null };
  }), 0);
}

// The message with its layout images' sources, its axis ranges, its annotations' texts (and its
// caption) left out, as text. When two messages give the same text, the figures differ at most in
// their pictures (a decision surface, a unit's picture), where their axes end (a stepped axis,
// descentlab.viz.training.nice_ceiling) and what their notes say (the Activations chart's shares).
function pictureFreeKey(msg) {
  const layout = msg.figure.layout || {};
  const images = layout.images || [];
  const sources = images.map((im) => im && im.source);
  const notes = (layout.annotations || []).map((a) => a && a.text);
  const axes = Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k) && layout[k] && layout[k].range);
  const ranges = Object.fromEntries(axes.map((k) => [k, layout[k].range]));
  const caption = msg.caption;
  images.forEach((im) => { if (im) im.source = null; });
  (layout.annotations || []).forEach((a) => { if (a) a.text = null; });
  axes.forEach((k) => { layout[k].range = null; });
  msg.caption = null; // drawn by us, not Plotly
  const key = JSON.stringify(msg);
  images.forEach((im, i) => { if (im) im.source = sources[i]; });
  (layout.annotations || []).forEach((a, i) => { if (a) a.text = notes[i]; });
  axes.forEach((k) => { layout[k].range = ranges[k]; });
  msg.caption = caption;
  return { key, sources, ranges, notes };
}

// A note's text as Plotly draws it: its runs of text between tags (<span ...>, <br>), and its tags.
function noteParts(text) {
  const parts = String(text ?? "").split(/(<[^>]*>)/);
  return { runs: parts.filter((p, i) => i % 2 === 0 && p !== ""), tags: parts.filter((p, i) => i % 2 === 1) };
}

// New texts into the drawn annotations without Plotly: a relayout of an annotation's text makes
// Plotly recompute the whole chart (~16 ms for the Activations chart, as much as a react). A note
// qualifies when only its characters changed (the same tags, runs of the same lengths, no entities),
// so Plotly's tspans take the new runs one for one and its box still fits: the server writes numbers
// in a fixed width (descentlab.viz.preactivations._percent). All or nothing: returns false, changing
// nothing, when any changed note does not qualify (Plotly.react then draws it).
function swapNotes(gd, notes) {
  const full = (gd._fullLayout && gd._fullLayout.annotations) || [];
  const own = (gd.layout && gd.layout.annotations) || [];
  if (full.length !== notes.length || own.length !== notes.length) return false;
  const changes = [];
  for (let i = 0; i < notes.length; i++) {
    if (notes[i] === full[i].text) continue;
    const before = noteParts(full[i].text);
    const after = noteParts(notes[i]);
    const el = gd.querySelector(`.annotation[data-index="${i}"] .annotation-text`);
    if (!el || before.tags.join() !== after.tags.join() || before.runs.length !== after.runs.length ||
        after.runs.some((r, k) => r.includes("&") || r.length !== before.runs[k].length)) return false;
    const nodes = [];
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) if (walk.currentNode.data !== "") nodes.push(walk.currentNode);
    if (nodes.length !== before.runs.length || nodes.some((n, k) => n.data !== before.runs[k])) return false;
    changes.push({ i, nodes, runs: after.runs });
  }
  for (const { i, nodes, runs } of changes) {
    nodes.forEach((n, k) => { n.data = runs[k]; });
    full[i].text = notes[i];
    own[i].text = notes[i];
  }
  return true;
}

function sameRange(a, b) {
  return Array.isArray(a) && Array.isArray(b) && a.length === 2 && b.length === 2 &&
    a.every((v, i) => Math.abs(v - b[i]) <= 1e-9 * (Math.abs(v) + Math.abs(b[i]) + 1e-300));
}

// The relayout that moves the drawn axes to ``ranges`` ({} when none moved), or null when an axis
// that moves is not where we left it (the user zoomed or panned it: Plotly.react keeps that, through
// uirevision) or the figure's axes are not the drawn ones.
function rangeUpdate(state, ranges) {
  const full = state.div._fullLayout || {};
  const drawn = state.drawnRanges || {};
  if (Object.keys(drawn).length !== Object.keys(ranges).length) return null;
  const update = {};
  for (const [axis, range] of Object.entries(ranges)) {
    if (!drawn[axis]) return null;
    if (sameRange(range, drawn[axis])) continue;
    if (!full[axis] || !sameRange(full[axis].range, drawn[axis])) return null;
    update[`${axis}.range`] = range;
  }
  return update;
}

// Put new pictures into the drawn chart without Plotly.react: even a react that only redraws
// images first runs Plotly's supplyDefaults over the whole figure (~10 ms a chart on this machine,
// the largest share of a live frame once the data is unchanged). Plotly binds each <image> to its
// full-layout item (d3's __data__); we update that item, the input layout (kept by Plotly and
// read by the PNG export) and the element, as Plotly's own image drawing does. Returns false,
// changing nothing, when any changed picture has no element to go to.
function swapPictures(gd, sources) {
  const full = (gd._fullLayout && gd._fullLayout.images) || [];
  const own = (gd.layout && gd.layout.images) || [];
  if (full.length !== sources.length || own.length !== sources.length) return false;
  const elements = new Map();
  for (const el of gd.querySelectorAll("image")) {
    const item = el.__data__;
    if (item && full[item._index] === item) elements.set(item._index, el);
  }
  const changed = [];
  for (let i = 0; i < sources.length; i++) {
    if (sources[i] === full[i].source) continue;
    if (!elements.has(i) || typeof sources[i] !== "string" || !sources[i].startsWith("data:")) return false;
    changed.push(i);
  }
  for (const i of changed) {
    const el = elements.get(i);
    el.setAttributeNS(XLINK, "xlink:href", sources[i]);
    el._imgSrc = sources[i]; // Plotly's own note of what the element shows
    full[i].source = sources[i];
    own[i].source = sources[i];
  }
  return true;
}

// Draw a message: Plotly.react, or only its pictures, notes and canvas lines when nothing else changed.
// ``text`` is the message's JSON, to tell a repeat of the last one.
async function drawMessage(state, msg, text) {
  const repeat = text === state.drawnText; // the same figure again (a rerun that changed nothing here)
  state.drawnText = text;
  const Plotly = await plotlyReady();
  const theme = themeTemplate(state.div);
  const lines = takeLines(msg);
  const { key, sources, ranges, notes } = pictureFreeKey(msg);
  Object.assign(state, { click: msg.click, act: msg.act, hover: msg.hover, editable: msg.editable });
  if (live.targets.get(msg.name) !== state.take) { // the chart's key (Streamlit gives the JS an element id)
    state.name = msg.name;
    live.targets.set(msg.name, state.take);
    live.owners.set(msg.name, state);
    if (state.seen === false) live.unseen.add(msg.name);
    else live.unseen.delete(msg.name); // in sight, or not told yet: the old element's word is void
  }
  for (const line of lines) {
    Object.assign(line, { x: asArray(line.x), y: asArray(line.y) });
    if (line.sizes) line.sizes = asArray(line.sizes);
  }
  if (state.drawnKey === key && state.drawnTheme === theme) {
    // An axis that stepped on: Plotly.relayout redraws only the axes (~3x cheaper than a react)
    const moved = rangeUpdate(state, ranges);
    if (moved && swapPictures(state.div, sources) && swapNotes(state.div, notes)) {
      const how = Object.keys(moved).length ? "relayout" : "pictures";
      if (how === "relayout") {
        await Plotly.relayout(state.div, moved);
        state.drawnRanges = ranges;
      }
      drawLines(state, lines);
      showCaption(state, msg.caption);
      drawn(state, how, repeat);
      return;
    }
  }
  state.drawnKey = null; // until this react has finished
  state.drawnText = null;
  const fig = msg.figure;
  for (const line of lines) Object.assign(fig.data[line.index], { x: NO_POINTS, y: NO_POINTS });
  const layout = fig.layout || {};
  layout.template = withTheme(state, theme, layout.template);
  const arrays = new Map();
  reuseArrays(fig.data || [], state.arrays || new Map(), arrays);
  state.arrays = arrays; // only the newest figure's arrays are kept
  // Keep the user's zoom and legend clicks across live updates (until they reset the axes).
  if (layout.uirevision === undefined) layout.uirevision = "live";
  const title = layout.title && (typeof layout.title === "string" ? layout.title : layout.title.text);
  if (!title && (!layout.margin || layout.margin.t === undefined)) {
    layout.margin = { ...layout.margin, t: UNTITLED_TOP };
  }
  // A page sized for a 720 px projector (msg.grow > 0) gives a taller window's extra height to its
  // charts; a resize that changes the width draws again (watchWidth), with the new height.
  const height = msg.height + Math.round(Math.max(0, window.innerHeight - GROW_FROM) * (msg.grow || 0));
  if (height !== msg.height) layout.height = height;
  state.div.style.height = `${height}px`;
  showCaption(state, msg.caption);
  if (!state.config || state.config.toImageButtonOptions.filename !== msg.name) {
    // Kept between draws: a new config object could make Plotly.react start over.
    state.config = { ...CONFIG, toImageButtonOptions: { scale: 2, filename: msg.name } };
  }
  await Plotly.react(state.div, fig.data || [], layout, state.config);
  drawLines(state, lines);
  state.drawnKey = key;
  state.drawnRanges = ranges;
  state.drawnText = text;
  state.drawnTheme = theme;
  drawn(state, "react", repeat);
  if (!state.clickBound) {
    state.clickBound = true;
    state.div.addEventListener("click", prepareExport, true);
    bindTouch(state); // touch.js
  }
}

function showCaption(state, text) {
  if (!text && !state.caption) return;
  if (!state.caption) {
    state.caption = document.createElement("div");
    state.caption.className = "descentlab-caption";
    state.div.after(state.caption);
  }
  if (state.caption.textContent !== text) state.caption.textContent = text || "";
  state.caption.hidden = !text;
}

// Tells anyone listening (the frame-rate benchmarks, tests) that a figure is on screen: how it got
// there ("react": Plotly.react; "relayout": Plotly.relayout of axis ranges that stepped on, with new
// pictures and canvas lines; "pictures": only pictures, notes and canvas lines changed), and whether it
// repeats the previous one.
function drawn(state, how, repeat) {
  state.div.dispatchEvent(new CustomEvent(DRAWN_EVENT, { detail: { how, repeat } }));
}

export default function (component) {
  const { data, parentElement } = component;
  let state = parentElement.__descentlabChart;
  if (!state) {
    const div = document.createElement("div");
    div.className = "descentlab-live-chart";
    parentElement.appendChild(div);
    state = { div, next: null, frame: 0, busy: false, click: false, clickBound: false, idle: [] };
    parentElement.__descentlabChart = state;
    watchWidth(state);
    watchSight(state);
    state.take = (bytes) => {
      state.next = bytes;
      schedule(state);
      return whenIdle(state);
    };
  }
  state.setTriggerValue = component.setTriggerValue; // the newest callback wins
  if (data) state.next = data; // raw bytes; parsed only if they are still the newest at draw time
  schedule(state);
  // Streamlit may call this cleanup while the element stays on the page (an update that arrives
  // before the previous call finished); purging then would blank the chart. Purge only once the
  // element has really left the document.
  return () => setTimeout(() => {
    if (parentElement.isConnected || parentElement.__descentlabChart !== state) return;
    if (state.frame) cancelAnimationFrame(state.frame);
    if (live.targets.get(state.name) === state.take) {
      live.targets.delete(state.name);
      live.owners.delete(state.name);
      live.unseen.delete(state.name);
    }
    settle(Object.assign(state, { next: null, frame: 0, busy: false }));
    if (window.Plotly) window.Plotly.purge(state.div);
    delete parentElement.__descentlabChart;
  }, 0);
}
