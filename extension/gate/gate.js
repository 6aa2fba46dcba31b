// The share gate. The background blocks a share intent, keeps it under a one-time token and
// opens this page with #token; the page reads the intent only through that token (in the tab
// it was intercepted in), checks every link it carries, and the strictest verdict decides:
// official → one click; unknown → tick the 5 không; denied, suspicious, or not checkable
// (server down, busy) → the explicit override. "Tiếp tục" hands the token back: only the
// background navigates, and only to the stored intent. The page refuses to run in a frame.
import { api } from "../lib/browser.js";
import { el, loadMessages, localize, renderVerdict, t } from "../lib/ui.js";

const framed = window.top !== window;
if (framed) document.documentElement.replaceChildren(); // CSP frame-ancestors 'none' as well
await loadMessages();
localize();
const token = location.hash.slice(1);
const continueBtn = document.getElementById("continue");
const tick = document.getElementById("tick");
const override = document.getElementById("override");
const card = document.getElementById("card");

function refuse() {
  card.replaceChildren(el("p", t("gateInvalid"), { class: "verdict unknown", "data-testid": "verdict" }));
  document.getElementById("shared").textContent = "";
  document.body.dataset.verdict = "invalid";
  document.body.dataset.ready = "true";
}

function listLinks(results) {
  if (results.length < 2) return;
  const list = document.getElementById("links");
  for (const r of results) {
    const word = r.error ? t("invalidShort") : r.unchecked ? t("verdict_unchecked") : t(`verdict_${r.verdict}`);
    list.append(el("li", `${r.url} — ${word}`, { "data-verdict": r.error ? "error" : r.verdict }));
  }
  list.hidden = false;
}

async function main() {
  if (framed) return;
  const t0 = performance.now();
  const intent = /^[0-9a-f]{48}$/.test(token) ? await api.runtime.sendMessage({ type: "gateIntent", token }) : null;
  if (!intent || intent.error) return refuse();
  document.getElementById("sharing").textContent = t("gateSharingOn").replace("{site}", intent.site);
  document.getElementById("shared").textContent = intent.links.join("  ·  ") || t("gateNoLink");
  let result = { verdict: "unknown", reasons: [{ message: t("gateNoLinkReason") }] };
  if (intent.links.length) {
    const all = await api.runtime.sendMessage({ type: "decideAll", urls: intent.links });
    result = all.strictest;
    listLinks(all.results);
  }
  renderVerdict(card, result);
  const verdict = result.error ? "unknown" : result.verdict;
  document.body.dataset.verdict = verdict;
  if (result.unchecked) document.body.dataset.unchecked = "true";
  document.body.dataset.ms = String(Math.round(performance.now() - t0));
  document.body.dataset.sinceOpen = String(Math.round(performance.now())); // since the gate opened
  if (verdict === "official") continueBtn.disabled = false;
  else if (verdict === "unknown" && !result.unchecked) document.getElementById("tick-row").hidden = false;
  else {
    if (result.unchecked) document.getElementById("override-text").textContent = t("gateOverrideUnchecked");
    document.getElementById("override-row").hidden = false;
  }
  document.body.dataset.ready = "true";
}

tick.addEventListener("change", () => { continueBtn.disabled = !tick.checked; });
override.addEventListener("change", () => { continueBtn.disabled = !override.checked; });
document.getElementById("back").addEventListener("click", () => {
  api.runtime.sendMessage({ type: "gateBack", token });
});
continueBtn.addEventListener("click", async () => {
  continueBtn.disabled = true;
  const res = await api.runtime.sendMessage({ type: "gateContinue", token });
  if (!res?.ok) refuse();
});
main();
