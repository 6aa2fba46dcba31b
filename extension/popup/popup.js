// The popup (also opened as a tab by the context menu with ?url=…): the verdict for the
// current tab, the 5 không, copy and report.
import { api } from "../lib/browser.js";
import { loadMessages, localize, renderVerdict, t } from "../lib/ui.js";

await loadMessages();
localize();
const params = new URLSearchParams(location.search);
const card = document.getElementById("card");
const tick = document.getElementById("tick");
const copy = document.getElementById("copy");
const status = document.getElementById("status");
let current = null;

async function targetUrl() {
  if (params.get("url")) return params.get("url");
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.url ?? "";
}

function updateCopy() {
  copy.disabled = !current || current.error || (current.verdict !== "official" && !tick.checked);
}

async function main() {
  const url = await targetUrl();
  const t0 = performance.now();
  current = await api.runtime.sendMessage({ type: "decide", url });
  renderVerdict(card, current);
  document.body.dataset.verdict = current.error ? "error" : current.verdict;
  document.body.dataset.ms = String(Math.round(performance.now() - t0));
  document.body.dataset.ready = "true";
  document.getElementById("tick-row").hidden = current.verdict === "official";
  updateCopy();
  current.url = url;
}

tick.addEventListener("change", updateCopy);
copy.addEventListener("click", async () => {
  const link = current.share_url ?? current.canonical ?? current.url;
  await navigator.clipboard.writeText(link);
  status.textContent = t("copied");
  status.dataset.copied = link;
});
document.getElementById("report").addEventListener("click", async () => {
  const res = await api.runtime.sendMessage({ type: "report", url: current.url,
    verdict: current.verdict, kind: current.verdict === "official" ? "wrongly_listed" : "impersonation",
    comment: document.getElementById("comment").value });
  status.textContent = t(res?.ok ? "reported" : "reportFailed");
  status.dataset.reported = String(Boolean(res?.ok));
});
main();
