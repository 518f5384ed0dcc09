// Progressive enhancement only: every page works without JavaScript (the pull command is shown as text, forms post).
document.addEventListener("DOMContentLoaded", () => {
  if (navigator.clipboard && window.isSecureContext) {
    for (const button of document.querySelectorAll("button.copy[data-copy]")) {
      button.hidden = false;
      button.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(button.dataset.copy);
          button.textContent = "Copied";
        } catch (e) {
          button.textContent = "Copy failed: select the text";
        }
        setTimeout(() => { button.textContent = "Copy"; }, 2000);
      });
    }
  }
});
// Destructive forms ask first; htmx may swap content in, so listen on the document.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
