// Progressive enhancements only: every page works without this script.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  source.select();
  navigator.clipboard?.writeText(source.value).then(
    // The words come from the page (data-copied, data-copy-failed), in its language.
    () => { button.textContent = button.dataset.copied || "Copied"; },
    () => { button.textContent = button.dataset.copyFailed || "Select and copy the link"; },
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

// A form marked data-busy (the chart import) shows, while its one request runs,
// the element it names: an indeterminate bar, since the page cannot know how far
// along the server is. Only the button marked data-busy-button sets it going.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-busy]");
  if (!form || event.defaultPrevented || !event.submitter?.hasAttribute("data-busy-button")) return;
  document.getElementById(form.dataset.busy)?.removeAttribute("hidden");
  form.setAttribute("aria-busy", "true");
  // Disabled once the browser has gathered the form, so a second press cannot send it twice.
  setTimeout(() => form.querySelectorAll("button").forEach((button) => { button.disabled = true; }), 0);
});
