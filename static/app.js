// Keyboard shortcut: "/" focuses the page's search box, as on many sites.
// It only enhances: without it every page works and Tab reaches the box.
"use strict";

document.documentElement.classList.add("js"); // shows the "Press / to search" hint

function isTyping(target) {
  return target instanceof Element &&
    (target.isContentEditable || target.closest("input, textarea, select") !== null);
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.defaultPrevented || isTyping(event.target)) return;
  const box = document.querySelector('input[type="search"]');
  if (!box) return;
  event.preventDefault(); // or the "/" would be typed into the box
  box.focus();
  box.select();
});
