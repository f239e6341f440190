// Keyboard shortcuts for the review queue: a accept, e edit, r reject, j/k next/previous, Esc cancels an edit.
(function () {
  "use strict";
  function typing(target) {
    var tag = (target && target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable);
  }
  function showEdit() {
    var form = document.getElementById("form-edit");
    if (!form) return;
    form.hidden = false;
    var first = form.querySelector("input:not([type=hidden]), select");
    if (first) { first.focus(); if (first.select) first.select(); }
  }
  function hideEdit() {
    var form = document.getElementById("form-edit");
    if (form) form.hidden = true;
  }
  function submit(id) {
    var form = document.getElementById(id);
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var edit = document.getElementById("btn-edit");
    if (edit) edit.addEventListener("click", showEdit);
    var cancel = document.getElementById("btn-cancel");
    if (cancel) cancel.addEventListener("click", hideEdit);
    var current = document.querySelector(".queue-list li.current");
    if (current && current.scrollIntoView) current.scrollIntoView({block: "nearest"});
  });
  document.addEventListener("keydown", function (event) {
    if (document.body.dataset.page !== "queue") return;
    if (event.key === "Escape") { hideEdit(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var body = document.body.dataset;
    switch (event.key) {
      case "a": event.preventDefault(); submit("form-accept"); break;
      case "r": event.preventDefault(); submit("form-reject"); break;
      case "e": event.preventDefault(); showEdit(); break;
      case "j": if (body.next) window.location.assign(body.next); break;
      case "k": if (body.prev) window.location.assign(body.prev); break;
    }
  });
})();
