/* German defaults for the host's ticket table (DataTables): the texts come from our catalogue,
   written into the page as JSON by helpdesk/custom_navigation_header.html. This script runs
   deferred: after DataTables is loaded, before the page's ready handler builds the table.

   What the host's templates did in inline event handlers (onclick=…, oninput=…), which our
   Content-Security-Policy does not run (script-src-attr 'none'; see ulm_servicepoint.security):
   the caret icons of collapsible sections, and the checklist template editor's task rows.
   And "public" unticked when the update form moves the ticket to another department. */
(function () {
  "use strict";

  var language = document.getElementById("ulm-datatables-language");
  var dataTable = window.jQuery && window.jQuery.fn.dataTable;
  if (language && dataTable && dataTable.defaults) {
    window.jQuery.extend(true, dataTable.defaults.language, JSON.parse(language.textContent));
  }

  function toggleCaret(icon) {
    if (icon) {
      icon.classList.toggle("fa-caret-down");
      icon.classList.toggle("fa-caret-up");
    }
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-bs-toggle='collapse']");
    if (toggle) {
      // the toggle's own caret, or the caret of the button beside a checklist's name
      var icon = toggle.querySelector("i.fa-caret-down, i.fa-caret-up");
      if (!icon && toggle.parentElement) {
        var group = toggle.closest(".d-flex");
        icon = group ? group.querySelector("button i.fa-caret-down, button i.fa-caret-up") : null;
      }
      toggleCaret(icon);
    }
    var remove = event.target.closest("#tasks button");
    if (remove && remove.querySelector(".fa-times") && typeof removeTask === "function") {
      removeTask(remove); // eslint-disable-line no-undef -- defined by the host's page
    }
  });

  // Moving a ticket to another department in the host's update form is an internal step: the
  // comment then goes to the department, not to the citizen, so "public" (ticked by the host's
  // default) is unticked; the agent may tick it again.
  document.addEventListener("change", function (event) {
    if (event.target.id === "id_queue") {
      var box = document.getElementById("id_public");
      if (box && box.type === "checkbox") {
        box.checked = false;
      }
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.classList.contains("taskInput") &&
        typeof updateTemplateTaskList === "function") {
      updateTemplateTaskList(); // eslint-disable-line no-undef -- defined by the host's page
    }
  });
})();
