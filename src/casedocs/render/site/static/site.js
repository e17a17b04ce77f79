// casedocs teaching file: filters and search on the index and library (kept in the address,
// so Back, reload and a shared link show the same list), the Escape key for the full-size
// view, and answers opened for printing. Pages work without it.
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

function openAnswersForPrinting() {
  window.addEventListener("beforeprint", () => {
    for (const answer of document.querySelectorAll("details.answer")) answer.open = true;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpFilters();
  setUpLightboxes();
  openAnswersForPrinting();
});
