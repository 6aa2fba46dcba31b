// Options and first-run page (opened with ?first=1 at install): server URL, optional API key,
// language — validated, saved to storage.sync; "Kiểm tra kết nối" tests the server and loads
// the lists; what the organisation's policy sets (storage.managed) is shown read-only.
import { api } from "../lib/browser.js";
import { settings, validate } from "../lib/settings.js";
import { loadMessages, localize, problemText, t } from "../lib/ui.js";

await loadMessages();
localize();
const form = document.getElementById("form");
const status = document.getElementById("status");
const lists = document.getElementById("lists");
const fields = ["server", "token", "lang"];
if (new URLSearchParams(location.search).has("first")) document.getElementById("welcome").hidden = false;

async function showLists() {
  const s = await api.runtime.sendMessage({ type: "status" });
  lists.textContent = s.loaded
    ? `${t("listsLoaded")} ${s.rules} (${new Date(s.fetchedAt).toLocaleString(document.documentElement.lang)})`
    : t("noListsYet");
  lists.dataset.loaded = String(s.loaded);
}

settings().then(async (s) => {
  for (const f of fields) {
    const input = document.getElementById(f);
    input.value = s[f];
    if (s.managedKeys.includes(f)) input.disabled = true;
  }
  document.getElementById("managed").hidden = s.managedKeys.length === 0;
  document.body.dataset.managed = s.managedKeys.join(",");
  await showLists();
  document.body.dataset.ready = "true";
});

async function save() {
  const input = Object.fromEntries(fields.map((f) => [f, document.getElementById(f).value.trim()]));
  const checked = validate(input);
  if (checked.error) {
    status.textContent = t(checked.error);
    status.dataset.state = "error";
    return false;
  }
  await api.storage.sync.set({ ...checked.value, configured: true });
  return true;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!(await save())) return;
  await api.runtime.sendMessage({ type: "refresh" });
  await showLists();
  status.textContent = t("optSaved");
  status.dataset.state = "saved";
});

document.getElementById("test").addEventListener("click", async () => {
  if (!(await save())) return;
  status.textContent = t("checking");
  status.dataset.state = "testing";
  const res = await api.runtime.sendMessage({ type: "refresh" });
  await showLists();
  const ok = res.outcome === "updated" || res.outcome === "unchanged";
  status.textContent = ok ? t("optTestOk") : `${t("optTestFailed")} ${problemText(res.problem ?? { code: "error" })}`;
  status.dataset.state = ok ? "reachable" : "unreachable";
});
