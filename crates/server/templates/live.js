// Progressive enhancement of the front page: follow /api/v1/events and say which listed stories
// gained articles, with a link to reload. The page works the same without it. Writes text only
// (textContent), never markup.
(function () {
  "use strict";
  var notice = document.getElementById("live");
  if (!notice || typeof EventSource === "undefined") return;
  var changed = new Set();
  var source = new EventSource("/api/v1/events");
  source.addEventListener("stories", function (e) {
    var data;
    try { data = JSON.parse(e.data); } catch (_) { return; }
    (data.stories || []).forEach(function (s) {
      changed.add(String(s.id));
      var row = document.querySelector('li[data-story="' + CSS.escape(String(s.id)) + '"]');
      if (row) row.classList.add("updated");
    });
    show(changed.size + (changed.size === 1 ? " story has" : " stories have") + " new articles. ");
  });
  source.addEventListener("reset", function () {
    show("Many articles arrived. ");
  });
  function show(text) {
    notice.textContent = text;
    var link = document.createElement("a");
    link.href = window.location.pathname + window.location.search;
    link.textContent = "Reload the list";
    notice.appendChild(link);
    notice.hidden = false;
  }
})();
