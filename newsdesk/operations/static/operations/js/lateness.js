// The lateness warning on every admin page (newsdesk/operations/wagtail_hooks.py): asks the
// server what is late and shows each sentence in Wagtail's own message area.
const script = document.querySelector("script[data-operations-lateness-url]");

async function showLateness() {
  // Signed-in pages only: the login page has no sidebar and the view would refuse anyway.
  if (!document.querySelector("[data-wagtail-sidebar]") || !script) return;
  const response = await fetch(script.dataset.operationsLatenessUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return;
  const { warnings } = await response.json();
  // Wagtail's message controller listens once its scripts have started.
  if (document.readyState !== "complete") {
    await new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
  }
  for (const text of warnings) {
    document.dispatchEvent(
      new CustomEvent("w-messages:add", { detail: { text, type: "warning" } }),
    );
  }
}

showLateness().catch(() => {});
