// The share gate: a share intent (Facebook sharer, X intent, Zalo, Telegram, …) is redirected
// here first. Official links continue in one click; unknown ones after ticking the 5 không;
// denied and suspicious ones only with an explicit override, and "Quay lại" is the default.
import { api } from "../lib/browser.js";
import { loadMessages, localize, renderVerdict } from "../lib/ui.js";

await loadMessages();
localize();
const original = location.hash.slice(1);
const continueBtn = document.getElementById("continue");
const tick = document.getElementById("tick");
const override = document.getElementById("override");

/** The link being shared, from the share intent's parameters. */
export function sharedLink(intent) {
  let url;
  try {
    url = new URL(intent);
  } catch {
    return "";
  }
  for (const name of ["u", "url", "href", "link", "d"]) {
    const value = url.searchParams.get(name);
    if (value) return value;
  }
  const text = url.searchParams.get("text") ?? "";
  return (text.match(/https?:\/\/\S+/) ?? [""])[0];
}

async function main() {
  const link = sharedLink(original);
  document.getElementById("shared").textContent = link || original;
  const t0 = performance.now();
  const result = link ? await api.runtime.sendMessage({ type: "decide", url: link }) : { verdict: "unknown" };
  renderVerdict(document.getElementById("card"), result);
  const verdict = result.error ? "unknown" : result.verdict;
  document.body.dataset.verdict = verdict;
  document.body.dataset.ms = String(Math.round(performance.now() - t0));
  if (verdict === "official") continueBtn.disabled = false;
  else if (verdict === "unknown") document.getElementById("tick-row").hidden = false;
  else document.getElementById("override-row").hidden = false;
  document.body.dataset.ready = "true";
}

tick.addEventListener("change", () => { continueBtn.disabled = !tick.checked; });
override.addEventListener("change", () => { continueBtn.disabled = !override.checked; });
document.getElementById("back").addEventListener("click", () => {
  if (history.length > 1) history.back(); else window.close();
});
continueBtn.addEventListener("click", async () => {
  await api.runtime.sendMessage({ type: "allowOnce", url: original });
  location.replace(original);
});
main();
