// Loads plotly.js into the page once per tab. Python sends the gzipped bytes of the plotly
// package's own plotly.min.js as data; a full rerun re-sends the same message, which Streamlit's
// message cache turns into a hash reference, and this guard makes the rerun a no-op.
const READY_EVENT = "descentlab:plotly-ready";

export default async function (component) {
  const { data } = component;
  if (window.Plotly || window.__descentlabPlotlyLoading || !data) return;
  window.__descentlabPlotlyLoading = true;
  try {
    // The websocket is not compressed, so gzip saves ~3.3 MB per tab (4.8 MB -> 1.5 MB).
    const unzipped = new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"));
    const source = await new Response(unzipped).arrayBuffer();
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => {
      URL.revokeObjectURL(url);
      window.dispatchEvent(new Event(READY_EVENT));
    };
    script.onerror = () => {
      window.__descentlabPlotlyLoading = false; // let the next rerun try again
      console.error("descentlab: plotly.js failed to load");
    };
    document.head.appendChild(script);
  } catch (err) {
    window.__descentlabPlotlyLoading = false;
    console.error("descentlab: plotly.js failed to unpack", err);
  }
}
