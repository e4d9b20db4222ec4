// Keyboard shortcuts of the moderator console. Every shortcut clicks a link or button the page already has
// (marked data-key="<key>"), so the pages work the same without script. On the case list, j/k move a
// highlight between rows, o/Enter open the highlighted case and x ticks it for bulk mode. ? opens the help.
(() => {
  const root = document.querySelector("[data-console]");
  if (!root) return;
  const help = document.querySelector("[data-shortcuts-help]");
  const rows = [...root.querySelectorAll("[data-case-row]")];
  let current = -1;

  const typing = (target) =>
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

  const highlight = (index) => {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("is-current", i === current));
    rows[current].scrollIntoView({ block: "nearest" });
  };

  const toggleHelp = () => {
    if (!help) return;
    help.classList.add("is-overlay");
    help.open = !help.open;
  };

  const listKey = (key, target) => {
    if (key === "j") highlight(current + 1);
    else if (key === "k") highlight(current - 1);
    else if ((key === "o" || (key === "Enter" && target === document.body)) && current >= 0) rows[current].querySelector("[data-case-link]")?.click();
    else if (key === "x" && current >= 0) {
      const box = rows[current].querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
    } else return false;
    return true;
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = event.key;
    if (key === "?") {
      toggleHelp();
    } else if (key === "Escape" && help?.open) {
      help.open = false;
    } else if (rows.length && listKey(key, event.target)) {
      // handled on the list
    } else {
      const target = root.querySelector(`[data-key="${CSS.escape(key)}"]`);
      if (!target) return;
      target.click();
    }
    event.preventDefault();
  });
})();
