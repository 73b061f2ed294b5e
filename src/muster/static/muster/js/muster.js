// Muster's small page helpers. No framework; htmx does the requests.
// The household form works with no round trip: rows are cloned from <template>s, and what the
// officer types is kept in localStorage so a power cut or a dropped link never loses a family.
(function () {
  "use strict";

  function all(sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  }

  // "Select all on this page" checkboxes: data-select-all="<name of the row checkboxes>".
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("[data-select-all]")) return;
    var scope = t.closest("form") || document;
    all('input[type=checkbox][name="' + t.getAttribute("data-select-all") + '"]', scope).forEach(
      function (cb) { cb.checked = t.checked; }
    );
  });

  var DRAFT_PREFIX = "muster:reception:";

  function clearDrafts() {
    try {
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf(DRAFT_PREFIX) === 0) localStorage.removeItem(k);
      });
    } catch (err) { /* storage disabled: nothing to clear */ }
  }

  function init() {
    // The page after a successful registration carries this marker: the draft is now saved for real.
    if (document.querySelector(".messages .clear-draft")) clearDrafts();

    var form = document.querySelector("form[data-household]");
    if (!form) return;
    var members = form.querySelector("[data-members]");
    var memberTpl = document.getElementById("member-template");
    var docTpl = document.getElementById("document-template");
    var key = form.getAttribute("data-draft-key");
    var status = form.querySelector("[data-draft-status]");
    var note = form.querySelector("[data-draft-note]");

    function maxIndex(els) {
      return els.reduce(function (m, el) {
        return Math.max(m, parseInt(el.getAttribute("data-index"), 10) || 0);
      }, -1);
    }

    function addMember(index) {
      var i = index === undefined ? maxIndex(all("[data-member]", members)) + 1 : index;
      members.insertAdjacentHTML("beforeend", memberTpl.innerHTML.replace(/__i__/g, i));
      var el = members.lastElementChild;
      if (window.htmx) window.htmx.process(el); // wire the possible-match hint of the new row
      return el;
    }

    function addDocument(member, index) {
      var box = member.querySelector("[data-documents]");
      var j = index === undefined ? maxIndex(all("[data-document]", box)) + 1 : index;
      var i = member.getAttribute("data-index");
      box.insertAdjacentHTML(
        "beforeend", docTpl.innerHTML.replace(/__i__/g, i).replace(/__j__/g, j)
      );
      return box.lastElementChild;
    }

    function snapshot() {
      var state = { v: 1, at: Date.now(), rows: [], values: {} };
      all("[data-member]", members).forEach(function (m) {
        state.rows.push({
          i: m.getAttribute("data-index"),
          docs: all("[data-document]", m).map(function (d) { return d.getAttribute("data-index"); })
        });
      });
      all("input, select, textarea", form).forEach(function (el) {
        if (!el.name || el.type === "hidden" || el.type === "submit") return;
        state.values[el.name] = el.type === "checkbox" ? el.checked : el.value;
      });
      return state;
    }

    function hasContent(state) {
      return Object.keys(state.values).some(function (n) {
        var v = state.values[n];
        return /\.(given_name|father_name|family_name|number)$/.test(n) && v && String(v).trim();
      });
    }

    var timer = null;
    function save() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        try {
          var state = snapshot();
          if (hasContent(state)) {
            localStorage.setItem(key, JSON.stringify(state));
            if (status) status.textContent = status.getAttribute("data-saved") || "✓";
          }
        } catch (err) { /* storage full or disabled: the form still works */ }
      }, 250);
    }

    function restore(state) {
      members.innerHTML = "";
      state.rows.forEach(function (r) {
        var m = addMember(r.i);
        r.docs.forEach(function (j) { addDocument(m, j); });
      });
      Object.keys(state.values).forEach(function (name) {
        var el = form.elements.namedItem(name);
        if (!el || el.type === "hidden") return;
        if (el.type === "checkbox") el.checked = !!state.values[name];
        else el.value = state.values[name];
      });
    }

    form.addEventListener("click", function (e) {
      var t = e.target;
      if (t.closest("[data-add-member]")) {
        var m = addMember();
        addDocument(m);
        var first = m.querySelector("input");
        if (first) first.focus();
        save();
      } else if (t.closest("[data-remove-member]")) {
        t.closest("[data-member]").remove();
        save();
      } else if (t.closest("[data-add-document]")) {
        var d = addDocument(t.closest("[data-member]"));
        d.querySelector("select").focus();
        save();
      } else if (t.closest("[data-draft-discard]")) {
        clearDrafts();
        window.location.href = form.getAttribute("action");
      }
    });
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    // Restore only onto a fresh form: a form re-shown with errors already holds what was posted.
    if (form.hasAttribute("data-fresh")) {
      try {
        var raw = localStorage.getItem(key);
        if (raw) {
          var state = JSON.parse(raw);
          if (state && state.v === 1 && state.rows && state.rows.length) {
            restore(state);
            if (note) note.hidden = false;
          }
        }
      } catch (err) { /* a corrupt draft is ignored */ }
    } else {
      save();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
