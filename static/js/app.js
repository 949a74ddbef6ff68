// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Tell the server the browser's time zone, so times render in the reader's zone.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var current = document.cookie.split("; ").find(function (c) { return c.indexOf("tz=") === 0; });
    if (zone && (!current || decodeURIComponent(current.slice(3)) !== zone)) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax" +
        (location.protocol === "https:" ? "; secure" : "");
    }
  } catch (e) { /* old browsers: the server default applies */ }

  // Ask before an action that is hard to undo (app/core/confirm.py); once confirmed here, the server acts at once
  // instead of answering its confirmation page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (!question) { return; }
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    var flag = form.querySelector("input[name=confirmed]");
    if (!flag) {
      flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      form.appendChild(flag);
    }
    flag.value = "1";
  });

  // An unfinished import's page (app/incidents/import_views.py) follows its job: the page is fetched again every
  // few seconds and its status and outcome replaced, until the import has finished. Without this file, the
  // page's "Refresh now" link does the same (a page that reloads itself would move screen readers to its top).
  var outcome = document.querySelector("[data-refresh-every]");
  if (outcome && window.fetch && window.DOMParser) {
    var every = Number(outcome.getAttribute("data-refresh-every")) * 1000;
    var follow = function () {
      fetch(location.href, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById(outcome.id);
        var status = page.getElementById("import-status");
        if (!fresh || !status) { return; }
        document.getElementById("import-status").textContent = status.textContent;
        outcome.replaceWith(fresh);
        outcome = fresh;
        if (fresh.hasAttribute("data-refresh-every")) { window.setTimeout(follow, every); }
      }).catch(function () { window.setTimeout(follow, every * 5); });
    };
    window.setTimeout(follow, every);
  }
})();

// Incidents (issue #22). The list's filter panel opens by itself on a wide screen (on a phone it stays closed, so
// the first result is near the top); the incident form's list of sections marks the one in view.
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (panel) { panel.open = true; });
  }
  var links = document.querySelectorAll(".form-steps a[href^='#']");
  if (!links.length || !("IntersectionObserver" in window)) { return; }
  var byId = {};
  links.forEach(function (link) { byId[link.getAttribute("href").slice(1)] = link; });
  var mark = function (id) {
    links.forEach(function (link) { link.removeAttribute("aria-current"); });
    byId[id].setAttribute("aria-current", "step");
  };
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) { if (entry.isIntersecting) { mark(entry.target.id); } });
  }, { rootMargin: "0px 0px -60% 0px" });
  Object.keys(byId).forEach(function (id) {
    var section = document.getElementById(id);
    if (section) { observer.observe(section); }
  });
})();

// Workspace navigation (issue #22): the menu's "Manage" group closes on Escape (focus back on it) and on a click
// elsewhere, as menus do. Without JavaScript it is a plain <details> that opens and closes on its summary.
(function () {
  var groups = document.querySelectorAll(".main-nav .nav-group details");
  if (!groups.length) { return; }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    groups.forEach(function (group) {
      if (group.open) {
        group.open = false;
        group.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) {
      if (group.open && !group.contains(event.target)) { group.open = false; }
    });
  });
})();
