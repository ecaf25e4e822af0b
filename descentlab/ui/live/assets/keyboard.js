// A presenter's keys on the live pages (descentlab/ui/live/player.controls): Space or PageUp play / pause, the
// right arrow, N or PageDown one step, R reset, P presentation mode; presenter remotes send PageUp and
// PageDown. Nothing happens while a field has the focus. The keys click the page's own buttons, so
// every rule the buttons follow (a diverged run cannot play, a click holds the run's lock) still holds.
const keys = (window.__descentlabKeys ||= { prefix: null, installed: false });
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

export default function ({ data }) {
  keys.prefix = (data && data.prefix) || null; // the newest page's buttons
  if (!keys.installed) {
    document.addEventListener("keydown", onKey);
    keys.installed = true;
  }
}
