/* The knowledge base's panels for agents (ulm_knowledge): in the ticket view and in the capture
   screen. A live search while the agent types (in the panel's box, or in a field it follows),
   and one click that fills the reply or the answer given with the composed answer.
   The panel's data attributes say where: data-search-url, data-answer-url (…/0/ for the item),
   data-method (POST: the ticket, recorded at once; GET: the capture, recorded when it is saved),
   data-target (the textarea to fill), data-chosen (a hidden input that takes the item),
   data-follow (a field whose text also searches), data-append (add to the text, not replace),
   and the translated texts data-use-label, data-done-text, data-results-text. */
(function () {
  "use strict";

  function init(panel) {
    var d = panel.dataset;
    var results = panel.querySelector(".kb-results");
    var status = panel.querySelector(".kb-status");
    var search = panel.querySelector("input[type=search]");
    var chosen = d.chosen ? document.getElementById(d.chosen) : null;
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null;

    function use(id) {
      var options = {credentials: "same-origin", headers: {"Accept": "application/json"}};
      if (d.method === "POST") {
        options.method = "POST";
        options.headers["X-CSRFToken"] = token ? token.value : "";
      }
      fetch(d.answerUrl.replace(/0\/$/, id + "/"), options)
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var box = document.getElementById(d.target);
          if (!box || !data.text) return;
          box.value = d.append && box.value ? box.value + "\n\n" + data.text : data.text;
          if (chosen) chosen.value = data.kbitem;
          box.focus();
          status.textContent = d.doneText;
        });
    }

    results.addEventListener("click", function (event) {
      var button = event.target.closest(".kb-use");
      if (button) { event.preventDefault(); use(button.dataset.kbitem); }
    });

    function show(hits) {
      results.querySelectorAll(".kb-found, .kb-none").forEach(function (li) { li.remove(); });
      var listed = {};
      results.querySelectorAll("li[data-kbitem]").forEach(function (li) { listed[li.dataset.kbitem] = true; });
      hits.forEach(function (hit) {
        if (listed[hit.id]) return;
        var li = document.createElement("li");
        li.className = "mb-2 kb-found";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary kb-use";
        button.dataset.kbitem = hit.id;
        button.textContent = d.useLabel;
        var title = document.createElement("strong");
        title.textContent = " " + hit.title;
        li.appendChild(button);
        li.appendChild(title);
        results.appendChild(li);
      });
      status.textContent = hits.length + " " + d.resultsText;
    }

    function lookup(q) {
      clearTimeout(timer);
      if (q.trim().length < 2) return;
      timer = setTimeout(function () {
        fetch(d.searchUrl + "?limit=5&q=" + encodeURIComponent(q.slice(0, 2000)), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) { show(data.results); });
      }, 300);
    }

    search.addEventListener("input", function () { lookup(search.value); });
    // Enter in the search box must not send the form around it (the capture)
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); lookup(search.value); }
    });
    var follow = d.follow ? document.getElementById(d.follow) : null;
    if (follow) follow.addEventListener("input", function () { if (!search.value) lookup(follow.value); });
    var target = document.getElementById(d.target);
    if (chosen && target) target.addEventListener("input", function () { if (!target.value.trim()) chosen.value = ""; });
  }

  document.querySelectorAll("[data-kb-panel]").forEach(init);
})();
