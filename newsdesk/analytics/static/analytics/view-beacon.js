// Reports a reader's view of the article and shows the count the server answers with
// (issue 3). The page may come from a cache, so counting happens here, not in the view.
// Prerendered and prefetched pages are not views until the reader actually sees them.

const beacon = document.querySelector("[data-view-beacon]");

function showCount(views) {
  for (const element of document.querySelectorAll("[data-view-count]")) {
    element.textContent = String(views);
  }
}

function report() {
  const article = Number(beacon.dataset.article);
  fetch(beacon.dataset.endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ article }),
    credentials: "omit",
    keepalive: true,
  })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (data && Number.isInteger(data.views)) showCount(data.views);
    })
    .catch(() => {});
}

if (beacon) {
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", report, { once: true });
  } else if (document.visibilityState === "prerender") {
    document.addEventListener("visibilitychange", function onVisible() {
      if (document.visibilityState === "prerender") return;
      document.removeEventListener("visibilitychange", onVisible);
      report();
    });
  } else {
    report();
  }
}
