// What a room would see wrong on the page as it is drawn now; run by tests/test_layout.py through
// page.evaluate(probe, mainSelectors). Returns {offscreen, clipped, overlaps, legends}: lists of strings.
(mainSelectors) => {
  const vw = window.innerWidth, vh = window.innerHeight, TOL = 2;
  const shown = (el) => {
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden" || cs.display === "none" || +cs.opacity === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const name = (el) => (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
  const inside = (el, sel) => el.closest(sel) !== null;
  // Containers that scroll on purpose (tables, code, the page itself) and hidden helpers.
  const SKIP = "[data-testid='stDataFrame'], [data-testid='stTable'], pre, code, [data-testid='stTooltipContent'], " +
    "[data-testid='stSidebar'], header, [data-testid='stToolbar'], .modebar, [data-testid='stExpanderDetails'], " +
    ".katex-mathml, [role='tooltip'], [data-baseweb='popover'], [data-testid='stHeader'], .hoverlayer, svg";
  const out = { offscreen: [], clipped: [], overlaps: [], legends: [] };

  // 1. the named elements are on screen, whole (above the fold)
  for (const sel of mainSelectors) {
    const el = document.querySelector(sel);
    if (!el) { out.offscreen.push(`${sel}: missing`); continue; }
    const r = el.getBoundingClientRect();
    if (r.top < -TOL || r.bottom > vh + TOL || r.left < -TOL || r.right > vw + TOL) {
      out.offscreen.push(`${sel}: ${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)}`);
    }
  }

  // 2. text nodes, with the box each is drawn in
  const main = document.querySelector("[data-testid='stMain']") || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest(SKIP) || !shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 1 && r.height > 1);
    if (rects.length) texts.push({ el, node, rects });
  }
  // Clipped: an element that hides overflow and has more text than room (the toggles' "Test …"), or a
  // text that runs past an ancestor that hides or scrolls its overflow (a formula cut at the column).
  const clippers = new Map();
  // Every ancestor that hides or scrolls what runs past it sideways: a button cut by its row is
  // whole inside its own box (the Initialization lab's "relu" segment)
  const clipBoxesOf = (el) => {
    if (clippers.has(el)) return clippers.get(el);
    const boxes = [];
    for (let a = el; a && a !== main; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") boxes.push(a.getBoundingClientRect());
    }
    clippers.set(el, boxes);
    return boxes;
  };
  const seen = new Set();
  for (const t of texts) {
    const el = t.el;
    const ox = getComputedStyle(el).overflowX;
    let cut = ox !== "visible" && el.scrollWidth > el.clientWidth + 1;
    if (!cut) cut = clipBoxesOf(el).some((box) => t.rects.some((r) => r.right > box.right + TOL || r.left < box.left - TOL));
    if (!cut) cut = t.rects.some((r) => r.right > vw + TOL);
    // one report per formula or paragraph, not per glyph
    const whole = el.closest(".katex-display, .katex, p, label, button, li, h1, h2, h3, h4") || el;
    if (cut && !seen.has(whole)) { seen.add(whole); out.clipped.push(name(whole) || t.node.textContent.trim().slice(0, 40)); }
  }
  // Overlaps: two text nodes whose glyph boxes cross (shrunk a little: line boxes touch)
  const shrink = (r) => ({ l: r.left + 2, r: r.right - 2, t: r.top + 3, b: r.bottom - 3 });
  const hit = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i], b = texts[j];
      const ka = a.el.closest(".katex");
      if (ka && ka === b.el.closest(".katex")) continue; // a formula's accents and sub/superscripts sit close by design
      if (a.rects.some((ra) => b.rects.some((rb) => hit(shrink(ra), shrink(rb))))) {
        out.overlaps.push(`"${a.node.textContent.trim().slice(0, 30)}" / "${b.node.textContent.trim().slice(0, 30)}"`);
      }
    }
  }
  // A chart or picture drawn over text outside its own element (the Images page's picture over its
  // text column)
  for (const pic of main.querySelectorAll(".js-plotly-plot .main-svg:first-of-type, [data-testid='stImage'] img")) {
    if (!shown(pic)) continue;
    const own = pic.closest(".stElementContainer") || pic.parentElement;
    const r = pic.getBoundingClientRect();
    const P = { l: r.left + 2, r: r.right - 2, t: r.top + 2, b: r.bottom - 2 };
    const over = texts.find((t) => !own.contains(t.el) && t.rects.some((x) => hit(shrink(x), P)));
    if (over) out.overlaps.push(`a picture covers "${over.node.textContent.trim().slice(0, 30)}"`);
  }
  // Text a chart draws past its own edges is cut by the SVG (a long title, an output's name)
  for (const plot of document.querySelectorAll(".js-plotly-plot")) {
    if (!shown(plot)) continue;
    const svg = plot.querySelector(".main-svg")?.getBoundingClientRect();
    if (!svg) continue;
    for (const text of plot.querySelectorAll(".main-svg text")) {
      const r = text.getBoundingClientRect();
      if (r.width < 1 || !text.textContent.trim()) continue;
      if (r.right > svg.right + TOL || r.left < svg.left - TOL) out.clipped.push(`chart text "${text.textContent.trim().slice(0, 30)}"`);
    }
  }
  // 3. Plotly: a legend must not cover its chart's title, nor the plot area
  for (const plot of document.querySelectorAll(".js-plotly-plot")) {
    if (!shown(plot)) continue;
    const legend = plot.querySelector(".legend");
    if (!legend) continue;
    const lr = legend.getBoundingClientRect();
    if (lr.width < 2) continue;
    const L = { l: lr.left, r: lr.right, t: lr.top, b: lr.bottom };
    const box = (el) => { const r = el.getBoundingClientRect(); return { l: r.left, r: r.right, t: r.top, b: r.bottom }; };
    const key = (plot.closest("[class*='st-key-']") || plot).className.toString().match(/st-key-[\w-]+/);
    const label = key ? key[0] : "chart";
    for (const title of plot.querySelectorAll(".gtitle, .g-gtitle text")) {
      if (hit(shrink(title.getBoundingClientRect()), L)) out.legends.push(`${label}: legend covers the title "${name(title)}"`);
    }
    for (const area of plot.querySelectorAll(".draglayer .nsewdrag")) {
      if (hit(box(area), { l: L.l + 2, r: L.r - 2, t: L.t + 2, b: L.b - 2 })) out.legends.push(`${label}: legend covers the plot`);
    }
  }
  return out;
}
