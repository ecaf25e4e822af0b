// A presenter's keys on the live pages (descentlab/ui/live/player.controls): Space or PageUp play / pause, the
// right arrow, N or PageDown one step, R reset, P presentation mode; presenter remotes send PageUp and
// PageDown. Nothing happens while a field has the focus. The keys click the page's own buttons, so
// every rule the buttons follow (a diverged run cannot play, a click holds the run's lock) still holds.
//
// Step on a paused page served with the frame route (frame_pump.js's live.act): the click goes to the
// route, which steps and answers with a frame of the live area, then the page runs once for the rest
// (the "stepped" trigger). Steps pressed meanwhile queue, in order; one the server declines (it is
// playing, the run diverged) is handed back to the button, whose own click runs the page.
const keys = (window.__descentlabKeys ||= { prefix: null, installed: false, queue: Promise.resolve(), waiting: 0 });
const BUTTON_OF = {
  " ": "play", PageUp: "play",
  ArrowRight: "step", n: "step", N: "step", PageDown: "step",
  r: "reset", R: "reset",
};

function typing(target) {
  const tag = target && target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
}

function press(selector) {
  const element = document.querySelector(selector);
  if (!element || element.disabled) return false;
  element.click();
  return true;
}

function onKey(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
  if (event.key === " " && event.target && event.target.tagName === "BUTTON") return; // the browser clicks it
  const which = BUTTON_OF[event.key];
  let done = false;
  if (which && keys.prefix) done = press(`.st-key-${keys.prefix}_${which} button`);
  else if (event.key === "p" || event.key === "P") done = press(".st-key-dl_presentation input");
  if (done) event.preventDefault(); // Space would scroll the page, PageDown too
}

async function stepOnRoute(button) {
  const live = window.__descentlabLive;
  const event = { type: "step", prefix: keys.prefix };
  const answer = live && live.act ? await live.act(keys.step, event) : { handled: false };
  if (!answer.handled) {
    keys.passing = true; // the button's own click, past onClick
    try { button.click(); } finally { keys.passing = false; }
    return false;
  }
  return true;
}

function onClick(event) {
  if (keys.passing || !keys.prefix || !keys.step || !(event.target instanceof Element)) return;
  const button = event.target.closest(`.st-key-${keys.prefix}_step button`);
  const live = window.__descentlabLive;
  if (!button || button.disabled || !live || !live.act || !live.paused || !live.paused()) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  keys.waiting += 1;
  keys.queue = keys.queue.then(async () => {
    let stepped = false;
    try {
      stepped = await stepOnRoute(button);
    } finally {
      keys.waiting -= 1;
      keys.stepped = keys.stepped || stepped;
      // the page's run once the queue is empty, not one per step: each would redraw the whole page
      if (keys.waiting === 0 && keys.stepped && keys.component) {
        keys.stepped = false;
        keys.component.setTriggerValue("stepped", (keys.runs = (keys.runs || 0) + 1));
      }
    }
  });
}

export default function (component) {
  const { data } = component;
  keys.prefix = (data && data.prefix) || null; // the newest page's buttons
  keys.step = (data && data.step) || null;
  keys.component = component;
  if (!keys.installed) {
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick, true); // capture: before the button's own handler
    keys.installed = true;
  }
}
