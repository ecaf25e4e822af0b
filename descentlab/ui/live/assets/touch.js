// Touches on a live chart (bound once per chart by live_chart.js): clicks, hovers over the traces the
// chart names, and number edits of points on an editable trace go to Python. Served with the frame
// route, they are POSTed to it (frame_pump.js's live.act) and answered by one frame, drawn like any
// other, with no page run; a handler that declines, or a page without the route, gets a click or an
// edit as the element's Streamlit trigger value instead, which runs the page.

// customdata of a point: a list (a typed-array row of a numpy array becomes one, as JSON needs)
function rowOf(customdata) {
  if (ArrayBuffer.isView(customdata)) return Array.from(customdata);
  return customdata ?? null;
}

function pointOf(p) {
  return {
    trace: (p.data && p.data.name) || null, curveNumber: p.curveNumber,
    pointIndex: p.pointIndex ?? p.pointNumber, x: p.x, y: p.y, customdata: rowOf(p.customdata),
  };
}

const PASSING = new Set(["hover", "unhover"]); // superseded by a newer hover: only the last one matters

// One touch in flight per chart, the rest queued in order; a hover waiting is replaced by a newer
// one, so sweeping the pointer across ten units sends two or three, not ten.
// A click as the element's Streamlit trigger value, numbered: the same point clicked twice (pin a
// unit, later unpin it) is the same payload, and an equal value may not run the page again.
function trigger(state, event) {
  state.setTriggerValue("click", { ...event, n: (state.triggered = (state.triggered || 0) + 1) });
}

function sendTouch(state, event) {
  const live = window.__descentlabLive;
  if (!state.act || !live.act) {
    if (!PASSING.has(event.type)) trigger(state, event);
    return;
  }
  if (PASSING.has(event.type)) state.touches = state.touches.filter((t) => !PASSING.has(t.type));
  state.touches.push(event);
  if (state.touching) return;
  state.touching = true;
  (async () => {
    try {
      while (state.touches.length) {
        const next = state.touches.shift();
        const answer = await live.act(state.name, next);
        // declined: the script run takes it; taken, and the page must follow: the run only redraws
        if (!answer.handled && !PASSING.has(next.type)) trigger(state, next);
        else if (answer.rerun) trigger(state, { ...next, handled: true });
      }
    } finally {
      state.touching = false;
    }
  })();
}

function closeEditor(state) {
  if (state.editor) state.editor.remove();
  state.editor = null;
}

// A number field at the clicked point, holding the point's value (its trace's meta.edit names where
// in customdata); Enter sends the new value, Escape or a click elsewhere closes it.
function openEditor(state, p, mouse) {
  const spec = p.data && p.data.meta && p.data.meta.edit;
  const row = rowOf(p.customdata);
  if (!state.editable || !spec || !Array.isArray(row)) return;
  closeEditor(state);
  const form = document.createElement("form");
  form.className = "descentlab-edit";
  const label = document.createElement("label");
  label.textContent = spec.label || "value";
  const input = document.createElement("input");
  Object.assign(input, { type: "number", step: "any", value: String(Number(row[spec.index]).toPrecision(4)) });
  input.setAttribute("aria-label", `New value of ${spec.label || "this value"}`);
  label.append(" = ", input);
  form.append(label);
  const box = state.div.getBoundingClientRect();
  form.style.left = `${Math.max(0, Math.min(mouse.clientX - box.left, box.width - 180))}px`;
  form.style.top = `${Math.max(0, Math.min(mouse.clientY - box.top + 12, box.height - 48))}px`;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const value = Number(input.value);
    if (input.value.trim() === "" || !Number.isFinite(value)) {
      input.setCustomValidity("Type a number, e.g. -0.5");
      input.reportValidity();
      return;
    }
    closeEditor(state);
    sendTouch(state, { ...pointOf(p), type: "edit", value });
  });
  input.addEventListener("input", () => input.setCustomValidity(""));
  input.addEventListener("keydown", (e) => { if (e.key === "Escape") closeEditor(state); });
  input.addEventListener("blur", () => setTimeout(() => { if (state.editor === form) closeEditor(state); }, 150));
  state.div.append(form);
  state.editor = form;
  input.focus();
  input.select();
}

function bindTouch(state) {
  state.touches = [];
  state.hovered = false;
  state.div.on("plotly_click", (ev) => {
    const p = ev && ev.points && ev.points[0];
    if (!p || !state.click) return;
    const mouse = ev.event || {};
    openEditor(state, p, mouse);
    sendTouch(state, { ...pointOf(p), type: "click", shift: Boolean(mouse.shiftKey || mouse.ctrlKey || mouse.metaKey) });
  });
  state.div.on("plotly_hover", (ev) => {
    const p = ev && ev.points && ev.points[0];
    const over = Boolean(p && state.hover && state.hover.includes(p.data && p.data.name));
    if (over) sendTouch(state, { ...pointOf(p), type: "hover" });
    else if (state.hovered) sendTouch(state, { type: "unhover" });
    state.hovered = over;
  });
  state.div.on("plotly_unhover", () => {
    if (state.hovered) sendTouch(state, { type: "unhover" });
    state.hovered = false;
  });
}
