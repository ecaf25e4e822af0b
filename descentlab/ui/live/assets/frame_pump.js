// Fetches live frames while training plays and gives each live element its part (see
// descentlab/ui/live/route.py). Two requests stay in flight while a frame is drawn: the server trains the
// next frame as the browser draws this one, and a frame still on its way hides the ~40 ms the last
// part of a large response waits for the browser's delayed TCP ACK (measured on loopback: a 50-60 KB
// frame's last byte came 40 ms after its first). A slow browser never builds a backlog: a new request
// goes out only as a frame comes in.
// Live elements (live_chart.js, live_html.js) register under their key in window.__descentlabLive:
// a function that takes their new data (bytes) and resolves once it is on screen.
const live = (window.__descentlabLive ||= { targets: new Map() });
const HEADER = "X-Descentlab-Frame";

const IN_FLIGHT = 2;
const RETRIES = 3;        // a failed fetch is tried again this many times...
const RETRY_PAUSE = 500; // ...this many ms apart, before the page is told that frames stopped

const UNSEEN = "X-Descentlab-Unseen";

async function fetchOnce(url) {
  try {
    // the live charts out of sight (live_chart.js watchSight): the server makes no part for them
    const unseen = [...(live.unseen || [])].join(",");
    const res = await fetch(url, { method: "POST", cache: "no-store", headers: unseen ? { [UNSEEN]: unseen } : {} });
    const head = res.ok ? JSON.parse(res.headers.get(HEADER)) : null;
    return head ? { head, body: new Uint8Array(await res.arrayBuffer()) } : { status: res.status };
  } catch (err) {
    console.error("descentlab frame_pump: fetch failed", err);
    return { status: 0 };
  }
}

// A frame ({head, body}), or {status} once the route has failed RETRIES + 1 times (404 at once:
// no live run under this token, e.g. the server restarted).
async function fetchFrame(pump) {
  for (let attempt = 0; ; attempt++) {
    const url = pump.url;
    const got = { ...(await fetchOnce(url)), url };
    if (got.head || got.status === 404 || attempt >= RETRIES || !pump.active) return got;
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE));
  }
}

// The page that is playing, for server_watch.js: if the server restarts, Streamlit may reconnect the
// tab to the home page, and the run's own link is what brings it back.
function remember() {
  try {
    sessionStorage.setItem("descentlab-playing", JSON.stringify({ href: location.href, at: Date.now() }));
  } catch (err) {
    // storage blocked: the page just stays where Streamlit puts it
  }
}

// This page's session is gone: the server restarted, or the proxy moved this tab to another replica.
// Streamlit reconnects without a rerun, so the page would show "playing" forever. Reloading opens the
// run the link describes, and the page says what happened (server_watch.js).
function sessionGone() {
  window.location.reload();
}

// The route stopped answering (a server restarting, the network gone): the page was told to pause,
// but while the server is down that message is lost with the connection. Ask now and then until the
// server answers: 404 means this session did not survive.
const WATCH_EVERY = 2000;
const WATCH_FOR = 120000;

async function watchForRestart(url) {
  for (let waited = 0; waited < WATCH_FOR; waited += WATCH_EVERY) {
    await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY));
    const got = await fetchOnce(url);
    if (got.status === 404) return sessionGone();
    if (got.head) return; // the same server, the same session: the pause went through
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

// A tab in the background asks for no frames (requestAnimationFrame alone would still let the
// frame in flight train one more): the run waits, unseen, and goes on as soon as the tab shows.
async function tabShown(pump, pending) {
  if (document.visibilityState !== "hidden") return;
  await Promise.allSettled(pending); // the request already in flight comes back; no new one goes out
  pump.parked = true;
  await new Promise((resolve) => {
    document.addEventListener("visibilitychange", function shown() {
      if (document.visibilityState === "hidden") return;
      document.removeEventListener("visibilitychange", shown);
      pump.parked = false;
      resolve();
    });
  });
}

async function run(pump) {
  pump.running = true;
  try {
    const pending = Array.from({ length: IN_FLIGHT }, () => fetchFrame(pump));
    while (pump.active) {
      const frame = await pending.shift();
      if (!pump.active) break;
      if (frame.status === 404 && frame.url === pump.url) {
        sessionGone();
        break;
      }
      if (!frame.head) { // the route failed: the page pauses and says so
        pump.end();
        watchForRestart(frame.url);
        break;
      }
      const current = frame.head.generation === pump.generation; // else: made before the page's last run
      const more = frame.head.playing;
      if (more) {
        await tabShown(pump, pending);
        if (!pump.active) break;
        pending.push(fetchFrame(pump));
      }
      if (current && frame.head.seq > pump.last) {
        pump.last = frame.head.seq;
        await deliver(frame.head, frame.body);
        remember();
      }
      if (!more) {
        // stopped on the server: diverged or failed (the page must say so), or paused by a run that
        // redraws the page anyway
        if (current) pump.end();
        break;
      }
      await new Promise(requestAnimationFrame); // at most one frame per screen refresh; none in a hidden tab
    }
  } catch (err) {
    console.error("descentlab frame_pump: frame failed", err);
    pump.end();
  } finally {
    pump.running = false;
  }
}

// A touch on a live chart (touch.js): POSTed to the route beside the frames; a handler that took it
// answers with a frame, drawn here as any other. Resolves whether it was taken (false: the chart
// hands the event to a script run instead), and whether the page must run after it.
async function act(pump, key, event) {
  if (!pump.url) return { handled: false };
  try {
    const res = await fetch(`${pump.url}/act`, {
      method: "POST", cache: "no-store", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ key, event }),
    });
    const head = res.ok ? JSON.parse(res.headers.get(HEADER)) : null;
    if (!head || !head.handled) return { handled: false };
    const body = new Uint8Array(await res.arrayBuffer());
    if (head.generation === pump.generation && head.seq > pump.last) {
      pump.last = head.seq;
      await deliver(head, body);
    }
    return { handled: true, rerun: Boolean(head.rerun) };
  } catch (err) {
    console.error("descentlab frame_pump: touch failed", err);
    return { handled: false };
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let pump = parentElement.__descentlabPump;
  if (!pump) {
    pump = { active: false, running: false, url: null, generation: null, ended: 0, last: -1 };
    parentElement.__descentlabPump = pump;
  }
  const own = (key, event) => act(pump, key, event);
  live.act = own;
  live.paused = () => !pump.active; // keyboard.js: Step goes to the route only on a paused page
  pump.end = () => { pump.active = false; component.setTriggerValue("ended", ++pump.ended); };
  if (data && (data.url !== pump.url || data.generation !== pump.generation)) {
    // a new generation at once: a frame made before this run is dropped however late it arrives
    if (data.url !== pump.url) pump.last = -1; // a new stream numbers its frames afresh
    pump.url = data.url;
    pump.generation = data.generation;
    pump.active = data.playing;
    if (pump.active && !pump.running) run(pump);
  }
  return () => setTimeout(() => {
    if (parentElement.isConnected) return;
    pump.active = false;
    if (live.act === own) live.act = live.paused = null; // a page without a pump: its buttons run the page
  }, 0);
}
