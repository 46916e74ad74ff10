// The compare page's type-to-find: as you type, up to 20 matching inspections from the API
// (/api/v1/suggest/inspections) in a listbox under the field (the ARIA combobox pattern: arrows
// move, Enter adds, Escape closes). Choosing one loads the page with it added, as the page's own
// "Add" links do without this script. No inline script: the page's strict CSP holds.
(function () {
  "use strict";

  var input = document.querySelector("input[data-suggest-url]");
  if (!input || !window.fetch) return;
  var form = input.form;
  var MIN_CHARACTERS = 2;
  var DELAY_MS = 150;

  var listbox = document.createElement("ul");
  listbox.id = "compare-suggestions";
  listbox.className = "suggestions";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "Matching inspections");
  listbox.hidden = true;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  input.parentNode.appendChild(listbox);
  form.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("aria-expanded", "false");

  var options = [];
  var active = -1;
  var timer = null;
  var pending = null;
  var asked = "";

  function chosenIds() {
    return Array.prototype.map.call(form.querySelectorAll("input[type=hidden][name=inspection]"), function (hidden) {
      return hidden.value;
    });
  }

  function addUrl(id) {
    var query = new URLSearchParams();
    chosenIds().concat([String(id)]).forEach(function (chosen) {
      query.append("inspection", chosen);
    });
    return form.getAttribute("action") + "?" + query.toString();
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    options.forEach(function (option, position) {
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    active = index;
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  }

  function choose(option) {
    window.location.href = addUrl(option.getAttribute("data-id"));
  }

  function show(answer) {
    var chosen = chosenIds();
    var results = answer.results.filter(function (result) {
      return chosen.indexOf(String(result.id)) < 0;
    });
    listbox.textContent = "";
    options = results.map(function (result, index) {
      var option = document.createElement("li");
      option.id = "compare-suggestion-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-id", result.id);
      var name = document.createElement("span");
      name.textContent = result.label;
      var rating = document.createElement("span");
      rating.className = "suggestion-rating";
      rating.textContent = "overall: " + (result.overall_rating || "not recorded");
      option.appendChild(name);
      option.appendChild(document.createTextNode(" "));
      option.appendChild(rating);
      listbox.appendChild(option);
      return option;
    });
    active = -1;
    if (!options.length) {
      close();
      status.textContent = "No inspection matches; press Enter to search anyway.";
      return;
    }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent =
      options.length + (options.length === 1 ? " inspection matches" : " inspections match") +
      (answer.more ? ", and more: type more to narrow them" : "") + ". Use the up and down arrows to choose.";
  }

  function ask() {
    var words = input.value.trim();
    if (words === asked) return;
    asked = words;
    if (pending) pending.abort();
    if (words.length < MIN_CHARACTERS) {
      close();
      return;
    }
    pending = new AbortController();
    fetch(input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(words), {
      signal: pending.signal,
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) throw new Error("suggestions unavailable: " + response.status);
        return response.json();
      })
      .then(show)
      .catch(function (error) {
        // Without suggestions the Find button still works: the page lists matches itself.
        if (error.name !== "AbortError") close();
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });

  input.addEventListener("keydown", function (event) {
    var open = !listbox.hidden && options.length;
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(active < options.length - 1 ? active + 1 : 0);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active > 0 ? active - 1 : options.length - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(options[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });

  // A press on an option must not blur the field first (which would close the list).
  listbox.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });
  listbox.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) choose(option);
  });
  input.addEventListener("blur", close);
})();
