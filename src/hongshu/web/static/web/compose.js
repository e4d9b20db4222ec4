// Compose page: photos upload as soon as they are picked (POST /api/v1/media, session + CSRF), can be
// reordered by drag and drop or with the move buttons, and go back to the server as hidden inputs in order.
// Text fields work without this script; it adds live counters, topic chips and @mention suggestions.
"use strict";

(() => {
  const form = document.querySelector("[data-compose]");
  if (!form) return;
  const msg = (key, values = {}) =>
    (form.dataset[key] || "").replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
  const csrf = () => {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.querySelector("[name=csrfmiddlewaretoken]").value;
  };

  // ---- live counters, in user-perceived characters ----
  const segmenter = "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
  const graphemes = (text) => (segmenter ? [...segmenter.segment(text)].length : Array.from(text).length);
  for (const field of form.querySelectorAll("[data-count]")) {
    const counter = form.querySelector(`[data-counter-for="${field.id}"]`);
    const max = Number(field.dataset.count);
    const update = () => {
      const n = graphemes(field.value);
      counter.textContent = `${n}/${max}`;
      counter.classList.toggle("is-over", n > max);
    };
    field.addEventListener("input", update);
    update();
  }

  // ---- photos ----
  const grid = form.querySelector("[data-photo-grid]");
  const addItem = grid.querySelector("[data-photo-add-item]");
  const input = form.querySelector("[data-photo-input]");
  const template = document.querySelector("[data-photo-template]");
  const status = form.querySelector("[data-photo-status]");
  const countLabel = form.querySelector("[data-photo-count]");
  const maxPhotos = Number(form.dataset.maxPhotos);
  const tiles = () => [...grid.querySelectorAll("[data-photo-tile]")];
  const announce = (text) => {
    status.textContent = text;
  };

  const refresh = () => {
    const all = tiles();
    all.forEach((tile, index) => {
      tile.classList.toggle("is-cover", index === 0);
      tile.querySelector("[data-photo-left]").disabled = index === 0;
      tile.querySelector("[data-photo-right]").disabled = index === all.length - 1;
    });
    countLabel.textContent = String(all.length);
    addItem.hidden = all.length >= maxPhotos;
  };

  const setState = (tile, text, cls) => {
    tile.querySelector("[data-photo-state]").textContent = text;
    tile.classList.remove("is-uploading", "is-processing", "is-failed");
    if (cls) tile.classList.add(cls);
  };

  const poll = async (tile, id) => {
    for (let attempt = 0; attempt < 120; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (!tile.isConnected) return;
      const response = await fetch(`${form.dataset.uploadUrl}/${id}`, { credentials: "same-origin" });
      if (!response.ok) break;
      const media = await response.json();
      if (media.state === "ready") return setState(tile, "", null);
      if (media.state === "failed") break;
    }
    failed(tile);
  };

  const failed = (tile, detail) => {
    setState(tile, detail || msg("msgFailed"), "is-failed");
    // Failed photos are not sent; the alt text goes with them so the two lists stay aligned.
    tile.querySelector("[data-photo-id]").removeAttribute("name");
    tile.querySelector("[data-photo-alt]").removeAttribute("name");
    announce(detail || msg("msgFailed"));
  };

  const upload = async (file) => {
    const tile = template.content.firstElementChild.cloneNode(true);
    const img = tile.querySelector("[data-photo-img]");
    img.src = URL.createObjectURL(file);
    img.hidden = false;
    setState(tile, msg("msgUploading"), "is-uploading");
    grid.insertBefore(tile, addItem);
    refresh();
    const body = new FormData();
    body.append("file", file);
    try {
      const response = await fetch(form.dataset.uploadUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) return failed(tile, data.detail || data.title);
      tile.querySelector("[data-photo-id]").value = data.id;
      if (data.state === "ready") setState(tile, "", null);
      else {
        setState(tile, msg("msgProcessing"), "is-processing");
        poll(tile, data.id);
      }
    } catch {
      failed(tile);
    }
  };

  const addFiles = (files) => {
    const images = [...files].filter((file) => file.type.startsWith("image/") || file.type === "");
    const room = maxPhotos - tiles().length;
    if (images.length > room) announce(msg("msgTooMany"));
    images.slice(0, Math.max(room, 0)).forEach(upload);
  };

  input.addEventListener("change", () => {
    addFiles(input.files);
    input.value = "";
  });

  const move = (tile, delta) => {
    const all = tiles();
    const target = all.indexOf(tile) + delta;
    if (target < 0 || target >= all.length) return;
    if (delta < 0) grid.insertBefore(tile, all[target]);
    else grid.insertBefore(tile, all[target].nextSibling);
    refresh();
    announce(msg("msgMoved", { n: target + 1 }));
  };

  grid.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    const tile = button && button.closest("[data-photo-tile]");
    if (!tile) return;
    if (button.matches("[data-photo-left]")) move(tile, -1);
    else if (button.matches("[data-photo-right]")) move(tile, 1);
    else if (button.matches("[data-photo-remove]")) {
      const next = tile.nextElementSibling;
      tile.remove();
      refresh();
      announce(msg("msgRemoved"));
      (next && next.querySelector("button, input")) || input.focus();
      return;
    } else return;
    button.disabled ? tile.querySelector("button:not([disabled])").focus() : button.focus();
  });

  // Drag and drop: tiles reorder among themselves; files dropped anywhere on the photo area are added.
  let dragged = null;
  grid.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("[data-photo-tile]");
    if (!dragged) return;
    dragged.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "photo");
  });
  grid.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    refresh();
  });
  const area = form.querySelector(".compose__photos");
  area.addEventListener("dragover", (event) => {
    event.preventDefault();
    const over = event.target.closest("[data-photo-tile]");
    if (dragged && over && over !== dragged) {
      const box = over.getBoundingClientRect();
      const after = event.clientX > box.left + box.width / 2;
      grid.insertBefore(dragged, after ? over.nextSibling : over);
    }
    area.classList.toggle("is-dropping", !dragged);
  });
  area.addEventListener("dragleave", () => area.classList.remove("is-dropping"));
  area.addEventListener("drop", (event) => {
    event.preventDefault();
    area.classList.remove("is-dropping");
    if (!dragged && event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
    refresh();
  });

  refresh();

  // ---- topics as chips; the hidden `topics` field carries them as "#a #b" ----
  const topicInput = form.querySelector("[data-topic-input]");
  const chips = form.querySelector("[data-topic-chips]");
  const hidden = document.createElement("input");
  hidden.type = "hidden";
  hidden.name = "topics";
  topicInput.removeAttribute("name");
  topicInput.after(hidden);
  let topics = [];
  const renderTopics = () => {
    chips.replaceChildren(
      ...topics.map((name, index) => {
        const li = document.createElement("li");
        li.className = "chip chip--topic";
        li.textContent = `#${name}`;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip__remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", msg("msgRemoveTopic", { name }));
        remove.addEventListener("click", () => {
          topics.splice(index, 1);
          renderTopics();
          topicInput.focus();
        });
        li.append(remove);
        return li;
      }),
    );
    hidden.value = topics.map((name) => `#${name}`).join(" ");
  };
  const commitTopics = () => {
    for (const raw of topicInput.value.split(/[\s,，、#]+/)) {
      const key = raw.toLocaleLowerCase();
      if (raw && !topics.some((name) => name.toLocaleLowerCase() === key)) topics.push(raw);
    }
    topicInput.value = "";
    renderTopics();
  };
  topicInput.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (["Enter", ",", " "].includes(event.key) && topicInput.value.replace("#", "").trim()) {
      event.preventDefault();
      commitTopics();
    } else if (event.key === "Enter") event.preventDefault();
    else if (event.key === "Backspace" && !topicInput.value && topics.length) {
      topics.pop();
      renderTopics();
    }
  });
  topicInput.addEventListener("blur", commitTopics);
  commitTopics();

  // ---- @mention suggestions in the text ----
  const body = form.querySelector("[data-mentions]");
  const list = form.querySelector("[data-mention-list]");
  let options = [];
  let active = -1;
  let timer = 0;
  const closeList = () => {
    list.hidden = true;
    options = [];
    active = -1;
    body.removeAttribute("aria-activedescendant");
  };
  const query = () => {
    const before = body.value.slice(0, body.selectionStart);
    const match = before.match(/(?:^|[^\w@])@([A-Za-z0-9_]{1,30})$/);
    return match ? match[1] : null;
  };
  const choose = (handle) => {
    const caret = body.selectionStart;
    const before = body.value.slice(0, caret).replace(/@([A-Za-z0-9_]{1,30})$/, `@${handle} `);
    body.value = before + body.value.slice(caret);
    body.selectionStart = body.selectionEnd = before.length;
    body.dispatchEvent(new Event("input"));
    closeList();
    body.focus();
  };
  const highlight = (index) => {
    active = index;
    options.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (options[index]) body.setAttribute("aria-activedescendant", options[index].id);
  };
  const suggest = async (q) => {
    const response = await fetch(`${form.dataset.mentionsUrl}?q=${encodeURIComponent(q)}`, {
      credentials: "same-origin",
    });
    if (!response.ok || query() !== q) return;
    const { accounts } = await response.json();
    options = accounts.map((account, i) => {
      const li = document.createElement("li");
      li.id = `mention-${i}`;
      li.setAttribute("role", "option");
      li.className = "mentions__option";
      const name = document.createElement("span");
      name.textContent = account.name;
      const handle = document.createElement("span");
      handle.className = "mentions__handle";
      handle.textContent = `@${account.handle}`;
      li.append(name, handle);
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(account.handle);
      });
      li.dataset.handle = account.handle;
      return li;
    });
    list.replaceChildren(...options);
    list.hidden = options.length === 0;
    highlight(options.length ? 0 : -1);
  };
  body.addEventListener("input", () => {
    clearTimeout(timer);
    const q = query();
    if (!q) return closeList();
    timer = setTimeout(() => suggest(q), 150);
  });
  body.addEventListener("keydown", (event) => {
    if (list.hidden || !options.length) return;
    if (event.key === "ArrowDown") highlight((active + 1) % options.length);
    else if (event.key === "ArrowUp") highlight((active - 1 + options.length) % options.length);
    else if (event.key === "Enter" || event.key === "Tab") choose(options[active].dataset.handle);
    else if (event.key === "Escape") closeList();
    else return;
    event.preventDefault();
  });
  body.addEventListener("blur", () => setTimeout(closeList, 100));

  // ---- submit: never while a photo is still uploading ----
  form.addEventListener("submit", (event) => {
    commitTopics();
    if (tiles().some((tile) => tile.classList.contains("is-uploading"))) {
      event.preventDefault();
      announce(msg("msgWait"));
    }
  });
})();
