// Progressive enhancements only: every page works without this script.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  source.select();
  navigator.clipboard?.writeText(source.value).then(
    () => { button.textContent = "Copied"; },
    () => { button.textContent = "Select and copy the link"; },
  );
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// The account menu is a <details>, so it opens and closes without this script;
// here it also closes as menus do: on Escape (focus back on its name) and on a
// click or focus anywhere else.
const accountMenu = document.querySelector("details.account-menu");
if (accountMenu) {
  const closeUnlessInside = (event) => {
    if (accountMenu.open && !accountMenu.contains(event.target)) accountMenu.open = false;
  };
  document.addEventListener("click", closeUnlessInside);
  document.addEventListener("focusin", closeUnlessInside);
  accountMenu.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !accountMenu.open) return;
    accountMenu.open = false;
    accountMenu.querySelector("summary").focus();
  });
}
