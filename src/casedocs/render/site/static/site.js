// casedocs teaching file: filters and search on the index and library (kept in the address,
// so Back, reload and a shared link show the same list), the Escape key for the full-size
// view, stacks scrolled slice by slice, and answers opened for printing. Pages work without
// it (a stack then shows its key slice).
"use strict";

// Search ignores case, accents and British or American spelling: "haemoptysis" finds
// "hemoptysis", "tumour" finds "tumor", "Ödem" finds "odem".
function folded(text) {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ae/g, "e")
    .replace(/oe/g, "e")
    .replace(/our\b/g, "or");
}

function filterItems() {
  const form = document.getElementById("filters");
  const items = Array.from(document.querySelectorAll("[data-item]"));
  const search = document.getElementById("search");
  const count = document.getElementById("count");
  const empty = document.getElementById("empty");
  const selects = Array.from(form.querySelectorAll("select[data-facet]"));
  const words = folded(search.value).split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const item of items) {
    if (item.dataset.folded === undefined) item.dataset.folded = folded(item.dataset.search);
    const text = item.dataset.folded;
    let visible = words.every((word) => text.includes(word));
    for (const select of selects) {
      if (visible && select.value) {
        visible = JSON.parse(item.dataset[select.dataset.facet]).includes(select.value);
      }
    }
    item.hidden = !visible;
    if (visible) shown += 1;
  }
  count.textContent = count.dataset.template.replace("{shown}", String(shown));
  empty.hidden = shown > 0;
}

// The search and each filter, as the address's query: ?q=mass&modalities=CT
function fields(form) {
  return [document.getElementById("search"), ...form.querySelectorAll("select[data-facet]")];
}

function fieldName(field) {
  return field.id === "search" ? "q" : field.dataset.facet;
}

function remember(form) {
  const query = new URLSearchParams();
  for (const field of fields(form)) {
    if (field.value) query.set(fieldName(field), field.value);
  }
  const text = query.toString();
  const address = location.pathname + (text ? "?" + text : "");
  try {
    history.replaceState(null, "", address);
  } catch (refused) {
    // A page opened from a file may not change its address in some browsers: the list
    // still filters, it is only not remembered.
  }
}

function restore(form) {
  const query = new URLSearchParams(location.search);
  for (const field of fields(form)) {
    const value = query.get(fieldName(field));
    if (value === null) continue;
    const known = field.tagName !== "SELECT" || [...field.options].some((o) => o.value === value);
    if (known) field.value = value;
  }
}

function setUpFilters() {
  const form = document.getElementById("filters");
  if (!form) return;
  form.hidden = false;
  const changed = () => {
    filterItems();
    remember(form);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => event.preventDefault());
  restore(form);
  filterItems();
  // Back to this page: the browser may keep the form as it was without telling the script.
  window.addEventListener("pageshow", () => {
    restore(form);
    filterItems();
  });
}

function setUpLightboxes() {
  // The full-size view is a CSS :target; the keyboard moves into it and Escape leaves it.
  window.addEventListener("hashchange", () => {
    const target = document.querySelector(":target");
    if (!target) return;
    const control = target.querySelector(target.matches(".lightbox") ? ".close" : ".zoom");
    if (control) control.focus();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !location.hash.endsWith("-full")) return;
    const close = document.querySelector(".lightbox:target .close");
    if (close) close.click();
  });
}

// A stack: one slider over its frames, which are files beside the page, loaded as they are
// reached (and the next few ahead), so a long series opens as fast as one image.
const SLICE_STEP_PX = 6; // a drag of this many pixels moves one slice
const PAGE_SLICES = 10; // Page Up and Page Down
const AHEAD = 4; // frames fetched beyond the one shown, in the direction of travel

function setUpStacks() {
  for (const viewer of document.querySelectorAll(".stack[data-pattern]")) stackViewer(viewer);
}

function stackViewer(viewer) {
  const image = viewer.querySelector("img");
  const counter = viewer.querySelector(".counter");
  const first = Number(viewer.getAttribute("aria-valuemin"));
  const last = Number(viewer.getAttribute("aria-valuemax"));
  const total = counter.textContent.split("/")[1].trim();
  const fetched = new Map();
  let current = Number(viewer.getAttribute("aria-valuenow"));
  let wheel = 0;
  let dragFrom = null;

  const source = (number) =>
    viewer.dataset.pattern.replace("{}", String(number).padStart(Number(viewer.dataset.digits), "0"));
  const fetch = (number) => {
    if (number < first || number > last || fetched.has(number)) return;
    const frame = new Image();
    frame.src = source(number);
    fetched.set(number, frame);
  };
  const show = (number) => {
    const next = Math.min(last, Math.max(first, number));
    if (next === current) return;
    const step = Math.sign(next - current);
    current = next;
    image.src = source(current);
    counter.textContent = `${current} / ${total}`;
    viewer.setAttribute("aria-valuenow", String(current));
    viewer.setAttribute("aria-valuetext", viewer.dataset.valuetext.replace("{}", String(current)));
    for (let ahead = 1; ahead <= AHEAD; ahead += 1) fetch(current + step * ahead);
  };
  fetched.set(current, image);
  // Window presets: the same slice in another set of frames.
  const group = viewer.previousElementSibling;
  if (group && group.matches(".windows")) {
    for (const button of group.querySelectorAll("button[data-pattern]")) {
      button.addEventListener("click", () => {
        viewer.dataset.pattern = button.dataset.pattern;
        fetched.clear();
        fetched.set(current, image);
        image.src = source(current);
        for (const other of group.querySelectorAll("button")) {
          other.setAttribute("aria-pressed", String(other === button));
        }
      });
    }
  }

  viewer.addEventListener("wheel", (event) => {
    event.preventDefault(); // the page stays put while the stack scrolls
    wheel += event.deltaMode === 0 ? event.deltaY / 40 : event.deltaY;
    const slices = Math.trunc(wheel);
    if (slices !== 0) {
      wheel -= slices;
      show(current + slices);
    }
  }, { passive: false });
  viewer.addEventListener("keydown", (event) => {
    const moves = {
      ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1,
      PageUp: -PAGE_SLICES, PageDown: PAGE_SLICES,
    };
    if (event.key in moves) show(current + moves[event.key]);
    else if (event.key === "Home") show(first);
    else if (event.key === "End") show(last);
    else return;
    event.preventDefault();
  });
  viewer.addEventListener("pointerdown", (event) => {
    dragFrom = { y: event.clientY, slice: current };
    viewer.setPointerCapture(event.pointerId);
  });
  viewer.addEventListener("pointermove", (event) => {
    if (dragFrom) show(dragFrom.slice + Math.round((event.clientY - dragFrom.y) / SLICE_STEP_PX));
  });
  const stop = () => { dragFrom = null; };
  viewer.addEventListener("pointerup", stop);
  viewer.addEventListener("pointercancel", stop);
}

function openAnswersForPrinting() {
  window.addEventListener("beforeprint", () => {
    for (const answer of document.querySelectorAll("details.answer")) answer.open = true;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpFilters();
  setUpLightboxes();
  setUpStacks();
  openAnswersForPrinting();
});
