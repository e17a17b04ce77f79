// casedocs teaching file: filters and search on the index and library, the Escape key for the
// full-size view, and answers opened for printing. Pages work without it.
"use strict";

function filterItems() {
  const form = document.getElementById("filters");
  const items = Array.from(document.querySelectorAll("[data-item]"));
  const search = document.getElementById("search");
  const count = document.getElementById("count");
  const empty = document.getElementById("empty");
  const selects = Array.from(form.querySelectorAll("select[data-facet]"));
  const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const item of items) {
    const text = item.dataset.search;
    let visible = words.every((word) => text.includes(word));
    for (const select of selects) {
      if (visible && select.value) {
        visible = JSON.parse(item.dataset[select.dataset.facet]).includes(select.value);
      }
    }
    item.hidden = !visible;
    if (visible) shown += 1;
  }
  count.textContent = count.dataset.template
    .replace("{shown}", String(shown))
    .replace("{total}", String(items.length));
  empty.hidden = shown > 0;
}

function setUpFilters() {
  const form = document.getElementById("filters");
  if (!form) return;
  form.hidden = false;
  form.addEventListener("input", filterItems);
  form.addEventListener("change", filterItems);
  form.addEventListener("submit", (event) => event.preventDefault());
  filterItems();
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
