// Background (Chrome service worker, Firefox event page): keeps the lists snapshot, decides
// locally, asks the server only on a user's action and only the least of a link it needs
// (lib/clean.js), sets the badge, guards share intents. When the server cannot answer, the
// server's lookalike detector runs here on the snapshot's data (lib/lookalike.js). Every
// listener is registered at top level (the worker may stop at any time); state lives in
// storage, not in globals.
//
// The share gate: declarativeNetRequest blocks every share intent of lib/share.js before any
// request leaves; webNavigation sees the blocked navigation, stores the intent in
// storage.session under a random one-time token and sends the tab to gate.html#token (the gate
// is not web-accessible: no page can open or frame it). "Tiếp tục" hands the token back; the
// background then lets exactly that intent through once, in that tab, and removes the pass as
// soon as the navigation commits.
import { api } from "./lib/browser.js";
import { cleanLink, serverUrl } from "./lib/clean.js";
import { isIpHost } from "./lib/domains.js";
import { FORMAT as LOOKALIKE_FORMAT, LookalikeDetector } from "./lib/lookalike.js";
import { Matcher } from "./lib/matcher.js";
import { call } from "./lib/server.js";
import { settings } from "./lib/settings.js";
import { SHARE_FORMS, dnrPatterns, intentLinks, strictest } from "./lib/share.js";

const BADGE = { official: ["✓", "#1b7f3b"], denied: ["✕", "#b3261e"], suspicious: ["!", "#c25e00"] };
const REFRESH_MINUTES = 60;
const RETRY_MINUTES = 1;
const GATE = api.runtime.getURL("gate/gate.html");
let matcher = null; // a cache only: rebuilt from storage when the worker restarts

async function loadMatcher() {
  if (!matcher) {
    const { snapshot } = await api.storage.local.get("snapshot");
    matcher = new Matcher(snapshot ?? { rules: [] });
    matcher.loaded = Boolean(snapshot);
  }
  return matcher;
}

/** Fetch the lists; while none was ever downloaded, retry every minute (not only at start). */
async function refreshSnapshot() {
  const { etag, snapshot } = await api.storage.local.get(["etag", "snapshot"]);
  const res = await call("/api/v1/lists", { timeout: 10000,
    headers: etag && snapshot ? { "If-None-Match": etag } : {} });
  let outcome = "error";
  if (res.ok && res.status === 304 && snapshot) outcome = "unchanged";
  else if (res.ok && res.data && Array.isArray(res.data.rules)) {
    await api.storage.local.set({ snapshot: res.data, etag: res.headers.get("ETag"), fetchedAt: Date.now() });
    matcher = new Matcher(res.data);
    matcher.loaded = true;
    outcome = "updated";
  } else if (!res.ok) outcome = res.problem.code;
  if (outcome === "unchanged") await api.storage.local.set({ fetchedAt: Date.now() });
  const ok = outcome === "updated" || outcome === "unchanged";
  if (ok) await api.alarms.clear("retry");
  else if (!snapshot) api.alarms.create("retry", { periodInMinutes: RETRY_MINUTES });
  return { outcome, loaded: ok || Boolean(snapshot), problem: res.ok ? null : res.problem };
}

function verdictOf(rule) {
  return rule.list === "allow" ? "official" : "denied";
}

/** A verdict for a user's action: local when the snapshot decides, else the server's. */
async function decide(url) {
  const m = await loadMatcher();
  const local = m.decide(url);
  if (local.error) return { error: local.error, source: "local", url };
  if (local.rule) return { source: "local", verdict: verdictOf(local.rule), ...local, url };
  const sent = serverUrl(m, local);
  const res = await call("/api/v1/check", { method: "POST", body: { url: sent } });
  if (res.ok && res.data?.verdict) {
    if (!m.loaded) refreshSnapshot(); // the server answers again: fetch the lists now
    const chain = local.chain.length > 1 ? local.chain : [url];
    return { source: "server", ...res.data, url, sent, chain, canonical: local.canonical };
  }
  const problem = res.problem ?? { code: "server_error", status: res.status, retry: true };
  if (problem.code === "refused" && problem.apiCode) {
    return { error: problem.apiCode, message: problem.message, source: "server", url, sent };
  }
  const offline = { source: "offline", verdict: "unknown", unchecked: true, problem, noLists: !m.loaded,
                   ...local, url, sent };
  const found = await imitationOffline(m, local.host, local.canonical);
  if (!found) return offline;
  // the server's detector, run here on the downloaded lists: shown as suspicious, still
  // unchecked (the server may know more, and the stronger confirmation stays)
  const words = await messages();
  const key = found.code === "lookalike_gov_token" ? "lookalikeOfflineGov"
    : found.code === "lookalike_mixed_script" ? "lookalikeOfflineMixed" : "lookalikeOffline";
  const text = (words[key]?.message ?? api.i18n.getMessage(key))
    .replace("{source}", found.name ? `${found.name} (${found.domain})` : found.domain)
    .replace("{domain}", found.domain);
  return { ...offline, verdict: "suspicious", offlineLookalike: true,
           imitates: { domain: found.domain, name: found.name }, reasons: [{ code: found.code, message: text }] };
}

/** What the downloaded lists' lookalike data says of an unlisted host (never sent anywhere). */
async function imitationOffline(m, host, canonical) {
  if (!host || isIpHost(host)) return null;
  try {
    if (m.lookalike === undefined) {
      const { snapshot } = await api.storage.local.get("snapshot");
      const data = snapshot?.lookalike;
      m.lookalike = data?.format === LOOKALIKE_FORMAT ? new LookalikeDetector(data, snapshot.rules) : null;
    }
    return m.lookalike?.check(host, canonical) ?? null;
  } catch {
    return null; // lists of another format or damaged: no offline detection, as before
  }
}

/** Every link decided; the strictest decides (the gate, a selection with several links). */
async function decideAll(urls) {
  const results = await Promise.all(urls.slice(0, 20).map((u) => decide(u)));
  return { results, strictest: strictest(results) };
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
  const problem = result.problem ? word(`problem_${result.problem.code}`)
    .replace("{s}", String(result.problem.seconds ?? "")) : "";
  return { ...result, label: word(`verdict_${result.verdict ?? "unknown"}`),
           fiveKhong: ["k1", "k2", "k3", "k4", "k5"].map(word).join(" · "),
           closeLabel: word("close"), sourceLabel: word(result.verdict === "denied" ? "deniedAs" : "sourceName"),
           problemText: problem,
           uncheckedText: !result.unchecked ? ""
             : result.offlineLookalike ? `${result.reasons[0].message} ${word("uncheckedOfflineLookalike")}`
               : word("uncheckedOffline"),
           keyHint: word("cardKeyHint") };
}

// --- share gate --------------------------------------------------------------------------

const INTENT_TTL_MS = 30 * 60 * 1000;
const FRAMED_QUIET_MS = 10 * 1000;
const framedAt = new Map(); // tab -> when a framed intent of it last opened a gate tab

async function installGate() {
  // Pages and frames alike (an intent can be loaded in a frame too), except a share button's
  // own frame (Zalo's plugin page), which is left to draw its button: see onShareWindow.
  const rules = dnrPatterns().map(([regexFilter, plugin], i) => ({ id: i + 1, priority: 1,
    action: { type: "block" },
    condition: { regexFilter, resourceTypes: plugin ? ["main_frame"] : ["main_frame", "sub_frame"] } }));
  const old = await api.declarativeNetRequest.getDynamicRules();
  const same = old.length === rules.length && old.every((r, i) => r.id === rules[i].id
    && r.action.type === "block" && r.condition.regexFilter === rules[i].condition.regexFilter
    && String(r.condition.resourceTypes) === String(rules[i].condition.resourceTypes));
  if (same) return; // the worker wakes often: rewrite the rules only when the table changed
  await api.declarativeNetRequest.updateDynamicRules({ removeRuleIds: old.map((r) => r.id), addRules: rules });
}

function randomToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Keep an intercepted share under a one-time token and send its tab to the gate. `url` is
 * where "Tiếp tục" goes, `linksFrom` the intent whose links are checked (the same URL, except
 * for a window opened by a share button's frame), `from` the page for "Quay lại". */
async function holdIntent(tabId, url, { linksFrom = url, from = "", hold = 0 } = {}) {
  const token = randomToken();
  const { intents = {} } = await api.storage.session.get("intents");
  for (const [k, v] of Object.entries(intents)) if (Date.now() - v.at > INTENT_TTL_MS) delete intents[k];
  intents[token] = { url, linksFrom, tabId, at: Date.now(), from, hold };
  await api.storage.session.set({ intents });
  await api.tabs.update(tabId, { url: `${GATE}#${token}` });
}

async function onShareNavigation(details) {
  const intent = intentLinks(details.url);
  if (!intent) return;
  if (details.frameId !== 0) {
    // an intent loaded in a frame was blocked there: the gate opens in a tab of its own (its
    // "Quay lại" closes it, back to the page), a share button's frame is left alone
    if (intent.form.plugin) return;
    // one gate tab per page at a time: a page framing many intents cannot open many tabs
    // (decided before any await: the frames' navigations arrive together)
    if (Date.now() - (framedAt.get(details.tabId) ?? 0) < FRAMED_QUIET_MS) return;
    framedAt.set(details.tabId, Date.now());
    const tab = await api.tabs.create({ url: "about:blank", openerTabId: details.tabId });
    await holdIntent(tab.id, details.url);
    return;
  }
  const { passes = {} } = await api.storage.session.get("passes");
  // the one chosen pass: the intent, and the site's redirects on its way (Firefox reports
  // those as navigations of their own), until it commits
  if (passes[details.tabId]) return;
  // the page the share button was on, for "Quay lại" (a new share window has none)
  const tab = await api.tabs.get(details.tabId).catch(() => null);
  const from = /^https?:/i.test(tab?.url ?? "") && !intentLinks(tab.url) ? tab.url : "";
  await holdIntent(details.tabId, details.url, { from });
}

/** A window opened by a share button's frame (Zalo's SDK draws its button as the plugin page
 * in an iframe, whose click opens Zalo's share window): gated with the links of the button's
 * frame, whatever address the window has. The window's first request may already have left
 * when the gate replaces it; nothing is shared from it without the official's action there. */
async function onShareWindow(details) {
  if (intentLinks(details.url)) return; // an intent itself: blocked, and gated above
  const frame = await api.webNavigation.getFrame({ tabId: details.sourceTabId,
    frameId: details.sourceFrameId }).catch(() => null);
  const button = frame?.url ? intentLinks(frame.url) : null;
  if (!button?.form.plugin) return;
  // Until the official decides, nothing loads in that window (a session rule for the tab);
  // should its own navigation still commit or fail after the gate was sent, regate() sends
  // the tab back to the gate.
  const hold = 10000 + Math.floor(Math.random() * 1_000_000);
  await api.declarativeNetRequest.updateSessionRules({ addRules: [{ id: hold, priority: 1,
    action: { type: "block" }, condition: { tabIds: [details.tabId], resourceTypes: ["main_frame"] } }] });
  await holdIntent(details.tabId, details.url, { linksFrom: frame.url, hold });
}

/** A held share window whose own navigation ended after the gate was sent goes back to it. */
async function regate(details) {
  if (details.frameId !== 0 || details.url.startsWith(api.runtime.getURL(""))) return;
  const { intents = {} } = await api.storage.session.get("intents");
  const held = Object.entries(intents).find(([, v]) => v.tabId === details.tabId && v.hold);
  if (held) await api.tabs.update(details.tabId, { url: `${GATE}#${held[0]}` });
}

/** A closed share window's hold rule and intent go with it. */
async function dropHolds(tabId) {
  const { intents = {} } = await api.storage.session.get("intents");
  const held = Object.entries(intents).filter(([, v]) => v.tabId === tabId && v.hold);
  if (!held.length) return;
  for (const [k] of held) delete intents[k];
  await api.storage.session.set({ intents });
  await api.declarativeNetRequest.updateSessionRules({ removeRuleIds: held.map(([, v]) => v.hold) });
}

/** The intent a token stands for, only in the tab it was intercepted in. */
async function readIntent(token, sender, take = false) {
  const { intents = {} } = await api.storage.session.get("intents");
  const intent = typeof token === "string" ? intents[token] : undefined;
  if (!intent || intent.tabId !== sender.tab?.id || Date.now() - intent.at > INTENT_TTL_MS) return null;
  if (take) {
    delete intents[token];
    await api.storage.session.set({ intents });
  }
  return intent;
}

async function gateIntent(msg, sender) {
  const intent = await readIntent(msg.token, sender);
  if (!intent) return { error: "gate_token" };
  const { form, links } = intentLinks(intent.linksFrom ?? intent.url);
  return { url: intent.url, site: form.site, links };
}

/** "Quay lại": the intent is dropped; back to the page it came from, or the tab is closed
 * (history.back() could land on the blocked intent and be gated again). */
async function gateBack(msg, sender) {
  const intent = await readIntent(msg.token, sender, true);
  if (intent?.hold) await api.declarativeNetRequest.updateSessionRules({ removeRuleIds: [intent.hold] });
  if (intent?.from) await api.tabs.update(intent.tabId, { url: intent.from });
  else if (sender.tab?.id !== undefined) await api.tabs.remove(sender.tab.id);
  return { ok: true };
}

async function gateContinue(msg, sender) {
  const intent = await readIntent(msg.token, sender, true);
  if (!intent) return { error: "gate_token" };
  // Only this tab's next top-level navigation — the one started just below, with the server's
  // redirects on its way (twitter.com/intent/… → x.com/intent/…) — passes; the rule is
  // removed as soon as it commits or fails.
  const id = 10000 + Math.floor(Math.random() * 1_000_000);
  await api.declarativeNetRequest.updateSessionRules({ removeRuleIds: intent.hold ? [intent.hold] : [],
    addRules: [{ id, priority: 2, action: { type: "allow" },
                 condition: { tabIds: [intent.tabId], resourceTypes: ["main_frame"] } }] });
  const { passes = {} } = await api.storage.session.get("passes");
  passes[intent.tabId] = { url: intent.url, ruleId: id };
  await api.storage.session.set({ passes });
  await api.tabs.update(intent.tabId, { url: intent.url });
  return { ok: true };
}

/** The pass is used up as soon as a page (the intent, or where it redirected) commits. */
async function endPass(details) {
  if (details.frameId !== 0 || details.url.startsWith(api.runtime.getURL(""))) return;
  const { passes = {} } = await api.storage.session.get("passes");
  const pass = passes[details.tabId];
  if (!pass) return;
  delete passes[details.tabId];
  await api.storage.session.set({ passes });
  await api.declarativeNetRequest.updateSessionRules({ removeRuleIds: [pass.ruleId] });
}

// --- reports -----------------------------------------------------------------------------

const REPORT_KINDS = new Set(["wrongly_listed", "missing", "impersonation", "other"]);

async function report(msg) {
  const kind = REPORT_KINDS.has(msg.kind) ? msg.kind : "other";
  const key = `${kind}|${msg.url}`;
  const { reportsSent = {} } = await api.storage.session.get("reportsSent");
  if (reportsSent[key]) return { ok: true, id: reportsSent[key], duplicate: true };
  const res = await call("/api/v1/reports", { method: "POST", body: { url: msg.url,
    verdict_seen: msg.verdict ?? "", kind, comment: String(msg.comment ?? "").slice(0, 1000) } });
  if (!res.ok) return { ok: false, problem: res.problem };
  reportsSent[key] = res.data?.id ?? true;
  await api.storage.session.set({ reportsSent });
  return { ok: true, id: res.data?.id ?? null };
}

// --- messages ----------------------------------------------------------------------------

const HANDLERS = {
  decide: (msg) => (msg.forCard ? decideForCard(msg.url) : decide(msg.url)),
  decideAll: (msg) => decideAll(Array.isArray(msg.urls) ? msg.urls.filter((u) => typeof u === "string") : []),
  refresh: () => refreshSnapshot(),
  gateIntent,
  gateContinue,
  gateBack,
  report,
  clean: async (msg) => cleanLink(msg.url, (await loadMatcher()).tracking ?? undefined),
  status: async () => {
    const { fetchedAt, snapshot } = await api.storage.local.get(["fetchedAt", "snapshot"]);
    return { loaded: Boolean(snapshot), fetchedAt: fetchedAt ?? null, version: snapshot?.version ?? null,
             rules: snapshot?.rules?.length ?? 0 };
  },
};
const CONTENT_TYPES = new Set(["decide"]); // content scripts may only ask for a decision

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const fromExtension = sender.id === api.runtime.id && sender.url?.startsWith(api.runtime.getURL(""));
  const type = msg && typeof msg.type === "string" ? msg.type : "";
  const handler = Object.hasOwn(HANDLERS, type) && (fromExtension || CONTENT_TYPES.has(type))
    ? HANDLERS[type] : undefined;
  if (!handler) return false;
  handler(msg, sender).then(sendResponse, (err) => sendResponse({ error: "internal", message: String(err) }));
  return true;
});

// --- start-up: gate rules, menus and the refresh alarm on every start ----------------------

async function setup() {
  await installGate();
  await api.contextMenus.removeAll();
  api.contextMenus.create({ id: "check", title: api.i18n.getMessage("menuCheck"), contexts: ["link", "selection"] });
  if (!(await api.alarms.get("refresh"))) api.alarms.create("refresh", { periodInMinutes: REFRESH_MINUTES });
  // not before a server was chosen (options, first-run page) or pushed by policy
  const [{ fetchedAt }, { configured }] = await Promise.all([api.storage.local.get("fetchedAt"), settings()]);
  if (configured && (!fetchedAt || Date.now() - fetchedAt > REFRESH_MINUTES * 60000)) refreshSnapshot();
}
const ready = setup();

api.runtime.onInstalled.addListener(async (details) => {
  await ready;
  if (details.reason !== "install") return;
  const { server, managedKeys } = await settings();
  if (!managedKeys.includes("server") || !server) {
    api.tabs.create({ url: api.runtime.getURL("options/options.html?first=1") });
  }
});
api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === "refresh" || alarm.name === "retry") refreshSnapshot();
});
api.storage.onChanged.addListener((change, area) => {
  if (area === "managed" && change.server) refreshSnapshot();
});

/** The link(s) of a context-menu click: the link, or every link in the selected sentence. */
function openCheck(info) {
  const target = info.linkUrl ?? info.selectionText ?? "";
  const key = info.linkUrl ? "url" : "text";
  return api.tabs.create({ url: `${api.runtime.getURL("popup/popup.html")}?${key}=${encodeURIComponent(target)}` });
}
api.contextMenus.onClicked.addListener(openCheck);

/** The keyboard command: focus the paste card on the page (it never takes focus by itself). */
async function onCommand(name, commandTab) {
  if (name !== "focus-card") return;
  // the tab the keys were typed in, as both browsers pass it (a headless or unfocused Firefox
  // window is no "last focused window" for tabs.query)
  const [tab] = commandTab ? [commandTab] : await api.tabs.query({ active: true, lastFocusedWindow: true });
  if (tab?.id !== undefined) api.tabs.sendMessage(tab.id, { type: "focusCard" }).catch(() => {});
}
api.commands?.onCommand.addListener(onCommand);
globalThis.khongVoi = { openCheck, onCommand, refreshSnapshot, ready }; // browser tests (no menus in headless)

const NAV_FILTER = { url: [...new Set(SHARE_FORMS.flatMap((f) => f.hosts))].map((h) => ({ hostEquals: h })) };
api.webNavigation.onBeforeNavigate.addListener(onShareNavigation, NAV_FILTER);
api.webNavigation.onCreatedNavigationTarget.addListener(onShareWindow);
api.webNavigation.onCommitted.addListener(async (d) => { await endPass(d); await regate(d); });
api.webNavigation.onErrorOccurred.addListener(async (d) => { await endPass(d); await regate(d); });
api.tabs.onRemoved.addListener(dropHolds);

api.tabs.onUpdated.addListener(async (tabId, change, tab) => {
  if (change.status !== "complete" || !tab.url?.startsWith("http")) return;
  const local = (await loadMatcher()).decide(tab.url); // never sent anywhere: browsing stays private
  const verdict = local.rule ? verdictOf(local.rule) : null;
  const [text, color] = BADGE[verdict] ?? ["", "#5f6b76"];
  await api.action.setBadgeText({ tabId, text });
  await api.action.setBadgeBackgroundColor({ tabId, color });
});
