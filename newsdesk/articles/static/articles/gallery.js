// Photo galleries (issue 14): previous/next buttons, the arrow keys, Home and End step through
// the slides of each server-rendered [data-gallery]; swiping is the browser's own scroll-snap
// (site.css), which also works without this script. Labels come from the markup, already in
// the edition's language.

const KEYS = { ArrowLeft: -1, ArrowRight: 1 };

function enhance(gallery) {
  const track = gallery.querySelector("[data-gallery-track]");
  const slides = Array.from(gallery.querySelectorAll("[data-gallery-slide]"));
  const previous = gallery.querySelector("[data-gallery-prev]");
  const next = gallery.querySelector("[data-gallery-next]");
  const status = gallery.querySelector("[data-gallery-status]");
  if (!track || !previous || !next || !status || slides.length < 2) return;

  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  let current = 0;
  // The slide a scroll we started is heading for: scroll events on the way are not the
  // reader's swipes and must not move `current` back.
  let heading = null;
  let headingTimer = 0;
  let frame = 0;

  function slideAtScroll() {
    return Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
  }

  function render() {
    status.textContent = `${current + 1} / ${slides.length}`;
    previous.setAttribute("aria-disabled", String(current === 0));
    next.setAttribute("aria-disabled", String(current === slides.length - 1));
  }

  function show(index) {
    const target = Math.max(0, Math.min(slides.length - 1, index));
    current = target;
    render();
    if (slideAtScroll() === target) return;
    heading = target;
    window.clearTimeout(headingTimer);
    headingTimer = window.setTimeout(() => {
      heading = null;
    }, 1500);
    track.scrollTo({ left: slides[target].offsetLeft, behavior: reducedMotion.matches ? "auto" : "smooth" });
  }

  function onScroll() {
    if (frame) return;
    frame = window.requestAnimationFrame(() => {
      frame = 0;
      const at = slideAtScroll();
      if (heading !== null) {
        if (at === heading) heading = null;
        return;
      }
      if (at !== current) {
        current = Math.max(0, Math.min(slides.length - 1, at));
        render();
      }
    });
  }

  function onKeydown(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    let target = null;
    if (event.key in KEYS) target = current + KEYS[event.key];
    else if (event.key === "Home") target = 0;
    else if (event.key === "End") target = slides.length - 1;
    if (target === null) return;
    event.preventDefault();
    show(target);
  }

  previous.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => show(current + 1));
  gallery.addEventListener("keydown", onKeydown);
  track.addEventListener("scroll", onScroll, { passive: true });
  gallery.classList.add("is-enhanced");
  render();
}

document.querySelectorAll("[data-gallery]").forEach(enhance);
