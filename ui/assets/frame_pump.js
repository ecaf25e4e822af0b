// Fetches live frames while training plays and gives each live element its part (see
// ui/frame_channel.py). One frame is fetched while the last one is drawn: the server trains the
// next frame as the browser draws this one, and a slow browser never builds a backlog.
// Live elements (live_chart.js, live_html.js) register under their key in window.__descentlabLive:
// a function that takes their new data (bytes) and resolves once it is on screen.
const live = (window.__descentlabLive ||= { targets: new Map() });
const HEADER = "X-Descentlab-Frame";

async function fetchFrame(pump) {
  try {
    const res = await fetch(pump.url, { method: "POST", cache: "no-store" });
    if (!res.ok) return { gone: res.status === 404 };
    const head = JSON.parse(res.headers.get(HEADER));
    return { head, body: new Uint8Array(await res.arrayBuffer()) };
  } catch (err) {
    console.error("descentlab frame_pump: fetch failed", err);
    return { gone: false };
  }
}

// Every part to its element; resolves when all of them have drawn it.
function deliver(head, body) {
  const drawn = [];
  let offset = 0;
  for (const [key, length] of head.parts) {
    const target = live.targets.get(key);
    if (target) drawn.push(target(body.subarray(offset, offset + length)));
    offset += length;
  }
  return Promise.all(drawn);
}

async function run(pump) {
  pump.running = true;
  let pending = fetchFrame(pump);
  while (pump.active) {
    const frame = await pending;
    if (!pump.active) break;
    if (!frame.head) {
      // 404: the session is gone (a new one reruns the page anyway); otherwise ask the page to redraw
      if (!frame.gone) pump.end();
      break;
    }
    const current = frame.head.generation === pump.generation; // else: made before the page's last run
    const more = frame.head.playing;
    if (more) pending = fetchFrame(pump);
    if (current) await deliver(frame.head, frame.body);
    if (!more) {
      // stopped on the server: diverged (the page must say so) or paused by a run that redraws anyway
      if (current) pump.end();
      break;
    }
    await new Promise(requestAnimationFrame); // at most one frame per screen refresh; none in a hidden tab
  }
  pump.running = false;
}

export default function (component) {
  const { data, parentElement } = component;
  let pump = parentElement.__descentlabPump;
  if (!pump) {
    pump = { active: false, running: false, url: null, generation: null, ended: 0 };
    parentElement.__descentlabPump = pump;
  }
  pump.end = () => { pump.active = false; component.setTriggerValue("ended", ++pump.ended); };
  if (data && (data.url !== pump.url || data.generation !== pump.generation)) {
    pump.url = data.url;
    pump.generation = data.generation;
    pump.active = true;
    if (!pump.running) run(pump);
  }
  return () => setTimeout(() => {
    if (!parentElement.isConnected) pump.active = false;
  }, 0);
}
