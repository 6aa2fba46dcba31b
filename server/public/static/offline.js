// The offline page: decides listed links with the cached lists snapshot and the extension's
// own matcher (served read-only from /public/lib/). A link the lists do not decide is
// "not checked", never "safe": imitations cannot be detected offline.
import { Matcher } from "/public/lib/matcher.js";
import { findLinks } from "/public/lib/share.js";

const T = JSON.parse(document.getElementById("offline-text").innerHTML);
const state = document.getElementById("lists-state");
const out = document.getElementById("offline-results");
const field = document.getElementById("q");
const q = new URLSearchParams(location.search).get("q")
  ?? new URLSearchParams(location.search).get("text") ?? "";
field.value = q;

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

async function snapshot() {
  try {
    const resp = await fetch("/api/v1/lists");
    return resp.ok ? await resp.json() : null;
  } catch {
    return null;
  }
}

const snap = await snapshot();
if (!snap) {
  state.textContent = T.offline_none;
} else {
  state.textContent = T.offline_lists.replace("{v}", snap.version);
  const matcher = new Matcher(snap);
  const links = findLinks(q);
  for (const link of links.slice(0, 20)) {
    const got = matcher.decide(link);
    const card = el("article", "", { class: "result", "data-testid": "result" });
    if (got.error) {
      card.dataset.verdict = "error";
      card.append(el("h3", T.invalid), el("p", link, { class: "wrap" }));
    } else if (got.rule) {
      const verdict = got.rule.list === "allow" ? "official" : "denied";
      card.dataset.verdict = verdict;
      card.classList.add(`verdict-${verdict}`);
      const h = el("h3");
      h.append(el("span", T[`verdict_${verdict}`], { class: "badge", "data-testid": "verdict" }),
        " ", el("span", got.host, { class: "host wrap" }));
      card.append(h, el("p", T[`offline_listed_${verdict}`].replace("{name}", got.rule.name || got.rule.pattern)));
      if (got.rule.basis) card.append(el("p", got.rule.basis));
    } else {
      card.dataset.verdict = "unchecked";
      const h = el("h3");
      h.append(el("span", T.verdict_unchecked, { class: "badge", "data-testid": "verdict" }),
        " ", el("span", got.host, { class: "host wrap" }));
      card.append(h, el("p", T.offline_unchecked));
    }
    out.append(card);
  }
}
