// Muster's small page helpers. No framework; htmx does the requests.
// The household form works with no round trip: rows are cloned from <template>s, and what the
// officer types is kept in localStorage so a power cut or a dropped link never loses a family.
// A draft holds names, on a laptop officers share: it is kept per user (the key ends with the user's
// id), dropped at sign-out (the signed-out page carries the clear-draft marker; the sign-out response
// also sends Clear-Site-Data), and expires data-draft-max-age seconds (the longest session, 12 h)
// after it was first written, whoever opens the next page.
(function () {
  "use strict";

  function all(sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  }

  // "Select all on this page" checkboxes: data-select-all="<name of the row checkboxes>". A row
  // marked data-not-in-all (someone reported not arrived) is ticked on its own, never by "All":
  // "All" then "Receive" received the missing with the bus, as if they had been on it.
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("[data-select-all]")) return;
    var scope = t.closest("form") || document;
    all('input[type=checkbox][name="' + t.getAttribute("data-select-all") + '"]', scope).forEach(
      function (cb) { cb.checked = t.checked && !cb.hasAttribute("data-not-in-all"); }
    );
    // The dispatch basket (custody/dispatch.html) hears of the page's ticks once they are set:
    // htmx on the box itself would send them as they were before.
    t.dispatchEvent(new CustomEvent("basketsync", { bubbles: false }));
  });

  // The dispatch basket (form[data-basket]) hears of each tick by a request of its own. A page
  // turned, a link followed or a search sent while one is still on its way cancelled it, and the
  // tick was lost although the count had shown it: the officer's move waits until the basket has
  // answered (or failed), then goes on as asked.
  var basketPending = 0, basketThen = null;
  function inBasket(e) {
    var el = e.detail && e.detail.elt;
    return !!(el && el.closest && el.closest("form[data-basket]"));
  }
  document.addEventListener("htmx:beforeRequest", function (e) { if (inBasket(e)) basketPending++; });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (!inBasket(e)) return;
    basketPending = Math.max(0, basketPending - 1);
    // htmx sends a queued tick just after this event: look again once it has.
    setTimeout(function () {
      if (!basketPending && basketThen) { var go = basketThen; basketThen = null; go(); }
    }, 0);
  });
  document.addEventListener("click", function (e) {
    if (!basketPending || e.defaultPrevented || e.button || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var a = e.target.closest && e.target.closest("a[href]");
    if (!a || a.target) return;
    e.preventDefault();
    basketThen = function () { window.location.href = a.href; };
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!basketPending || e.defaultPrevented || !form.matches || form.matches("form[data-basket]")) return;
    e.preventDefault();
    basketThen = function () { form.submit(); };
  });

  // A question with a count only the browser knows, in the grammar of that count: the form holds
  // it once for each plural category (name-one, name-two, name-few ...: muster.core.text's
  // PLURAL_SAMPLES), and the page's language's plural rules say which category n is in; a form
  // with a question for any count holds it in name itself.
  function counted(form, name, n) {
    var category = new Intl.PluralRules(document.documentElement.lang || "en").select(n);
    var question = form.getAttribute(name + "-" + category) ||
      form.getAttribute(name + "-other") || form.getAttribute(name);
    return question.replace("%(n)s", n);
  }

  // Confirming that the other side received someone cannot be undone (they leave custody for
  // good): the officer is asked once, with how many are marked received, before the form goes.
  // A manifest marks them in its selects; a family's receipt with a ticked [data-received].
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-confirm-received]")) return;
    var n = all("select", form).filter(function (s) { return s.value === "received"; }).length +
      all("input[data-received]:checked", form).length;
    if (n && !window.confirm(counted(form, "data-confirm-received", n))) {
      e.preventDefault();
    }
  });

  // A form that settles a count for good (closing a roll call: those not marked become "not
  // seen") asks once, with the count as the page shows it then (data-count-from: the element
  // holding it; data-confirm-count-<plural category>: the question in that count's grammar, %(n)s
  // for the count: counted() above), when the count is not 0.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-confirm-count]")) return;
    var from = document.querySelector(form.getAttribute("data-count-from"));
    var n = from ? parseInt(western(from.textContent).replace(/[^0-9]/g, ""), 10) || 0 : 0;
    if (n && !window.confirm(counted(form, "data-confirm-count", n))) {
      e.preventDefault();
    }
  });

  // A number or date typed on an Arabic keyboard (١٩٧٨-٠٤-٢٠) is shown in the digits the server
  // stores (1978-04-20): typed so into a left-to-right box it displayed as ٢٠-٠٤-١٩٧٨, which reads
  // as day-month-year. Only in fields that take numbers (inputmode=numeric); the caret stays put.
  var EASTERN = /[\u0660-\u0669\u06f0-\u06f9]/g, HAS_EASTERN = /[\u0660-\u0669\u06f0-\u06f9]/;
  function western(text) {
    return text.replace(EASTERN, function (d) {
      var c = d.charCodeAt(0);
      return String(c >= 0x06f0 ? c - 0x06f0 : c - 0x0660);
    });
  }
  document.addEventListener("input", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches("input[inputmode=numeric]") || !HAS_EASTERN.test(t.value)) return;
    var at = t.selectionStart;
    t.value = western(t.value);
    if (at !== null) t.setSelectionRange(at, at);
  });

  // A file box in the page's language (_file.html): the chosen file's name, or "No file chosen".
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t.matches || !t.matches(".filepick input[type=file]")) return;
    var shown = t.parentNode.querySelector(".filename");
    var names = Array.prototype.map.call(t.files || [], function (f) { return f.name; });
    shown.textContent = names.length ? names.join(", ") : shown.getAttribute("data-none");
  });

  // A changed name field asks for possible matches. An htmx event filter would need eval, which
  // the Content-Security-Policy forbids: the filter lives here and raises a plain event.
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.classList && t.classList.contains("nm")) {
      t.dispatchEvent(new CustomEvent("namechange", { bubbles: true }));
    }
  });

  // A machine-readable zone the server read with every check digit agreeing (intake/_mrz.html):
  // data-mrz-fill sets the document's fields, data-mrz-fill-empty the person's fields still empty
  // (names the officer typed, in Arabic perhaps, are kept) or still holding what the form filled
  // in ahead (data-prefill: the usual nationality, which a French passport must not leave as
  // Syrian). A zone that failed carries neither.
  document.addEventListener("htmx:afterSwap", function (e) {
    var box = e.detail && e.detail.target;
    var read = box && box.querySelector && box.querySelector("[data-mrz-fill]");
    if (!read) return;
    var form = box.closest("form") || document;
    function put(json, onlyEmpty) {
      var values = {};
      try { values = JSON.parse(json || "{}"); } catch (err) { return; }
      Object.keys(values).forEach(function (name) {
        var el = form.querySelector('[name="' + name.replace(/"/g, "") + '"]');
        if (!el || (onlyEmpty && el.value && el.value !== el.getAttribute("data-prefill"))) return;
        el.value = values[name];
      });
    }
    put(read.getAttribute("data-mrz-fill"), false);
    put(read.getAttribute("data-mrz-fill-empty"), true);
    form.dispatchEvent(new Event("change", { bubbles: true })); // the draft keeps what was filled
  });

  // A roll call's wristband box (form[data-scan]: the answers' list). A scanner types a number
  // and Enter, and the next band's may follow before the answer is back: the box was emptied only
  // once htmx sent a mark, so a number scanned meanwhile ran into the next ("P1…P2…") and the two
  // went as one unknown number. Each Enter now takes its number out of the box at once and queues
  // its mark; the marks go one after the other (the figures the last answer swaps in are the
  // latest), each on a line of its own that says "marking" until its answer takes its place.
  // Without this script, the form posts and the page comes back with the answer.
  var scans = [], scanning = false;
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-scan]") || !window.htmx) return;
    e.preventDefault();
    var box = form.querySelector("input[name=number]");
    var number = box.value.trim();
    box.value = "";
    if (!number) return;
    var line = document.createElement("li");
    line.className = "answer pending";
    line.setAttribute("data-testid", "scan-pending");
    // The number isolated, as the server's answers have it, whole in a right-to-left sentence.
    line.textContent = form.getAttribute("data-scan-waiting")
      .replace("%(n)s", "\u2068" + number + "\u2069");
    var answers = document.querySelector(form.getAttribute("data-scan"));
    answers.insertBefore(line, answers.firstChild);
    scans.push({ form: form, box: box, number: number, line: line });
    nextScan();
  });
  function nextScan() {
    if (scanning || !scans.length) return;
    var scan = scans.shift();
    scanning = true;
    function answered() {
      // No answer took the line's place (the link dropped, the server failed): it says so, and
      // the next mark goes. Marking again is harmless: a person is marked once.
      if (scan.line.isConnected) {
        scan.line.className = "answer bad";
        scan.line.textContent = scan.form.getAttribute("data-scan-failed")
          .replace("%(n)s", "\u2068" + scan.number + "\u2069");
      }
      scanning = false;
      nextScan();
    }
    window.htmx.ajax("POST", scan.form.action, {
      source: scan.box, target: scan.line, swap: "outerHTML", values: { number: scan.number }
    }).then(answered, answered);
  }

  // Print buttons: no inline handler (the Content-Security-Policy allows scripts from files only).
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });

  // "N selected": data-selected-count="<name of the row checkboxes>" counts the ticked rows of its
  // form, plus those ticked on other pages (data-elsewhere, sent back as hidden inputs).
  function updateSelectedCounts() {
    all("[data-selected-count]").forEach(function (out) {
      var scope = out.closest("form") || document;
      var name = out.getAttribute("data-selected-count");
      var ticked = all('input[type=checkbox][name="' + name + '"]:checked', scope).length;
      out.textContent = String(ticked + (parseInt(out.getAttribute("data-elsewhere"), 10) || 0));
    });
  }
  document.addEventListener("change", updateSelectedCounts);

  // "+ Add document" outside the household form (adding a late-arriving relative): a further
  // document row from the page's #document-template. The household form handles its own (drafts).
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-add-document]");
    if (!button || button.closest("form[data-household]")) return;
    var member = button.closest("[data-member]");
    var tpl = document.getElementById("document-template");
    if (!member || !tpl) return;
    var box = member.querySelector("[data-documents]");
    var j = all("[data-document]", box).reduce(function (m, el) {
      return Math.max(m, parseInt(el.getAttribute("data-index"), 10) || 0);
    }, -1) + 1;
    box.insertAdjacentHTML("beforeend", tpl.innerHTML
      .replace(/__i__/g, member.getAttribute("data-index")).replace(/__j__/g, j));
    box.lastElementChild.querySelector("select").focus();
  });

  var DRAFT_PREFIX = "muster:reception:";
  var DRAFT_VERSION = 2; // version 1 drafts had no expiry: they are dropped unread
  var DEFAULT_MAX_AGE_S = 12 * 3600;

  function readDraft(key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch (err) { return null; }
  }

  function expired(state) {
    return !state || state.v !== DRAFT_VERSION || !(state.expires > Date.now());
  }

  // Every draft on this computer, or (onlyExpired) those past their expiry or unreadable.
  function clearDrafts(onlyExpired) {
    try {
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf(DRAFT_PREFIX) !== 0) return;
        if (!onlyExpired || expired(readDraft(k))) localStorage.removeItem(k);
      });
    } catch (err) { /* storage disabled: nothing to clear */ }
  }

  function init() {
    // After a successful registration (the draft is saved for real) and after sign-out, the page
    // carries this marker; any other page sweeps out drafts past their expiry.
    clearDrafts(!document.querySelector(".messages .clear-draft"));

    var form = document.querySelector("form[data-household]");
    if (!form) return;
    var members = form.querySelector("[data-members]");
    var memberTpl = document.getElementById("member-template");
    var docTpl = document.getElementById("document-template");
    var key = form.getAttribute("data-draft-key");
    var status = form.querySelector("[data-draft-status]");
    var note = form.querySelector("[data-draft-note]");
    var maxAgeMs = 1000 * (parseInt(form.getAttribute("data-draft-max-age"), 10) || DEFAULT_MAX_AGE_S);
    var expires = null; // fixed when this draft is first written; later saves keep it

    function draftExpiry(now) {
      if (expires === null) {
        var stored = readDraft(key);
        expires = expired(stored) ? now + maxAgeMs : stored.expires;
      }
      return expires;
    }

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
      var el = box.lastElementChild;
      if (window.htmx) window.htmx.process(el); // wire the machine-readable zone's reading
      return el;
    }

    function snapshot() {
      // One clock reading: a draft never outlives its first save by more than the session.
      var now = Date.now();
      var state = { v: DRAFT_VERSION, at: now, expires: draftExpiry(now), rows: [], values: {} };
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
        clearDrafts(false);
        window.location.href = form.getAttribute("action");
      }
    });
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    // Restore only onto a fresh form: a form re-shown with errors already holds what was posted.
    if (form.hasAttribute("data-fresh")) {
      try {
        var state = readDraft(key);
        if (!expired(state) && state.rows && state.rows.length) {
          expires = state.expires;
          restore(state);
          if (note) note.hidden = false;
        }
      } catch (err) { /* a corrupt draft is ignored */ }
    } else {
      save();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

// A form shown again with errors: the summary at the top lists them; the first erroneous field is
// brought into view and focused (an error on the 4th person of a family is otherwise below the fold),
// and each summary link focuses its field. A page without a summary (a tracing request's or a hit's
// forms, one under another) brings its first refused field into view: the page reopened at its
// top, the error said below the fold, and the officer saw nothing happen.
(function () {
  "use strict";
  function firstRefused() {
    var field = document.querySelector(
      "main input[aria-invalid=true], main select[aria-invalid=true], main textarea[aria-invalid=true], main fieldset[aria-invalid=true]"
    );
    if (field && field.tagName === "FIELDSET") field = field.querySelector("input, select, textarea") || field;
    if (field) return { show: field, focus: field };
    var said = document.querySelector("main .field-error");
    if (!said) return null;
    var label = said.closest("label");
    return { show: said, focus: label && label.querySelector("input, select, textarea") };
  }
  function fieldFor(link) {
    var name = link.getAttribute("data-focus-field");
    var el = name && document.querySelector('[name="' + name.replace(/"/g, "") + '"]');
    if (!el) {
      var box = document.getElementById(link.getAttribute("href").slice(1));
      el = box && box.querySelector("[aria-invalid=true], input, select");
    }
    return el;
  }
  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      var refused = firstRefused();
      if (refused) {
        refused.show.scrollIntoView({ block: "center" });
        if (refused.focus) refused.focus.focus({ preventScroll: true });
      }
      return;
    }
    summary.addEventListener("click", function (e) {
      var link = e.target.closest("a[data-focus-field]");
      if (!link) return;
      var el = fieldFor(link);
      if (el) {
        e.preventDefault();
        el.scrollIntoView({ block: "center" });
        el.focus();
      }
    });
    var first = summary.querySelector("a[data-focus-field]");
    var el = first && fieldFor(first);
    if (el) {
      el.scrollIntoView({ block: "center" });
      el.focus({ preventScroll: true });
    } else {
      summary.focus();
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
