// Options: server URL, optional API key, language — validated, saved to storage.sync.
import { api } from "../lib/browser.js";
import { settings, validate } from "../lib/settings.js";
import { loadMessages, localize, t } from "../lib/ui.js";

await loadMessages();
localize();
const form = document.getElementById("form");
const status = document.getElementById("status");
const fields = ["server", "token", "lang"];

settings().then((s) => {
  for (const f of fields) document.getElementById(f).value = s[f];
  document.body.dataset.ready = "true";
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = Object.fromEntries(fields.map((f) => [f, document.getElementById(f).value.trim()]));
  const checked = validate(input);
  if (checked.error) {
    status.textContent = t(checked.error);
    status.dataset.state = "error";
    return;
  }
  await api.storage.sync.set(checked.value);
  await api.runtime.sendMessage({ type: "refresh" });
  status.textContent = t("optSaved");
  status.dataset.state = "saved";
});
