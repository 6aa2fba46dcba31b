// Small helpers for extension pages: i18n text (textContent only, never raw HTML) and the
// verdict card shared by the popup and the share gate.
import { api } from "./browser.js";
import { settings } from "./settings.js";

let messages = null;

/** Load the messages of the language chosen in the options (Vietnamese by default). */
export async function loadMessages() {
  const { lang } = await settings();
  try {
    const resp = await fetch(api.runtime.getURL(`_locales/${lang}/messages.json`));
    messages = await resp.json();
  } catch {
    messages = null; // fall back to the browser's locale
  }
  document.documentElement.lang = lang;
}

export const t = (key) => messages?.[key]?.message || api.i18n.getMessage(key) || key;

export function localize(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
}

export function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** The honest words for a failed request (lib/server.js problem codes). */
export function problemText(problem) {
  if (!problem) return "";
  return t(`problem_${problem.code}`).replace("{s}", String(problem.seconds ?? ""))
    .replace("{status}", String(problem.status ?? ""));
}

/** Fill `card` with a decision from the background. */
export function renderVerdict(card, result) {
  card.replaceChildren();
  if (result.error) {
    card.dataset.verdict = "error";
    const text = result.message || t("invalid");
    card.append(el("p", text, { class: "verdict unknown", "data-verdict": "error", "data-testid": "verdict" }));
    return;
  }
  const verdict = result.verdict ?? "unknown";
  card.dataset.verdict = verdict;
  if (result.unchecked) {
    card.dataset.unchecked = "true";
    card.append(el("p", problemText(result.problem), { class: "offline", role: "status", "data-testid": "problem" }));
    card.append(el("p", t(result.noLists ? "noListsYet" : "offlineLists"), { class: "offline" }));
  }
  // an imitation the extension found offline is suspicious, still unchecked by the server
  const label = result.unchecked && !result.offlineLookalike ? t("verdict_unchecked") : t(`verdict_${verdict}`);
  card.append(el("p", label, { class: `verdict ${verdict}`, "data-testid": "verdict" }));
  if (result.unchecked) {
    card.append(el("p", t(result.offlineLookalike ? "uncheckedOfflineLookalike" : "uncheckedOffline"),
                   { class: "reason", "data-testid": "unchecked" }));
  }
  const rule = result.rule;
  if (rule?.name) {
    const label = verdict === "denied" ? t("deniedAs") : t("sourceName");
    card.append(el("p", `${label} ${rule.name}`, { class: "source", "data-testid": "source" }));
  }
  if (rule?.basis) card.append(el("p", `${t("basis")} ${rule.basis}`, { class: "basis", "data-testid": "basis" }));
  for (const r of result.reasons ?? []) card.append(el("p", r.message, { class: "reason" }));
  if (result.imitates) {
    const { name, domain } = result.imitates;
    card.append(el("p", `${t("imitates")} ${name ? `${name} (${domain})` : domain}`,
                   { class: "imitates" }));
  }
  if ((result.chain ?? []).length > 1) {
    card.append(el("p", t("chain")));
    const list = el("ol", undefined, { class: "chain" });
    for (const u of result.chain) list.append(el("li", u));
    card.append(list);
  }
  if (result.sent) card.append(el("p", `${t("sentToServer")} ${result.sent}`, { class: "sent", "data-testid": "sent" }));
}
