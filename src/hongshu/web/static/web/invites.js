// Invite links: "Copy link" copies the link beside it (the page works without it: the field is selectable).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-invite]");
  if (!button) return;
  const field = button.parentElement.querySelector(".invite__link");
  field.select();
  if (navigator.clipboard) navigator.clipboard.writeText(field.value).catch(() => {});
});
