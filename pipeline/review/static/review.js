// Keyboard shortcuts for the review queue: a accept, e edit, r reject (r twice, or r then Enter: a rejection
// asks once more), j/k next/previous, Esc cancels an edit or a pending rejection.
(function () {
  "use strict";
  var armed = false;  // r was pressed once: the next r (or Enter) rejects
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
  function confirmBox(show) {
    var box = document.getElementById("confirm-reject");
    armed = show && !!box;
    if (box) box.hidden = !show;
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
    // A link to a fact (#fact-…, #add-…) opens its form.
    if (window.location.hash) {
      var target = document.getElementById(window.location.hash.slice(1));
      if (target && target.tagName.toLowerCase() === "details") target.open = true;
    }
  });
  document.addEventListener("keydown", function (event) {
    if (document.body.dataset.page !== "queue") return;
    if (event.key === "Escape") { hideEdit(); confirmBox(false); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var body = document.body.dataset;
    if (armed && (event.key === "r" || event.key === "Enter")) {
      event.preventDefault(); confirmBox(false); submit("form-reject"); return;
    }
    if (armed) confirmBox(false);  // any other key cancels the pending rejection
    switch (event.key) {
      case "a": event.preventDefault(); submit("form-accept"); break;
      case "r": if (document.getElementById("form-reject")) { event.preventDefault(); confirmBox(true); } break;
      case "e": event.preventDefault(); showEdit(); break;
      case "j": if (body.next) window.location.assign(body.next); break;
      case "k": if (body.prev) window.location.assign(body.prev); break;
    }
  });
})();
