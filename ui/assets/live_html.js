// A block of HTML that the server replaces on every live frame (the status line), set as soon as it
// arrives: st.markdown would parse the HTML as Markdown again on every frame, and its React subtree
// is redrawn with it.
export default function ({ data, parentElement }) {
  let box = parentElement.__descentlabHtml;
  if (!box) {
    box = document.createElement("div");
    parentElement.appendChild(box);
    parentElement.__descentlabHtml = box;
  }
  if (typeof data === "string" && box.__html !== data) {
    box.innerHTML = data;
    box.__html = data;
  }
}
