// Which server process this tab last talked to (descentlab/ui/server_watch.py). sessionStorage lives as long as
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
    // A page reconnected to a new server is a page of the old one: its reruns may not find their page
    // there (Streamlit then shows the home page). Load it anew from its link, or from the link of the
    // run that was playing a moment ago, and say why once it is there.
    sessionStorage.setItem(LEFT, before);
    sessionStorage.removeItem(PLAYING);
    location.replace(playing && Date.now() - playing.at < RECENT_MS ? playing.href : location.href);
    return;
  }
  if (left) setStateValue("left", left);
}
