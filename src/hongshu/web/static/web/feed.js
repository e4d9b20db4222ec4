/* Hongshu feeds and notes: masonry waterfall, infinite scroll, the note overlay, optimistic likes, the
   collect sheet, comment replies, share and toasts. No inline scripts or styles (strict CSP); htmx is
   configured from a <meta> tag with eval off. Loaded with `defer` after hongshu.js and htmx. */
(function () {
  "use strict";
  var H = window.Hongshu || {};
  var strings = document.getElementById("i18n-strings");
  function say(key) {
    return (strings && strings.getAttribute("data-" + key)) || "";
  }

  // ---- Toasts ----
  function toast(message, kind) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var item = document.createElement("p");
    item.className = "toast" + (kind ? " toast--" + kind : "");
    item.textContent = message;
    box.appendChild(item);
    window.setTimeout(function () {
      item.classList.add("is-leaving");
      window.setTimeout(function () {
        item.remove();
      }, 300);
    }, 2600);
  }
  document.body.addEventListener("hongshu:toast", function (event) {
    toast(event.detail && event.detail.message);
  });

  // ---- Masonry: each card goes into the shortest column, left to right; heights are reserved by the
  // cards' aspect-ratio boxes, so placing them needs no image to have loaded. ----
  function columnsOf(list) {
    var style = window.getComputedStyle(list);
    return {
      count: parseInt(style.getPropertyValue("--columns"), 10) || 2,
      gap: parseFloat(style.getPropertyValue("--gap")) || 10,
    };
  }
  function place(list, items, fresh) {
    var cols = columnsOf(list);
    var width = list.clientWidth;
    var colWidth = (width - cols.gap * (cols.count - 1)) / cols.count;
    var state = list._masonry;
    if (fresh || !state || state.count !== cols.count || state.width !== width) {
      state = { count: cols.count, width: width, heights: [] };
      for (var c = 0; c < cols.count; c++) state.heights.push(0);
      items = list.querySelectorAll(":scope > .waterfall__item");
    }
    var i;
    for (i = 0; i < items.length; i++) items[i].style.width = colWidth + "px";
    var sizes = [];
    for (i = 0; i < items.length; i++) sizes.push(items[i].offsetHeight); // one layout for the batch
    for (i = 0; i < items.length; i++) {
      var shortest = 0;
      for (var k = 1; k < state.heights.length; k++) if (state.heights[k] < state.heights[shortest] - 1) shortest = k;
      items[i].style.transform =
        "translate(" + shortest * (colWidth + cols.gap) + "px, " + state.heights[shortest] + "px)";
      state.heights[shortest] += sizes[i] + cols.gap;
    }
    list._masonry = state;
    list.style.height = Math.max(0, Math.max.apply(null, state.heights) - cols.gap) + "px";
    list.classList.add("is-masonry", "is-laid");
  }
  function layoutAll() {
    var lists = document.querySelectorAll(".waterfall:not([data-feed-page])");
    for (var i = 0; i < lists.length; i++) place(lists[i], [], true);
  }

  function prepare(root) {
    var canvases = root.querySelectorAll("canvas[data-blurhash]");
    for (var i = 0; i < canvases.length; i++) H.paintBlurhash && H.paintBlurhash(canvases[i]);
    var images = root.querySelectorAll(".cover__img, .gallery__img");
    for (var j = 0; j < images.length; j++) H.hidePlaceholderOnLoad && H.hidePlaceholderOnLoad(images[j]);
    var galleries = root.querySelectorAll("[data-gallery]");
    for (var k = 0; k < galleries.length; k++) H.setUpGallery && H.setUpGallery(galleries[k]);
  }

  // A page loaded by infinite scroll arrives as its own list: move its cards into the waterfall.
  function adoptPages(root) {
    var pages = root.querySelectorAll ? root.querySelectorAll("[data-feed-page]") : [];
    if (root.matches && root.matches("[data-feed-page]")) pages = [root];
    for (var i = 0; i < pages.length; i++) {
      var page = pages[i];
      var target = document.querySelector(".waterfall[data-waterfall]");
      if (!target) continue;
      var items = Array.prototype.slice.call(page.children);
      for (var j = 0; j < items.length; j++) target.appendChild(items[j]);
      page.remove();
      prepare(target);
      place(target, items, false);
    }
  }

  // ---- CSRF for htmx requests, from the <meta> tag (no inline script, no eval) ----
  document.body.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
  });

  // ---- Optimistic like: flip at once, roll back with a toast if the server refuses ----
  function flipLike(button) {
    var on = !button.classList.contains("is-on");
    button.classList.toggle("is-on", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    var count = button.querySelector("[data-count]");
    if (count) count.textContent = String(Math.max(0, (parseInt(count.textContent, 10) || 0) + (on ? 1 : -1)));
    button.classList.remove("is-popping");
    void button.offsetWidth;
    button.classList.add("is-popping");
  }
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.detail.elt;
    if (el && el.hasAttribute && el.hasAttribute("data-like")) {
      el._before = { cls: el.className, pressed: el.getAttribute("aria-pressed"), count: (el.querySelector("[data-count]") || {}).textContent };
      flipLike(el);
    }
  });
  function rollback(el) {
    if (!el || !el._before) return;
    el.className = el._before.cls;
    el.setAttribute("aria-pressed", el._before.pressed);
    var count = el.querySelector("[data-count]");
    if (count) count.textContent = el._before.count;
  }
  function errorText(xhr) {
    var holder = document.createElement("div");
    var doc = new DOMParser().parseFromString((xhr && xhr.responseText) || "", "text/html");
    var alert = doc.querySelector(".problem, [role=alert]");
    holder.textContent = alert ? alert.textContent.trim() : "";
    return holder.textContent || say("failed");
  }
  document.body.addEventListener("htmx:responseError", function (event) {
    rollback(event.detail.elt);
    toast(errorText(event.detail.xhr), "error");
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    rollback(event.detail.elt);
    toast(say("offline"), "error");
  });

  // ---- Collect sheet ----
  var sheet = document.getElementById("sheet");
  function closeSheet() {
    if (sheet && sheet.open) sheet.close();
  }
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (sheet && target && target.id === "sheet-body" && !sheet.open) {
      sheet.showModal();
      var first = sheet.querySelector(".boards__item");
      if (first) first.focus();
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail.elt;
    if (event.detail.successful && sheet && sheet.contains(el) && el.tagName === "FORM") closeSheet();
    if (event.detail.successful && el.hasAttribute && el.hasAttribute("data-composer")) resetComposer(el);
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-sheet-close]")) closeSheet();
    if (sheet && event.target === sheet) closeSheet(); // a click on the backdrop
  });

  // ---- Comment composer: reply mode ----
  function resetComposer(form) {
    form.reset();
    var field = form.querySelector("[data-reply-field]");
    if (field) field.value = "";
    var line = form.querySelector("[data-replying]");
    if (line) line.hidden = true;
    var input = form.querySelector(".composer__input");
    if (input) input.placeholder = input.getAttribute("data-placeholder");
    var empty = document.querySelector("[data-comments-empty]");
    if (empty) empty.remove();
  }
  document.addEventListener("click", function (event) {
    var reply = event.target.closest("[data-reply-to]");
    if (reply) {
      var note = reply.closest("[data-note]");
      var form = note && note.querySelector("[data-composer]");
      if (!form) return;
      form.querySelector("[data-reply-field]").value = reply.getAttribute("data-reply-to");
      var input = form.querySelector(".composer__input");
      var text = input.getAttribute("data-reply-placeholder").replace("%(name)s", reply.getAttribute("data-reply-name"));
      input.placeholder = text;
      form.querySelector("[data-replying-text]").textContent = text;
      form.querySelector("[data-replying]").hidden = false;
      input.focus();
      return;
    }
    var cancel = event.target.closest("[data-reply-cancel]");
    if (cancel) resetComposer(cancel.closest("form"));
    var share = event.target.closest("[data-share]");
    if (share) {
      var url = share.getAttribute("data-share");
      var done = function () {
        toast(say("link-copied"));
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, done);
      else {
        var area = document.createElement("textarea");
        area.value = url;
        area.setAttribute("readonly", "");
        area.className = "visually-hidden";
        document.body.appendChild(area);
        area.select();
        try {
          document.execCommand("copy");
        } catch (e) {
          /* copying is best effort; the toast still shows the link was meant to be copied */
        }
        area.remove();
        done();
      }
    }
  });

  // ---- Note overlay: open a note over the waterfall; the URL follows; Esc or Back closes ----
  var overlay = document.getElementById("note-overlay");
  var overlayBody = overlay && overlay.querySelector("[data-overlay-body]");
  var pushed = false;
  var opener = null;
  function closeOverlay() {
    if (overlay && overlay.open) overlay.close();
  }
  if (overlay) {
    overlay.addEventListener("close", function () {
      overlayBody.textContent = "";
      document.documentElement.classList.remove("has-overlay");
      if (pushed) history.back(); // closed by Esc or the button: leave the note's URL too
      pushed = false;
      if (opener) opener.focus();
    });
    overlay.addEventListener("click", function (event) {
      if (event.target === overlay || event.target.closest("[data-overlay-close]")) closeOverlay();
    });
  }
  function openOverlay(link) {
    var url = link.getAttribute("href");
    opener = link;
    fetch(url + "?overlay=1", { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        overlayBody.innerHTML = html; // our own server's template output (same origin)
        history.pushState({ overlay: url }, "", url);
        pushed = true;
        document.documentElement.classList.add("has-overlay");
        overlay.showModal();
        if (window.htmx) window.htmx.process(overlayBody);
        prepare(overlayBody);
        var close = overlay.querySelector("[data-overlay-close]");
        if (close) close.focus();
      })
      .catch(function () {
        window.location.href = url; // fall back to the note page
      });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-note-link]");
    if (!link || !overlay || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    openOverlay(link);
  });
  window.addEventListener("popstate", function () {
    if (overlay && overlay.open) {
      pushed = false; // history already moved back
      overlay.close();
    }
  });

  function init() {
    layoutAll();
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(layoutAll, 100);
    });
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(layoutAll);
    document.body.addEventListener("htmx:load", function (event) {
      adoptPages(event.detail.elt);
    });
  }
  H.toast = toast;
  H.layout = layoutAll;
  window.Hongshu = H;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
