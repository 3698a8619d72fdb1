/* Suggestions while a citizen types into a form (ulm_knowledge): up to three services of the
   city that may already answer the question, each with "Hat das Ihre Frage beantwortet?".
   All texts come from the section's data attributes (translated in the template). Without
   this script the form works as before. */
(function () {
  "use strict";
  var section = document.getElementById("kb-live");
  if (!section || !window.fetch) return;
  var list = document.getElementById("kb-live-liste");
  var status = document.getElementById("kb-live-status");
  var d = section.dataset;
  var sources = document.querySelectorAll(d.source);
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var rated = {};
  var shownKey = "";
  var timer = null;

  function alreadyLinked(id) {
    return document.querySelector("#kb-vorschlaege [data-kbitem='" + id + "']") !== null;
  }

  function rate(item, choice, question) {
    var body = new FormData();
    body.append("kbitem", item.kbitem);
    body.append("feedback", choice);
    body.append("page", d.page || "");
    if (token) body.append("csrfmiddlewaretoken", token.value);
    fetch(d.feedbackUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": token ? token.value : ""}
    }).then(function (response) {
      if (!response.ok) return;
      rated[item.kbitem] = choice;
      var thanks = document.createElement("p");
      thanks.className = "notice";
      thanks.setAttribute("role", "status");
      thanks.textContent = choice === "helpful" ? d.helpful : d.notHelpful;
      question.replaceWith(thanks);
    });
  }

  function entry(item) {
    var li = document.createElement("li");
    li.className = "kb-suggestion";
    li.dataset.kbitem = item.kbitem;
    var link = document.createElement("a");
    link.href = item.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = item.title + " ";
    var hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = d.newWindow;
    link.appendChild(hint);
    li.appendChild(link);
    if (item.summary) {
      var summary = document.createElement("p");
      summary.textContent = item.summary;
      li.appendChild(summary);
    }
    if (rated[item.kbitem]) return li;
    var question = document.createElement("fieldset");
    question.className = "kb-question";
    var legend = document.createElement("legend");
    legend.textContent = d.question;
    question.appendChild(legend);
    [["helpful", d.yes, "button button--small"],
     ["not_helpful", d.no, "button button--small button--secondary"]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = b[2];
      button.textContent = b[1];
      button.addEventListener("click", function () { rate(item, b[0], question); });
      question.appendChild(button);
    });
    li.appendChild(question);
    return li;
  }

  function show(results) {
    results = results.filter(function (item) { return !alreadyLinked(item.kbitem); });
    var key = results.map(function (item) { return item.kbitem; }).join(",");
    if (key === shownKey) return;
    shownKey = key;
    list.textContent = "";
    results.forEach(function (item) { list.appendChild(entry(item)); });
    section.hidden = results.length === 0;
    status.textContent = results.length ? d.found + " " + results.length : "";
  }

  function lookup() {
    var text = Array.prototype.map.call(sources, function (f) { return f.value; }).join(" ").trim();
    if (text.length < 3) return;
    fetch(d.url + "?q=" + encodeURIComponent(text.slice(0, 2000)), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {results: []}; })
      .then(function (data) { show(data.results); });
  }

  Array.prototype.forEach.call(sources, function (field) {
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 500);
    });
  });
})();
