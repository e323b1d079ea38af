// Readers' error reports (issue 4): select text in the article and press Ctrl+Enter
// (Cmd+Enter on macOS), or tap the "Report an error" button that touch screens get next
// to a selection. The dialog's words come from the page (#error-report-strings, rendered
// in the edition's language); the report goes to the JSON endpoint, which checks Origin,
// so the cached article page needs no token. See docs/corrections.md.

// Elements treated as one paragraph; keep in step with newsdesk/articles/text.py BLOCK_ELEMENTS.
const BLOCK_SELECTOR = "p, li, h2, h3, h4, h5, h6, blockquote, figcaption, td, th";
// Text sent either side of the selection: enough to find the place again.
const CONTEXT_CHARS = 200;
const SENTENCE_END = /[.!?…]["»”’)]*\s/g;

const collapse = (text) => text.replace(/\s+/g, " ");

function blockOf(node, body) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const block = element && element.closest(BLOCK_SELECTOR);
  return block && body.contains(block) ? block : body;
}

function textBetween(startNode, startOffset, endNode, endOffset) {
  const range = document.createRange();
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset);
  return range.toString();
}

// The reader's selection if it lies within the article text, with the text around it.
function captureSelection(body, maxLength) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!body.contains(range.commonAncestorContainer)) return null;
  const raw = range.toString();
  const text = collapse(raw).trim();
  if (!text) return null;
  const startBlock = blockOf(range.startContainer, body);
  const endBlock = blockOf(range.endContainer, body);
  // Whitespace trimmed off the selection belongs to its surroundings.
  const before = collapse(
    textBetween(startBlock, 0, range.startContainer, range.startOffset) + raw.match(/^\s*/)[0],
  ).replace(/^ /, "");
  const after = collapse(
    raw.match(/\s*$/)[0] + textBetween(range.endContainer, range.endOffset, endBlock, endBlock.childNodes.length),
  ).replace(/ $/, "");
  return {
    range: range.cloneRange(),
    text,
    tooLong: text.length > maxLength,
    before: before.slice(-CONTEXT_CHARS),
    after: after.slice(0, CONTEXT_CHARS),
  };
}

// The selection's sentence: from the last sentence end before it to the first after it.
function sentenceParts(before, after) {
  let start = 0;
  for (const match of before.matchAll(SENTENCE_END)) start = match.index + match[0].length;
  const end = after.search(/[.!?…]/);
  return {
    before: (start > 0 ? "…" : "") + before.slice(start),
    after: end === -1 ? after : after.slice(0, end + 1),
  };
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function init(root, body) {
  const strings = JSON.parse(document.getElementById("error-report-strings").textContent);
  const limits = {
    selection: Number(root.dataset.maxSelection) || 300,
    comment: Number(root.dataset.maxComment) || 1000,
    suggestion: Number(root.dataset.maxSuggestion) || 300,
  };
  const platform = navigator.userAgentData?.platform || navigator.platform || navigator.userAgent;
  const isMac = /mac|iphone|ipad/i.test(platform);
  const keysHint = root.querySelector("[data-error-report-keys]");
  if (isMac && keysHint) keysHint.textContent = strings.macHint;

  let dialog = null;
  let parts = null;
  let current = null;
  let returnFocus = null;

  function buildDialog() {
    dialog = element("dialog", { class: "error-report", "aria-labelledby": "error-report-title" });
    const form = element("form", { class: "error-report__form", novalidate: "" });
    const title = element("h2", { id: "error-report-title", class: "error-report__title" }, strings.title);
    const contextLabel = element("p", { id: "error-report-context-label", class: "error-report__label" }, strings.inContext);
    const context = element("blockquote", { class: "error-report__context", "aria-labelledby": "error-report-context-label" });
    const fields = element("div", { class: "error-report__fields" });
    const comment = element("textarea", {
      id: "error-report-comment", name: "comment", rows: "3", maxlength: String(limits.comment), placeholder: strings.commentHint,
    });
    const suggestion = element("input", {
      id: "error-report-suggestion", name: "suggestion", type: "text", maxlength: String(limits.suggestion),
    });
    // Readers never see this field; simple bots fill it in and are ignored by the server.
    const trap = element("input", {
      name: "website", type: "text", class: "error-report__trap", tabindex: "-1", autocomplete: "off", "aria-hidden": "true",
    });
    fields.append(
      element("label", { for: "error-report-comment" }, strings.comment), comment,
      element("label", { for: "error-report-suggestion" }, strings.suggestion), suggestion, trap,
    );
    const status = element("p", { class: "error-report__status", role: "status", "aria-live": "polite" });
    const buttons = element("div", { class: "error-report__buttons" });
    const send = element("button", { type: "submit", class: "error-report__send" }, strings.send);
    const cancel = element("button", { type: "button", class: "error-report__cancel" }, strings.cancel);
    buttons.append(send, cancel);
    form.append(title, contextLabel, context, fields, status, buttons);
    dialog.append(form);
    document.body.append(dialog);

    parts = { form, context, fields, comment, suggestion, trap, status, send, cancel };
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", restore);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
  }

  function open(captured) {
    if (!dialog) buildDialog();
    current = captured;
    returnFocus = document.activeElement;
    const sentence = sentenceParts(captured.before, captured.after);
    parts.context.replaceChildren(
      document.createTextNode(sentence.before), element("mark", {}, captured.text), document.createTextNode(sentence.after),
    );
    parts.form.reset();
    parts.fields.hidden = false;
    parts.send.hidden = false;
    parts.send.disabled = false;
    parts.cancel.textContent = strings.cancel;
    parts.status.textContent = "";
    parts.status.classList.remove("is-error", "is-done");
    hideTouchButton();
    dialog.showModal();
    parts.comment.focus();
  }

  function restore() {
    if (current && !current.sent) {
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(current.range);
    }
    if (returnFocus && returnFocus !== document.body && document.contains(returnFocus)) {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function say(message, kind) {
    parts.status.textContent = message;
    parts.status.classList.toggle("is-error", kind === "error");
    parts.status.classList.toggle("is-done", kind === "done");
  }

  async function submit() {
    const payload = {
      article: Number(root.dataset.article),
      selected_text: current.text,
      context_before: current.before,
      context_after: current.after,
      comment: parts.comment.value,
      suggestion: parts.suggestion.value,
      url: location.origin + location.pathname,
      website: parts.trap.value,
    };
    parts.send.disabled = true;
    say(strings.sending);
    let response;
    let data = {};
    try {
      response = await fetch(root.dataset.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(payload),
        credentials: "same-origin",
      });
      data = await response.json().catch(() => ({}));
    } catch {
      response = null;
    }
    if (response && response.ok) {
      current.sent = true;
      parts.fields.hidden = true;
      parts.send.hidden = true;
      parts.cancel.textContent = strings.close;
      say(data.message || strings.sent, "done");
      parts.cancel.focus();
      return;
    }
    parts.send.disabled = false;
    const fromServer = response && response.status >= 400 && response.status < 500 && data.message;
    say(fromServer || strings.failed, "error");
  }

  // A brief message when the selection cannot be reported as it is.
  let toast = null;
  function notify(message) {
    if (!toast) {
      toast = element("p", { class: "error-report-toast", role: "status" });
      document.body.append(toast);
    }
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(notify.timer);
    notify.timer = setTimeout(() => { toast.hidden = true; }, 5000);
  }

  function report(captured) {
    if (captured.tooLong) notify(strings.tooLong);
    else open(captured);
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    if (dialog && dialog.open) return;
    const captured = captureSelection(body, limits.selection);
    if (!captured) return;
    event.preventDefault();
    report(captured);
  });

  // Touch screens have no Ctrl key: a button appears next to the selection instead.
  const coarse = window.matchMedia("(pointer: coarse)");
  let touched = false;
  let touchButton = null;
  let touchSelection = null;
  let selectionTimer = null;

  document.addEventListener("pointerdown", (event) => {
    if (event.target !== touchButton) touched = event.pointerType === "touch" || event.pointerType === "pen";
  }, { capture: true, passive: true });

  function hideTouchButton() {
    if (touchButton) touchButton.hidden = true;
    touchSelection = null;
  }

  function showTouchButton() {
    if (dialog && dialog.open) return;
    if (!(coarse.matches || touched)) return hideTouchButton();
    const captured = captureSelection(body, limits.selection);
    if (!captured) return hideTouchButton();
    if (!touchButton) {
      touchButton = element("button", { type: "button", class: "error-report-touch" }, strings.touchButton);
      // Keep the selection: pressing a button would otherwise clear it before the click.
      touchButton.addEventListener("pointerdown", (event) => event.preventDefault());
      touchButton.addEventListener("mousedown", (event) => event.preventDefault());
      touchButton.addEventListener("click", () => {
        const captured = touchSelection;
        hideTouchButton();
        if (captured) report(captured);
      });
      document.body.append(touchButton);
    }
    touchSelection = captured;
    const rects = captured.range.getClientRects();
    const last = rects.length ? rects[rects.length - 1] : captured.range.getBoundingClientRect();
    touchButton.hidden = false;
    // Below the selection's last line: the phone's own copy menu sits above it.
    const width = touchButton.offsetWidth;
    const left = Math.min(Math.max(8, last.left), document.documentElement.clientWidth - width - 8);
    touchButton.style.left = `${left + window.scrollX}px`;
    touchButton.style.top = `${last.bottom + window.scrollY + 12}px`;
  }

  document.addEventListener("selectionchange", () => {
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(showTouchButton, 150);
  });
}

const root = document.querySelector("[data-error-report]");
const body = document.querySelector("[data-article-body]");
if (root && body && document.getElementById("error-report-strings")) init(root, body);
