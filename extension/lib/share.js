// Share intents: the one table of every share URL form the gate intercepts (host aliases, path,
// which query parameters carry links), and the link extraction for each. Pure: runs in Node
// for the per-form tests (extension/tests/share.test.mjs) and in the background.
//
// Sources: Facebook's Sharing docs (sharer.php, Share and Feed dialogs, Send dialog for
// Messenger), X's Web Intents (intent/tweet, intent/post, the legacy /share), Telegram's
// share/url widget, LinkedIn's share-offsite and legacy shareArticle (and feed/?shareActive),
// Reddit's /submit, WhatsApp's click-to-chat (wa.me, api./web.whatsapp.com/send), Zalo's share
// plugin (sp.zalo.me/plugins/share, the share pages zalo.me/share, sp.zalo.me/share_inline and
// sp.zalo.me/share/…, button-share.zalo.me with a base64 `d`), Threads' intent/post, Bluesky's
// intent/compose.

const FACEBOOK = ["facebook.com", "www.facebook.com", "m.facebook.com", "mbasic.facebook.com",
  "web.facebook.com", "touch.facebook.com", "mobile.facebook.com", "free.facebook.com"];
const X = ["x.com", "www.x.com", "mobile.x.com", "twitter.com", "www.twitter.com",
  "mobile.twitter.com"];
const TELEGRAM = ["t.me", "telegram.me", "www.telegram.me"];
const LINKEDIN = ["linkedin.com", "www.linkedin.com", "m.linkedin.com"];
const REDDIT = ["reddit.com", "www.reddit.com", "old.reddit.com", "new.reddit.com", "np.reddit.com",
  "sh.reddit.com", "i.reddit.com"];
const WHATSAPP = ["api.whatsapp.com", "web.whatsapp.com", "whatsapp.com", "www.whatsapp.com"];
const FB_TEXT = ["u", "href", "link", "quote", "text"];

/** Every gated form: `path` is a regular expression source (RE2 and JavaScript alike) for the
 * path after the first "/", `query` an optional required parameter, `params` the parameters
 * that carry links (all of them checked), `example` a real-looking intent, `links` what the
 * example must yield. */
export const SHARE_FORMS = [
  { id: "facebook-sharer", site: "Facebook", hosts: FACEBOOK, path: "sharer/sharer\\.php",
    params: FB_TEXT, example: "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fa.vn%2F1",
    links: ["https://a.vn/1"] },
  { id: "facebook-sharer-short", site: "Facebook", hosts: FACEBOOK, path: "sharer\\.php",
    params: FB_TEXT, example: "https://m.facebook.com/sharer.php?u=https://a.vn/1&quote=xem%20b.vn/2",
    links: ["https://a.vn/1", "b.vn/2"] },
  { id: "facebook-share-php", site: "Facebook", hosts: FACEBOOK, path: "share\\.php",
    params: FB_TEXT, example: "https://mbasic.facebook.com/share.php?u=https://a.vn/1",
    links: ["https://a.vn/1"] },
  { id: "facebook-dialog-share", site: "Facebook", hosts: FACEBOOK, path: "dialog/share",
    params: FB_TEXT,
    example: "https://www.facebook.com/dialog/share?app_id=1&display=popup&href=https%3A%2F%2Fa.vn%2F1&quote=ok",
    links: ["https://a.vn/1"] },
  { id: "facebook-dialog-feed", site: "Facebook", hosts: FACEBOOK, path: "dialog/feed",
    params: FB_TEXT, example: "https://web.facebook.com/dialog/feed?app_id=1&link=https://a.vn/1",
    links: ["https://a.vn/1"] },
  { id: "facebook-dialog-send", site: "Messenger", hosts: FACEBOOK, path: "dialog/send",
    params: FB_TEXT, example: "https://www.facebook.com/dialog/send?app_id=1&link=https://a.vn/1",
    links: ["https://a.vn/1"] },
  { id: "x-intent-tweet", site: "X", hosts: X, path: "intent/tweet", params: ["url", "text"],
    example: "https://twitter.com/intent/tweet?text=Tin%20m%E1%BB%9Bi%20https%3A%2F%2Fb.vn%2F2&url=https%3A%2F%2Fa.vn%2F1",
    links: ["https://a.vn/1", "https://b.vn/2"] },
  { id: "x-intent-post", site: "X", hosts: X, path: "intent/post", params: ["url", "text"],
    example: "https://x.com/intent/post?url=https://a.vn/1", links: ["https://a.vn/1"] },
  { id: "x-share", site: "X", hosts: X, path: "share", params: ["url", "text"],
    example: "https://mobile.twitter.com/share?url=https://a.vn/1&text=hay", links: ["https://a.vn/1"] },
  { id: "telegram-share-url", site: "Telegram", hosts: TELEGRAM, path: "share/url",
    params: ["url", "text"], example: "https://t.me/share/url?url=https://a.vn/1&text=xem%20https://b.vn/2",
    links: ["https://a.vn/1", "https://b.vn/2"] },
  { id: "telegram-share", site: "Telegram", hosts: TELEGRAM, path: "share", params: ["url", "text"],
    example: "https://telegram.me/share?url=https://a.vn/1", links: ["https://a.vn/1"] },
  { id: "linkedin-share-offsite", site: "LinkedIn", hosts: LINKEDIN, path: "sharing/share-offsite",
    params: ["url", "text"], example: "https://www.linkedin.com/sharing/share-offsite/?url=https://a.vn/1",
    links: ["https://a.vn/1"] },
  { id: "linkedin-share-article", site: "LinkedIn", hosts: LINKEDIN, path: "shareArticle",
    params: ["url", "title", "summary", "source"],
    example: "https://www.linkedin.com/shareArticle?mini=true&url=https://a.vn/1&title=T&summary=S",
    links: ["https://a.vn/1"] },
  { id: "linkedin-feed-share", site: "LinkedIn", hosts: LINKEDIN, path: "feed", query: "shareActive",
    params: ["text", "url"], example: "https://www.linkedin.com/feed/?shareActive=true&text=Xem%20https://a.vn/1",
    links: ["https://a.vn/1"] },
  { id: "reddit-submit", site: "Reddit", hosts: REDDIT, path: "submit", params: ["url", "title", "text"],
    example: "https://www.reddit.com/submit?url=https://a.vn/1&title=T", links: ["https://a.vn/1"] },
  { id: "reddit-submit-old", site: "Reddit", hosts: REDDIT, path: "submit", params: ["url", "title", "text"],
    example: "https://old.reddit.com/submit?url=https://a.vn/1", links: ["https://a.vn/1"] },
  { id: "whatsapp-send", site: "WhatsApp", hosts: WHATSAPP, path: "send", query: "text", params: ["text"],
    example: "https://api.whatsapp.com/send?text=Xem%20https://a.vn/1%20v%C3%A0%20https://b.vn/2",
    links: ["https://a.vn/1", "https://b.vn/2"] },
  { id: "whatsapp-web-send", site: "WhatsApp", hosts: WHATSAPP, path: "send", query: "text",
    params: ["text"],
    example: "https://web.whatsapp.com/send?phone=84900000000&text=https://a.vn/1", links: ["https://a.vn/1"] },
  { id: "whatsapp-wa-me", site: "WhatsApp", hosts: ["wa.me"], path: "(?:\\d+)?", query: "text",
    params: ["text"],
    example: "https://wa.me/?text=https%3A%2F%2Fa.vn%2F1", links: ["https://a.vn/1"] },
  { id: "whatsapp-wa-me-phone", site: "WhatsApp", hosts: ["wa.me"], path: "(?:\\d+)?", query: "text",
    params: ["text"],
    example: "https://wa.me/84900000000?text=xem%20a.vn/1", links: ["a.vn/1"] },
  // The share button of Zalo's SDK (sdk.js) is this page in an iframe: as a frame it is left to
  // load (it is only a button), and any window it opens is gated with its `href`
  // (background.js, onCreatedNavigationTarget); opened as a page it is an intent itself.
  { id: "zalo-plugin-share", site: "Zalo", hosts: ["sp.zalo.me"], path: "plugins/share", plugin: true,
    params: ["href", "url"], example: "https://sp.zalo.me/plugins/share?dev=0&oaid=1&href=https%3A%2F%2Fa.vn%2F1&layout=1",
    links: ["https://a.vn/1"] },
  { id: "zalo-share", site: "Zalo", hosts: ["zalo.me", "www.zalo.me", "sp.zalo.me"], path: "share",
    params: ["url", "u", "href", "text", "d"], example: "https://zalo.me/share?url=https://a.vn/1&text=T",
    links: ["https://a.vn/1"] },
  // Share pages of sp.zalo.me that sites open directly (seen in public sites' share buttons):
  // share_inline, and pages under share/ (share/base, share/share, share/share-web).
  { id: "zalo-share-inline", site: "Zalo", hosts: ["sp.zalo.me"], path: "share_inline",
    params: ["url", "u", "href", "text", "d"], example: "https://sp.zalo.me/share_inline?url=https%3A%2F%2Fa.vn%2F1",
    links: ["https://a.vn/1"] },
  { id: "zalo-share-subpage", site: "Zalo", hosts: ["sp.zalo.me"], path: "share/[A-Za-z_-]+",
    params: ["url", "u", "href", "text", "d"], example: "https://sp.zalo.me/share/share-web?u=https://a.vn/1",
    links: ["https://a.vn/1"] },
  { id: "zalo-share-external", site: "Zalo", hosts: ["button-share.zalo.me"],
    path: "share_external", params: ["d", "url", "href"],
    example: "https://button-share.zalo.me/share_external?d=eyJ1cmwiOiJodHRwczovL2Eudm4vMSJ9",
    links: ["https://a.vn/1"] },
  { id: "threads-intent", site: "Threads", hosts: ["threads.net", "www.threads.net", "threads.com",
    "www.threads.com"], path: "intent/post", params: ["text", "url"],
    example: "https://www.threads.net/intent/post?text=https://a.vn/1", links: ["https://a.vn/1"] },
  { id: "bluesky-intent", site: "Bluesky", hosts: ["bsky.app"], path: "intent/compose",
    params: ["text"], example: "https://bsky.app/intent/compose?text=Xem%20https://a.vn/1",
    links: ["https://a.vn/1"] },
];

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The regular expression matching a form's intents, on its hosts or one of them. */
export function formPattern(form, hosts = form.hosts) {
  const alternatives = [...new Set(hosts)].map(esc).join("|");
  const query = form.query ? `\\?(?:[^#]*&)?${esc(form.query)}=` : "(?:[?#]|$)";
  return `^https?://(?:${alternatives})(?::\\d+)?/${form.path}/?${query}`;
}

/** The declarativeNetRequest filters: one small RE2 expression per form and host (Chrome
 * refuses an expression over 2 KB once compiled, which all hosts of a site in one would be),
 * each as [expression, whether it is a share button's frame (blocked only as a page)]. */
export function dnrPatterns() {
  const seen = new Map();
  for (const form of SHARE_FORMS) {
    for (const h of form.hosts) seen.set(formPattern(form, [h]), Boolean(form.plugin));
  }
  return [...seen];
}

const COMPILED = SHARE_FORMS.map((form) => [form, new RegExp(formPattern(form), "i")]);

/** The form a URL is a share intent of, or null. */
export function shareForm(url) {
  if (typeof url !== "string") return null;
  for (const [form, re] of COMPILED) if (re.test(url)) return form;
  return null;
}

// Scheme-less links are read only with an ending people use for web addresses, so that
// "TP.HCM" or "v.v." are not taken for one.
const TLDS = "vn|com|net|org|info|biz|xyz|top|online|site|io|me|co|app|dev|news|gov|edu|asia|tv|" +
  "cc|ws|club|live|shop|store|vip|pro|link|click|blog|today|press|media|page|us|uk|cn|ru|tk|ml|ga|cf|gq";
const LINK_RE = new RegExp(
  "(?:\\bhttps?://[^\\s<>\"'`]+)" +
  `|(?:(?<![@\\w.-])(?:www\\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})\\b` +
  "(?![.-]?\\w)(?:[/?#][^\\s<>\"'`]*)?)", "gi");
const TRAILING = /[.,;:!?)\]}"'»”’…]+$/u;

/** Every link in a piece of text, with or without a scheme, trailing punctuation removed. */
export function findLinks(text) {
  if (typeof text !== "string" || !text) return [];
  const out = [];
  for (const m of text.matchAll(LINK_RE)) {
    let link = m[0].replace(TRAILING, "");
    if (link.endsWith("(")) link = link.slice(0, -1);
    if (link && !out.includes(link)) out.push(link);
  }
  return out;
}

function fromBase64Json(value) {
  try {
    const text = new TextDecoder().decode(
      Uint8Array.from(atob(value.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));
    return JSON.stringify(JSON.parse(text)).replace(/\\\//g, "/");
  } catch {
    return "";
  }
}

/** {form, links} for a share intent (every link in every link-carrying parameter), or null. */
export function intentLinks(url) {
  const form = shareForm(url);
  if (!form) return null;
  let params;
  try {
    params = new URL(url).searchParams;
  } catch {
    return { form, links: [] };
  }
  const links = [];
  for (const name of form.params) {
    for (let value of params.getAll(name)) {
      value = value.trim();
      if (name === "d") value = fromBase64Json(value) || value;
      const found = /^https?:\/\/\S+$/i.test(value) ? [value] : findLinks(value);
      for (const link of found) if (!links.includes(link)) links.push(link);
    }
  }
  return { form, links };
}

const RANK = { official: 0, unknown: 2, suspicious: 3, denied: 4 };

/** How strict a decision is: the gate follows the strictest of all links. */
export function strictness(result) {
  if (!result || result.error) return 1.5;
  if (result.unchecked) return Math.max(2.5, RANK[result.verdict] ?? 2); // an offline imitation: 3
  return RANK[result.verdict] ?? 2;
}

/** The strictest of several decisions (the first on a tie). */
export function strictest(results) {
  let best = null;
  for (const r of results) if (!best || strictness(r) > strictness(best)) best = r;
  return best;
}
