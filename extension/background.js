// Service worker: keeps the lists snapshot, decides locally, asks the server only on a
// user's action, sets the badge, guards share intents. Every listener is registered at top
// level (the worker may stop at any time); state lives in storage, not in globals.
import { api } from "./lib/browser.js";
import { Matcher } from "./lib/matcher.js";
import { settings } from "./lib/settings.js";

const SHARE_INTENTS = [
  "^https?://(?:www\\.|m\\.|web\\.)?facebook\\.com(?::\\d+)?/(?:sharer/)?sharer\\.php\\?.*",
  "^https?://(?:www\\.)?(?:x|twitter)\\.com(?::\\d+)?/intent/(?:tweet|post)\\?.*",
  "^https?://(?:sp\\.)?zalo\\.me(?::\\d+)?/share.*",
  "^https?://t\\.me(?::\\d+)?/share/url\\?.*",
  "^https?://(?:www\\.)?linkedin\\.com(?::\\d+)?/sharing/share-offsite/?\\?.*",
  "^https?://(?:www\\.)?reddit\\.com(?::\\d+)?/submit\\?.*",
  "^https?://(?:api\\.|web\\.)?whatsapp\\.com(?::\\d+)?/send/?\\?.*",
];
const BADGE = { official: ["✓", "#1b7f3b"], denied: ["✕", "#b3261e"], suspicious: ["!", "#c25e00"] };
let matcher = null; // a cache only: rebuilt from storage when the worker restarts

async function loadMatcher() {
  if (!matcher) {
    const { snapshot } = await api.storage.local.get("snapshot");
    matcher = new Matcher(snapshot ?? { rules: [] });
  }
  return matcher;
}

async function refreshSnapshot() {
  const { server } = await settings();
  const { etag } = await api.storage.local.get("etag");
  try {
    const resp = await fetch(`${server}/api/v1/lists`, { headers: etag ? { "If-None-Match": etag } : {} });
    if (resp.status === 304) return "unchanged";
    if (!resp.ok) return "error";
    const snapshot = await resp.json();
    await api.storage.local.set({ snapshot, etag: resp.headers.get("ETag"), fetchedAt: Date.now() });
    matcher = new Matcher(snapshot);
    return "updated";
  } catch {
    return "offline";
  }
}

async function askServer(url) {
  const { server, token, lang } = await settings();
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const resp = await fetch(`${server}/api/v1/check?lang=${lang}`, {
    method: "POST", headers, body: JSON.stringify({ url }) });
  return resp.json();
}

/** A verdict for a user's action: local when the snapshot decides, else the server's. */
async function decide(url) {
  const local = (await loadMatcher()).decide(url);
  if (local.error) return { error: local.error, source: "local" };
  if (local.rule) {
    return { source: "local", verdict: local.rule.list === "allow" ? "official" : "denied", ...local };
  }
  try {
    return { source: "server", ...(await askServer(url)), local };
  } catch {
    return { source: "offline", verdict: "unknown", offline: true, ...local };
  }
}

async function installGate() {
  const base = api.runtime.getURL("gate/gate.html");
  const rules = SHARE_INTENTS.map((regexFilter, i) => ({
    id: i + 1, priority: 1,
    action: { type: "redirect", redirect: { regexSubstitution: `${base}#\\0` } },
    condition: { regexFilter, resourceTypes: ["main_frame"] },
  }));
  const old = await api.declarativeNetRequest.getDynamicRules();
  await api.declarativeNetRequest.updateDynamicRules({
    removeRuleIds: old.map((r) => r.id), addRules: rules });
}

async function allowOnce(url) {
  // A session rule above the gate lets this one share URL through, once the user chose to.
  // Scheme-less ("||host…"), because HSTS may upgrade http:// to https:// on the way.
  const id = 1000 + Math.floor(Math.random() * 100000);
  const rest = url.replace(/^https?:\/\//, "");
  await api.declarativeNetRequest.updateSessionRules({ addRules: [{
    id, priority: 2, action: { type: "allow" },
    condition: { urlFilter: `||${rest}|`, resourceTypes: ["main_frame"] } }] });
  return id;
}

async function messages() {
  const { lang } = await settings();
  try {
    return await (await fetch(api.runtime.getURL(`_locales/${lang}/messages.json`))).json();
  } catch {
    return {};
  }
}

/** A decision with the words a page card needs (content scripts cannot load them). */
async function decideForCard(url) {
  const result = await decide(url);
  const m = await messages();
  const word = (key) => m[key]?.message ?? api.i18n.getMessage(key);
  return { ...result, label: word(`verdict_${result.verdict ?? "unknown"}`),
           fiveKhong: ["k1", "k2", "k3", "k4", "k5"].map(word).join(" · "),
           closeLabel: word("close") };
}

const HANDLERS = {
  decide: (msg) => (msg.forCard ? decideForCard(msg.url) : decide(msg.url)),
  refresh: () => refreshSnapshot(),
  allowOnce: (msg) => allowOnce(msg.url),
  report: async (msg) => {
    const { server } = await settings();
    const resp = await fetch(`${server}/api/v1/reports`, { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ url: msg.url, verdict_seen: msg.verdict ?? "", kind: msg.kind ?? "other",
                             comment: msg.comment ?? "" }) });
    return { ok: resp.ok, status: resp.status };
  },
};

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const fromExtension = sender.id === api.runtime.id && sender.url?.startsWith(api.runtime.getURL(""));
  const allowed = fromExtension ? HANDLERS : { decide: HANDLERS.decide }; // content scripts: decide only
  const handler = msg && typeof msg.type === "string" ? allowed[msg.type] : undefined;
  if (!handler) return false;
  handler(msg).then(sendResponse, (err) => sendResponse({ error: String(err) }));
  return true;
});

api.runtime.onInstalled.addListener(async () => {
  await installGate();
  await refreshSnapshot();
  api.alarms.create("refresh", { periodInMinutes: 60 });
  api.contextMenus.create({ id: "check", title: api.i18n.getMessage("menuCheck"),
                            contexts: ["link", "selection"] });
});
api.runtime.onStartup.addListener(() => { installGate(); refreshSnapshot(); });
api.alarms.onAlarm.addListener((alarm) => { if (alarm.name === "refresh") refreshSnapshot(); });

function openCheck(info) {
  const target = info.linkUrl ?? info.selectionText ?? "";
  return api.tabs.create({ url: `${api.runtime.getURL("popup/popup.html")}?url=${encodeURIComponent(target)}` });
}
api.contextMenus.onClicked.addListener(openCheck);
globalThis.khongVoi = { openCheck }; // for the browser tests (no context menu in headless)

api.tabs.onUpdated.addListener(async (tabId, change, tab) => {
  if (change.status !== "complete" || !tab.url?.startsWith("http")) return;
  const local = (await loadMatcher()).decide(tab.url); // never sent anywhere: browsing stays private
  const verdict = local.rule ? (local.rule.list === "allow" ? "official" : "denied") : null;
  const [text, color] = BADGE[verdict] ?? ["", "#5f6b76"];
  await api.action.setBadgeText({ tabId, text });
  await api.action.setBadgeBackgroundColor({ tabId, color });
});
