// Which server process this tab last talked to (ui/server_watch.py). sessionStorage lives as long as
// the tab, across reconnects and reloads: a different process means the server restarted, or the
// proxy moved this tab to another replica, and whatever the page held there is gone.
const STORE = "descentlab-server";

export default function ({ data, setStateValue }) {
  let before = null;
  try {
    before = sessionStorage.getItem(STORE);
    sessionStorage.setItem(STORE, data.boot);
  } catch (err) {
    return;  // storage blocked: nothing to compare with, and nothing false is said
  }
  if (before && before !== data.boot) setStateValue("left", before);
}
