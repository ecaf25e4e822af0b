// A block of HTML that the server replaces on every live frame (the status line), set as soon as it
// arrives: st.markdown would parse the HTML as Markdown again on every frame, and its React subtree
// is redrawn with it. Data: {key, html}; live frames (assets/frame_pump.js) reach it under that key
// as UTF-8 bytes.
const live = (window.__descentlabLive ||= { targets: new Map() });
const decoder = new TextDecoder();

function show(box, html) {
  if (typeof html === "string" && box.__html !== html) {
    box.innerHTML = html;
    box.__html = html;
  }
}

export default function ({ data, parentElement }) {
  let box = parentElement.__descentlabHtml;
  if (!box) {
    box = document.createElement("div");
    parentElement.appendChild(box);
    parentElement.__descentlabHtml = box;
    box.take = (bytes) => {
      show(box, decoder.decode(bytes));
      return Promise.resolve();
    };
  }
  if (!data) return;
  box.key = data.key;
  live.targets.set(data.key, box.take);
  show(box, data.html);
  return () => setTimeout(() => { // only once the element has really left the page
    if (!parentElement.isConnected && live.targets.get(box.key) === box.take) live.targets.delete(box.key);
  }, 0);
}
