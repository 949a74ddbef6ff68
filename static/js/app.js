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
    var asking = event.submitter && event.submitter.hasAttribute("data-confirm") ? event.submitter : form;
    var question = asking.getAttribute("data-confirm");
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
  // Forms (issue #22): after a refused submit, the error summary (the form_errors macro) takes the focus, so
  // keyboard and screen-reader users land on what to fix; its links then take the focus to each field.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) { return; }
      event.preventDefault();
      target.focus();
      (target.closest(".field") || target).scrollIntoView({ block: "center" });
    });
  }

  // Searchable pickers (app/core/pickers.py): a search box above each select[data-picker] narrows its options to
  // those whose label, code or data-search words hold every word typed. The select keeps the submitted value:
  // the first match is chosen when the chosen option is filtered out, Enter or Down moves to the select.
  var fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase();
  };
  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    var label = document.querySelector("label[for='" + select.id + "']");
    var everything = Array.prototype.map.call(select.children, function (node) {
      var grouped = node.tagName === "OPTGROUP";
      return { group: grouped ? node : null, options: grouped ? Array.prototype.slice.call(node.children) : [node] };
    });
    var searchable = new Map();
    select.querySelectorAll("option").forEach(function (option) {
      searchable.set(option, fold(option.textContent + " " + option.value + " " + (option.dataset.search || "")));
    });
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-search";
    box.autocomplete = "off";
    box.setAttribute("aria-controls", select.id);
    var boxLabel = document.createElement("label");
    boxLabel.htmlFor = box.id;
    boxLabel.className = "picker-search-label";
    boxLabel.textContent = select.dataset.pickerSearch.replace("%(field)s", label ? label.textContent.trim() : "");
    var status = document.createElement("p");
    status.id = select.id + "-status";
    status.className = "picker-status";
    status.setAttribute("aria-live", "polite");
    box.setAttribute("aria-describedby", status.id);
    var wrapper = document.createElement("div");
    wrapper.className = "picker-search";
    wrapper.append(boxLabel, box, status);
    select.before(wrapper);

    var narrow = function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var matches = 0;
      select.replaceChildren();
      everything.forEach(function (part) {
        var kept = part.options.filter(function (option) {
          if (!words.length) { return true; }
          return option.value && words.every(function (word) { return searchable.get(option).indexOf(word) !== -1; });
        });
        matches += kept.length;
        if (!kept.length) { return; }
        if (part.group) {
          part.group.replaceChildren.apply(part.group, kept);
          select.append(part.group);
        } else {
          select.append(kept[0]);
        }
      });
      var stillThere = Array.prototype.some.call(select.options, function (option) { return option.value === chosen; });
      if (stillThere) { select.value = chosen; } else if (select.options.length) { select.selectedIndex = 0; }
      status.textContent = words.length && !matches ? select.dataset.pickerEmpty : "";
    };
    box.addEventListener("input", narrow);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      }
    });
  });
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

// Copy buttons (issue #23): a button[data-copy] copies the text of the field it names (the tracker's embed snippet),
// or its own value when it names none (a letter's address), and says so in the element named by data-copy-status.
// Without JavaScript the button stays hidden: the snippet is selectable text, the address is in the address bar.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    var text = field ? field.value : button.value;
    var clipboard = navigator.clipboard && window.isSecureContext;
    // Without the clipboard API only a field can be copied (selected, then the copy command).
    if (!text || !status || !(field || clipboard)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var copied = function () { status.textContent = button.getAttribute("data-copied"); };
      var byCommand = function () {
        if (!field) { return; }
        field.select();
        if (document.execCommand("copy")) { copied(); }
      };
      status.textContent = "";
      if (field) { field.select(); }
      if (clipboard) {
        navigator.clipboard.writeText(text).then(copied, byCommand);
      } else {
        byCommand();
      }
    });
  });
})();

// Phones (issue #23): below 48rem the menu folds behind its "Menu" button (a <details>, open in the page so that
// without JavaScript it is simply shown); it opens again when the window grows wide enough to show it in full.
(function () {
  var menu = document.querySelector("[data-compact-menu]");
  if (!menu || !window.matchMedia) { return; }
  var narrow = window.matchMedia("(max-width: 47.99rem)");
  var fit = function () { menu.open = !narrow.matches; };
  fit();
  narrow.addEventListener("change", fit);
})();

// A letter's language tabs: without JavaScript each is a link to the page with that text. Here they
// become WAI-ARIA tabs over #letter-panel: choosing one fetches that link's page (the same address, cached for the
// public), shows its text in place and takes from it every part marked data-follows-text (the signing form signs
// the text being read), and puts the address in the address bar so a shared link opens that language. Arrows
// (mirrored right to left), Home and End move between tabs; Enter, Space or a click shows one.
(function () {
  "use strict";
  var nav = document.querySelector("nav[data-tabs-for]");
  var panel = nav && document.getElementById(nav.getAttribute("data-tabs-for"));
  if (!panel || !window.fetch || !window.DOMParser || !window.history.replaceState) { return; }
  var list = nav.querySelector("ul");
  var tabs = Array.prototype.slice.call(list.querySelectorAll("a[hreflang]"));
  var pages = {};
  var load = function (tab) {
    var address = tab.href;
    if (!pages[address]) {
      pages[address] = fetch(address, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
      pages[address].catch(function () { delete pages[address]; });
    }
    return pages[address];
  };
  var select = function (tab) {
    tabs.forEach(function (other) {
      var chosen = other === tab;
      other.setAttribute("aria-selected", chosen ? "true" : "false");
      other.tabIndex = chosen ? 0 : -1;
    });
    panel.setAttribute("aria-labelledby", tab.id);
  };
  var follow = function (page) {
    document.querySelectorAll("[data-follows-text][id]").forEach(function (part) {
      var fresh = page.getElementById(part.id);
      if (!fresh) { return; }
      if (part.getAttribute("data-follows-text") === "links") {
        var links = fresh.querySelectorAll("a[href]");
        part.querySelectorAll("a[href]").forEach(function (link, index) {
          if (links[index]) { link.href = links[index].getAttribute("href"); }
        });
      } else {
        part.replaceChildren.apply(part, Array.prototype.map.call(fresh.childNodes, function (node) {
          return document.importNode(node, true);
        }));
      }
    });
    if (page.title) { document.title = page.title; }
  };
  var show = function (tab) {
    if (tab.getAttribute("aria-selected") === "true") { return; }
    select(tab);
    panel.setAttribute("aria-busy", "true");
    load(tab).then(function (page) {
      if (tab.getAttribute("aria-selected") !== "true") { return; } // another tab was chosen meanwhile
      follow(page);
      panel.removeAttribute("aria-busy");
      window.history.replaceState(window.history.state, "", tab.href);
    }).catch(function () { window.location.href = tab.href; });
  };

  list.setAttribute("role", "tablist");
  list.setAttribute("aria-label", nav.getAttribute("aria-label"));
  Array.prototype.forEach.call(list.children, function (item) { item.setAttribute("role", "presentation"); });
  var current = tabs[0];
  tabs.forEach(function (tab) {
    tab.id = "letter-tab-" + tab.hreflang;
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", panel.id);
    if (tab.getAttribute("aria-current") === "page") { current = tab; }
    tab.removeAttribute("aria-current");
  });
  panel.setAttribute("role", "tabpanel");
  panel.tabIndex = 0;
  select(current);
  nav.classList.add("is-tabs");

  list.addEventListener("click", function (event) {
    var tab = event.target.closest("[role=tab]");
    if (!tab || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    event.preventDefault();
    show(tab);
  });
  list.addEventListener("keydown", function (event) {
    var at = tabs.indexOf(event.target);
    if (at === -1) { return; }
    var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step && getComputedStyle(list).direction === "rtl") { step = -step; }
    var to = step ? (at + step + tabs.length) % tabs.length : { Home: 0, End: tabs.length - 1 }[event.key];
    if (event.key === " ") {
      event.preventDefault();
      show(tabs[at]);
    } else if (to !== undefined) {
      event.preventDefault();
      tabs[to].focus();
      load(tabs[to]).catch(function () { /* shown, or followed as a link, when chosen */ });
    }
  });
})();
