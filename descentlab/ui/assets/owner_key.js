// This browser's key for its saved runs (descentlab/ui/run_spaces.py): 256 random bits made here, kept in
// localStorage, never put in a link. The server files this browser's runs under a hash of it, so
// another browser can neither list nor load nor replace them. Sent once per page (state value "key").
const STORE = "descentlab-owner-key";

function makeKey() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export default function ({ data, setStateValue }) {
  let key = null;
  try {
    key = localStorage.getItem(STORE);
  } catch (err) {
    // storage blocked (a private window's settings): the key lives as long as the page
  }
  if (!key || !/^[0-9a-f]{64}$/.test(key)) {
    key = makeKey();
    try {
      localStorage.setItem(STORE, key);
    } catch (err) {
      // as above
    }
  }
  if (!data || data.known !== key) setStateValue("key", key);
}
