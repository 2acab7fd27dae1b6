// Progressive enhancement for the people, account and audit pages (no inline script: the
// Content Security Policy allows only files from our own origin).
// 1. <time datetime="…" data-local> shows the instant in the reader's own time zone; without
//    this script the server's UTC text stays, which is still correct.
// 2. <button data-copy="ID" hidden> copies the text of element ID to the clipboard.
// 3. Enter in <input data-filter> (a filter inside a larger form) runs the filter instead of
//    sending the form half-filled.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.isComposing || e.keyCode === 229) return;
    if (!e.target.matches || !e.target.matches("input[data-filter]")) return;
    e.preventDefault();
    e.target.dispatchEvent(new Event("search", { bubbles: true }));
  });
  var format = { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d.getTime())) return;
    el.title = el.textContent;
    el.textContent = d.toLocaleString(undefined, format);
  });
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var id = button.getAttribute("data-copy");
    var source = document.getElementById(id);
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = "Copied";
        if (status) status.textContent = "Copied to the clipboard.";
      });
    });
  });
})();
