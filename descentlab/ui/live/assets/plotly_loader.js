// Loads plotly.js into the page once per tab. Python sends its address ({url}: a route of server.py,
// cached by the browser), or, served without that route, the gzipped bytes of the plotly package's
// own plotly.min.js; a full rerun re-sends the same message, and this guard makes it a no-op.
const READY_EVENT = "descentlab:plotly-ready";

export default async function (component) {
  const { data } = component;
  if (window.Plotly || window.__descentlabPlotlyLoading || !data) return;
  window.__descentlabPlotlyLoading = true;
  if (data.url) {
    load(data.url, () => {});
    return;
  }
  try {
    // The websocket is not compressed, so gzip saves ~3.3 MB per tab (4.8 MB -> 1.5 MB).
    const unzipped = new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"));
    const source = await new Response(unzipped).arrayBuffer();
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    load(url, () => URL.revokeObjectURL(url));
  } catch (err) {
    window.__descentlabPlotlyLoading = false;
    console.error("descentlab: plotly.js failed to unpack", err);
  }
}

function load(src, done) {
  const script = document.createElement("script");
  script.src = src;
  script.onload = () => {
    done();
    window.dispatchEvent(new Event(READY_EVENT));
  };
  script.onerror = () => {
    window.__descentlabPlotlyLoading = false; // let the next rerun try again
    console.error("descentlab: plotly.js failed to load");
  };
  document.head.appendChild(script);
}
