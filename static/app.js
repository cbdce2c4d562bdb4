// Enhancements, each optional (without script, Tab reaches the box, a link the list, the
// filters are open below the results): "/" leads to the search box (in a field it is typed,
// but in that box while empty); related stories and a search's terms are fetched from their
// own pages into their links' place; a phone's filters fold, their link unfolds them; the
// sort applies when chosen; a list of places or sources narrows as a name is typed.
"use strict";

document.documentElement.classList.add("js"); // shows the "Press / to search" hint

function isTyping(target) {
  return target instanceof Element &&
    (target.isContentEditable || target.closest("input, textarea, select") !== null);
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const box = document.querySelector('input[aria-keyshortcuts="/"]');
  if (!box || event.defaultPrevented) return;
  if (event.target === box && !box.value) return event.preventDefault(); // there already
  if (isTyping(event.target)) return;
  event.preventDefault(); // or the "/" would be typed into the box
  box.focus();
  box.select();
});

const related = document.querySelector("[data-related]");
if (related) {
  fetchPage(related.dataset.related, (page) => {
    const list = page.querySelector(".related-list");
    if (list) related.querySelector(".related-link").replaceWith(document.adoptNode(list));
    else related.remove(); // nothing shares the story's key words
  });
}

const filters = document.querySelector(".facet-panel");
if (filters && window.matchMedia("(max-width: 59.99rem)").matches) {
  filters.open = false;
  for (const link of document.querySelectorAll('a[href="#filters"]')) {
    link.addEventListener("click", () => { filters.open = true; });
  }
}

for (const form of document.querySelectorAll("form[data-submit-on-change]")) {
  const sort = form.querySelector('select[name="sort"]');
  if (sort) sort.addEventListener("change", () => form.requestSubmit());
}

for (const box of document.querySelectorAll("input[data-filters]")) {
  const items = [...document.querySelectorAll(`${box.dataset.filters} li`)];
  box.addEventListener("input", () => {
    const wanted = box.value.trim().toLocaleLowerCase();
    for (const item of items) {
      item.hidden = !item.querySelector("a").textContent.toLocaleLowerCase().includes(wanted);
    }
  });
}

const terms = document.querySelector("[data-terms]");
if (terms) {
  fetchPage(terms.dataset.terms, (page) => {
    terms.append(document.adoptNode(page.querySelector(".terms-found")));
  });
}

// A page of the site, parsed, handed to `use`; on failure the link to it stays.
function fetchPage(url, use) {
  fetch(url)
    .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
    .then((html) => use(new DOMParser().parseFromString(html, "text/html")))
    .catch(() => {});
}
