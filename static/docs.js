/* /docs: Swagger UI over the API's OpenAPI description (started here, not inline: CSP), in
   the reader's colour scheme: its own dark mode (html.dark-mode) follows the system's. */
(function () {
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function follow() {
    document.documentElement.classList.toggle("dark-mode", dark.matches);
  }
  follow();
  dark.addEventListener("change", follow);

  // Names for what Swagger UI leaves unnamed or misnamed, as it draws them (axe: button-name,
  // label-content-name-mismatch): its copy buttons, the close button of its dialog, and the
  // dialog's "Authorize" button, which is labelled otherwise.
  var NAMES = [
    [".copy-to-clipboard button:not([aria-label])", "Copy to the clipboard"],
    [".close-modal:not([aria-label])", "Close"],
  ];
  function name() {
    NAMES.forEach(function (pair) {
      document.querySelectorAll(pair[0]).forEach(function (button) {
        button.setAttribute("aria-label", pair[1]);
      });
    });
    document.querySelectorAll(".modal-btn.authorize[aria-label]").forEach(function (button) {
      button.removeAttribute("aria-label");
    });
  }

  var root = document.getElementById("swagger-ui");
  new MutationObserver(name).observe(root, { childList: true, subtree: true });
  window.SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: false, // its links sit inside the operations' buttons (axe: nested-interactive)
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    syntaxHighlight: { theme: "monokai" }, // "agate", its default, has red strings too dim
  });
})();
