// The work list by keyboard: j/k or arrow keys move between requests, Enter opens the focused
// one, x selects it for a bulk action, / jumps to the search. Keys typed into a field count as
// typing, not as commands.
(function () {
  "use strict";
  var table = document.getElementById("worklist");
  if (!table) return;
  var rows = Array.prototype.slice.call(table.querySelectorAll("tr.worklist-row"));
  function current() {
    return rows.indexOf(document.activeElement.closest ? document.activeElement.closest("tr.worklist-row") : null);
  }
  function focusRow(index) {
    if (!rows.length) return;
    var row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    rows.forEach(function (r) { r.classList.remove("table-active"); r.removeAttribute("aria-current"); });
    row.classList.add("table-active");
    row.setAttribute("aria-current", "true");
    row.focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName));
    if (typing && !(target.tagName === "INPUT" && target.type === "checkbox")) return;
    var at = current();
    if (event.key === "j" || event.key === "ArrowDown") {
      focusRow(at < 0 ? 0 : at + 1);
    } else if (event.key === "k" || event.key === "ArrowUp") {
      focusRow(at < 0 ? 0 : at - 1);
    } else if (event.key === "Enter" && at >= 0 && target.tagName === "TR") {
      window.location.assign(rows[at].getAttribute("data-href"));
    } else if (event.key === "x" && at >= 0) {
      var box = rows[at].querySelector("input[type=checkbox]");
      box.checked = !box.checked;
    } else if (event.key === "/") {
      document.getElementById("wl-q").focus();
    } else {
      return;
    }
    event.preventDefault();
  });
})();
