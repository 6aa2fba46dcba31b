// The popup (also opened as a tab by the context menu with ?url=… or, for a selected
// sentence, ?text=…: every link in it is checked and the strictest verdict is shown): the
// verdict, the 5 không, "Sao chép liên kết" (tracking removed locally with the lists' table,
// and the message says what was removed), and a report whose kind the official chooses.
import { api } from "../lib/browser.js";
import { el, loadMessages, localize, problemText, renderVerdict, t } from "../lib/ui.js";
import { findLinks } from "../lib/share.js";

await loadMessages();
localize();
const params = new URLSearchParams(location.search);
const card = document.getElementById("card");
const tick = document.getElementById("tick");
const copy = document.getElementById("copy");
const status = document.getElementById("status");
const reportBtn = document.getElementById("report");
const reportStatus = document.getElementById("report-status");
const kind = document.getElementById("kind");
let current = null;

async function targets() {
  if (params.has("url")) return [params.get("url")];
  if (params.has("text")) {
    const links = findLinks(params.get("text"));
    return links.length ? links : [params.get("text")];
  }
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return [tab?.url ?? ""];
}

function updateCopy() {
  copy.disabled = !current || Boolean(current.error) || (current.verdict !== "official" && !tick.checked);
}

function defaultKind(result) {
  if (result.verdict === "official" || result.verdict === "denied") return "wrongly_listed";
  if (result.verdict === "suspicious") return "impersonation";
  return "missing";
}

async function main() {
  const urls = await targets();
  const t0 = performance.now();
  const all = await api.runtime.sendMessage({ type: "decideAll", urls });
  current = all.strictest;
  renderVerdict(card, current);
  if (all.results.length > 1) {
    const list = document.getElementById("links");
    for (const r of all.results) {
      list.append(el("li", `${r.url} — ${r.error ? t("invalidShort") : t(`verdict_${r.verdict}`)}`));
    }
    list.hidden = false;
  }
  document.body.dataset.verdict = current.error ? "error" : current.verdict;
  if (current.unchecked) {
    document.body.dataset.unchecked = "true";
    document.getElementById("tick-text").textContent = t("gateOverrideUnchecked");
  }
  document.body.dataset.ms = String(Math.round(performance.now() - t0));
  document.getElementById("tick-row").hidden = current.verdict === "official";
  kind.value = defaultKind(current);
  updateCopy();
  document.body.dataset.ready = "true";
}

tick.addEventListener("change", updateCopy);
copy.addEventListener("click", async () => {
  const final = current.chain?.length > 1 ? current.canonical : (current.canonical ?? current.url);
  const { link, removed } = await api.runtime.sendMessage({ type: "clean", url: final });
  try {
    await navigator.clipboard.writeText(link);
  } catch {
    status.textContent = `${t("copyFailed")} ${link}`;
    return;
  }
  status.textContent = removed.length ? `${t("copiedClean")} ${removed.join(", ")}` : t("copiedAsIs");
  status.dataset.copied = link;
  status.dataset.removed = removed.join(",");
});

let sending = false;
reportBtn.addEventListener("click", async () => {
  if (sending) return; // repeated clicks make one report
  sending = true;
  reportBtn.disabled = true;
  reportStatus.textContent = t("reportSending");
  const res = await api.runtime.sendMessage({ type: "report", url: current.url, verdict: current.verdict,
    kind: kind.value, comment: document.getElementById("comment").value });
  if (res?.ok) {
    reportStatus.textContent = res.id ? `${t("reported")} (#${res.id})` : t("reported");
    reportStatus.dataset.reported = "true";
    kind.disabled = true;
  } else {
    const problem = res?.problem;
    const text = problem?.code === "refused" && problem.message ? problem.message : problemText(problem);
    reportStatus.textContent = `${t("reportFailed")} ${text} ${t(problem?.retry ? "retryHelps" : "retryNoHelp")}`;
    reportStatus.dataset.reported = "false";
    reportStatus.dataset.retry = String(Boolean(problem?.retry));
    reportBtn.disabled = !problem?.retry;
    sending = false;
  }
});
main();
