// Copy attribution (issue 10): a reader who copies more than the threshold of an article body
// gets "Source: <edition> — <URL>" appended, in both the plain-text and the HTML flavour.
// Data comes from the server-rendered [data-copy-attribution] element (copy_attribution tag).

const config = document.querySelector("[data-copy-attribution]");
const body = document.querySelector("[data-article-body]");

function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}

function selectionInBody(selection) {
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return false;
  for (let i = 0; i < selection.rangeCount; i += 1) {
    if (selection.getRangeAt(i).intersectsNode(body)) return true;
  }
  return false;
}

function selectionHtml(selection) {
  const container = document.createElement("div");
  for (let i = 0; i < selection.rangeCount; i += 1) {
    container.appendChild(selection.getRangeAt(i).cloneContents());
  }
  return container.innerHTML;
}

function onCopy(event) {
  const selection = document.getSelection();
  if (!event.clipboardData || !selectionInBody(selection)) return;
  const text = selection.toString();
  const threshold = Number.parseInt(config.dataset.threshold, 10);
  if (!(text.length > threshold)) return;
  const { label, edition, url } = config.dataset;
  const line = `${label}: ${edition} — ${url}`;
  event.clipboardData.setData("text/plain", `${text}\n\n${line}`);
  const link = `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
  event.clipboardData.setData(
    "text/html",
    `${selectionHtml(selection)}<p>${escapeHtml(label)}: ${escapeHtml(edition)} — ${link}</p>`,
  );
  event.preventDefault();
}

if (config && body) {
  document.addEventListener("copy", onCopy);
}
