// A live Plotly chart that updates in place. Streamlit calls this function again on every update
// with the same parentElement, so all state lives on that element: one div, drawn with
// Plotly.react, never re-created (re-creating it is what makes st.plotly_chart blink).
const READY_EVENT = "descentlab:plotly-ready";
// The modebar stays, with "Download plot as PNG" (students export figures from it), zoom, pan
// and reset. Gone: the logo, buttons that only crowd narrow charts, and plotly.js 4's "Share
// chart" (it uploads the figure to Plotly Cloud).
const CONFIG = {
  displaylogo: false,
  responsive: true,
  showSendToCloud: false,
  modeBarButtonsToRemove: ["zoomIn2d", "zoomOut2d", "autoScale2d", "select2d", "lasso2d"],
};
const TITLED_TOP = 64; // px: the title sits under the modebar instead of behind it
const UNTITLED_TOP = 36;
const decoder = new TextDecoder();
const colorProbe = document.createElement("canvas").getContext("2d");
let themeCache = { key: null, template: null };

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
// in the dark theme that PNG would be light text on nothing. Give the export the page background.
// This capture listener runs before the button's handler, which copies gd.layout synchronously.
function fillExportBackground(ev) {
  const gd = ev.currentTarget;
  const button = ev.target.closest && ev.target.closest(".modebar-btn");
  if (!button || !/^Download plot/.test(button.getAttribute("data-title") || "")) return;
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

function schedule(state) {
  // One draw per animation frame at most; while one is pending, newer figures replace older ones.
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
    const Plotly = await plotlyReady();
    const msg = JSON.parse(decoder.decode(raw)); // only the newest payload is ever parsed
    const fig = msg.figure;
    const layout = fig.layout || {};
    layout.template = withTheme(state, themeTemplate(state.div), layout.template);
    const arrays = new Map();
    reuseArrays(fig.data || [], state.arrays || new Map(), arrays);
    state.arrays = arrays; // only the newest figure's arrays are kept
    // Keep the user's zoom and legend clicks across live updates (until they reset the axes).
    if (layout.uirevision === undefined) layout.uirevision = "live";
    const title = layout.title && (typeof layout.title === "string" ? layout.title : layout.title.text);
    if (!title && (!layout.margin || layout.margin.t === undefined)) {
      layout.margin = { ...layout.margin, t: UNTITLED_TOP };
    }
    state.div.style.height = `${msg.height}px`;
    state.click = msg.click;
    if (!state.config || state.config.toImageButtonOptions.filename !== msg.name) {
      // Kept between draws: a new config object could make Plotly.react start over.
      state.config = { ...CONFIG, toImageButtonOptions: { scale: 2, filename: msg.name } };
    }
    await Plotly.react(state.div, fig.data || [], layout, state.config);
    if (!state.clickBound) {
      state.clickBound = true;
      state.div.addEventListener("click", fillExportBackground, true);
      state.div.on("plotly_click", (ev) => {
        const p = ev && ev.points && ev.points[0];
        if (!p || !state.click) return;
        state.setTriggerValue("click", {
          x: p.x, y: p.y, curveNumber: p.curveNumber, pointIndex: p.pointIndex ?? p.pointNumber,
        });
      });
    }
  } catch (err) {
    console.error("descentlab live_chart: draw failed", err);
  } finally {
    state.busy = false;
    schedule(state);
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let state = parentElement.__descentlabChart;
  if (!state) {
    const div = document.createElement("div");
    div.className = "descentlab-live-chart";
    parentElement.appendChild(div);
    state = { div, next: null, frame: 0, busy: false, click: false, clickBound: false };
    parentElement.__descentlabChart = state;
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
    if (window.Plotly) window.Plotly.purge(state.div);
    delete parentElement.__descentlabChart;
  }, 0);
}
