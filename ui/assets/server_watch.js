// Which server process this tab last talked to (ui/server_watch.py). sessionStorage lives as long as
// the tab, across reconnects and reloads: a different process means the server restarted, or the
// proxy moved this tab to another replica, and whatever the page held there is gone.
const STORE = "descentlab-server";
const PLAYING = "descentlab-playing"; // {href, at}: the page whose frames last arrived (frame_pump.js)
const LEFT = "descentlab-left";       // the server left behind, across the navigation below
const RECENT_MS = 60000;

export default function ({ data, setStateValue }) {
  let before = null;
  let left = null;
  let playing = null;
  try {
    before = sessionStorage.getItem(STORE);
    left = sessionStorage.getItem(LEFT);
    playing = JSON.parse(sessionStorage.getItem(PLAYING) || "null");
    sessionStorage.setItem(STORE, data.boot);
    sessionStorage.removeItem(LEFT);
  } catch (err) {
    return; // storage blocked: nothing to compare with, and nothing false is said
  }
  if (before && before !== data.boot) {
    left = before;
    // Streamlit may reconnect a tab to the new server's home page: a run that was playing a moment
    // ago goes back to its own page and link, as the message below promises.
    if (playing && Date.now() - playing.at < RECENT_MS && new URL(playing.href).pathname !== location.pathname) {
      sessionStorage.setItem(LEFT, left);
      sessionStorage.removeItem(PLAYING);
      location.replace(playing.href);
      return;
    }
  }
  if (left) setStateValue("left", left);
}
