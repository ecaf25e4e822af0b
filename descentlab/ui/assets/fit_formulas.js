// Display formulas wider than their column shrink to fit it. KaTeX draws a display formula on one
// line, and Streamlit's container cuts (or scrolls) what runs past the column: at a projector's
// 1280 px "L = −log(0.690) =" lost its result. Each formula is measured at its natural size and,
// when too wide, drawn smaller (never below MIN_SCALE: a longer formula is split where it is written).
// Checked when the page changes (throttled: a live chart's frames change the page too) and when
// the page's width does; the observer is removed with the element (the page that mounted it).
const MIN_SCALE = 0.55;
const THROTTLE_MS = 250;

// What each formula was last fitted to: a formula measures again only when its text or its column's
// width changed (a live frame elsewhere on the page changes neither).
const fittedTo = new WeakMap();

function fit(display) {
  const katex = display.querySelector(":scope > .katex");
  if (!katex) return;
  // the column's width: the display itself shrinks to its formula
  const room = (display.closest(".stElementContainer") || display.parentElement).clientWidth;
  if (!room) return;
  const text = katex.textContent;
  const last = fittedTo.get(display);
  if (last && last.room === room && last.text === text) return;
  fittedTo.set(display, { room, text });
  katex.style.fontSize = "";
  const natural = katex.scrollWidth;
  if (natural <= room) return;
  katex.style.fontSize = `${Math.max(MIN_SCALE, (room - 2) / natural).toFixed(3)}em`;
}

export default function ({ parentElement }) {
  const main = parentElement.ownerDocument.querySelector("[data-testid='stMain']");
  if (!main) return undefined;
  let timer = 0;
  const scan = () => {
    timer = 0;
    main.querySelectorAll(".katex-display").forEach(fit);
  };
  const later = () => { if (!timer) timer = setTimeout(scan, THROTTLE_MS); };
  const observer = new MutationObserver(later);
  observer.observe(main, { childList: true, subtree: true });
  const resized = new ResizeObserver(later); // the window, or the sidebar opening or closing
  resized.observe(main);
  scan();
  return () => {
    observer.disconnect();
    resized.disconnect();
    clearTimeout(timer);
  };
}
