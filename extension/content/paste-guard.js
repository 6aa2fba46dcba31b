// Paste guard (classic content script on social sites: Facebook, Messenger, Zalo, X/Twitter,
// Telegram Web, TikTok, YouTube): when text with a link (with or without a scheme) is pasted
// into a compose box, ask the background (never the server directly) and, unless every link
// is official, show a small card in a closed Shadow DOM. The card never takes focus, so what
// the official types next still goes to the compose box; Escape closes the card and is then
// kept from the page (it would close the composer); the extension's keyboard command
// (Alt+Shift+K by default) moves focus to the card's button, and Escape there returns it.
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  const TLDS = "vn|com|net|org|info|biz|xyz|top|online|site|io|me|co|app|dev|news|gov|edu|asia|tv|" +
    "cc|ws|club|live|shop|store|vip|pro|link|click|blog|today|press|media|page|us|uk|cn|ru|tk|ml|ga|cf|gq";
  // the same reading of links as lib/share.js findLinks (content scripts cannot import modules)
  const LINK_RE = new RegExp("(?:\\bhttps?://[^\\s<>\"'`]+)" +
    `|(?:(?<![@\\w.-])(?:www\\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})\\b` +
    "(?![.-]?\\w)(?:[/?#][^\\s<>\"'`]*)?)", "gi");
  const TRAILING = /[.,;:!?)\]}"'»”’…]+$/u;
  const RANK = { official: 0, unknown: 2, suspicious: 3, denied: 4 };
  let host = null;
  let button = null;
  let returnFocus = null;

  function close() {
    host?.remove();
    host = null;
    button = null;
  }

  function line(text, extra = "") {
    const p = document.createElement("p");
    p.textContent = text;
    p.style.cssText = `margin:6px 0;${extra}`;
    return p;
  }

  function show(result) {
    close();
    host = document.createElement("khong-voi-card");
    host.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483647;";
    const root = host.attachShadow({ mode: "closed" });
    const box = document.createElement("div");
    box.setAttribute("role", "status"); // announced, but not a dialog that grabs focus
    box.setAttribute("aria-label", "Không Vội");
    const colours = { denied: "#b3261e", suspicious: "#c25e00", unknown: "#5f6b76" };
    box.style.cssText = `font:14px/1.4 system-ui,sans-serif;max-width:320px;background:#fff;color:#1d2733;
      border-left:6px solid ${colours[result.verdict] ?? "#5f6b76"};box-shadow:0 2px 12px #0004;padding:10px 12px;border-radius:6px`;
    const title = document.createElement("strong");
    title.textContent = `Không Vội: ${result.label ?? result.verdict}`;
    box.append(title, line(result.url ?? "", "word-break:break-all;font-size:.9em"));
    if (result.rule?.name) box.append(line(`${result.sourceLabel} ${result.rule.name}`, "font-weight:600"));
    if (result.problemText) box.append(line(result.problemText));
    if (result.uncheckedText) box.append(line(result.uncheckedText));
    else if (result.reasons?.[0]?.message) box.append(line(result.reasons[0].message));
    box.append(line(result.fiveKhong ?? ""));
    button = document.createElement("button");
    button.textContent = result.closeLabel ?? "Đóng";
    button.addEventListener("click", () => {
      close();
      returnFocus?.focus?.({ preventScroll: true });
    });
    box.append(button, line(result.keyHint ?? "", "font-size:.85em;color:#5f6b76"));
    root.append(box);
    document.documentElement.append(host);
    host.dataset.verdict = result.verdict; // readable by tests and assistive tools
    if (result.unchecked) host.dataset.unchecked = "true";
    if (result.rule?.name) host.dataset.source = result.rule.name;
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !host) return;
    event.stopImmediatePropagation(); // meant for the card: the page's composer stays open
    event.preventDefault();
    const wasInCard = document.activeElement === host;
    close();
    if (wasInCard) returnFocus?.focus?.({ preventScroll: true });
  }, true);

  api.runtime.onMessage.addListener((msg) => {
    if (msg?.type === "focusCard" && button) {
      returnFocus = document.activeElement === host ? returnFocus : document.activeElement;
      button.focus({ preventScroll: true });
    }
  });

  function links(text) {
    const out = [];
    for (const m of text.matchAll(LINK_RE)) {
      const link = m[0].replace(TRAILING, "");
      if (link && !out.includes(link)) out.push(link);
    }
    return out.slice(0, 10);
  }

  document.addEventListener("paste", (event) => {
    if (!event.isTrusted) return; // only the official's own paste, not one a page script makes up
    const found = links(event.clipboardData?.getData("text/plain") ?? "");
    if (!found.length) return;
    returnFocus = document.activeElement;
    Promise.all(found.map((url) => api.runtime.sendMessage({ type: "decide", url, forCard: true })))
      .then((results) => {
        let worst = null;
        const rank = (r) => (r.error ? -1 : r.unchecked ? Math.max(2.5, RANK[r.verdict] ?? 2) : RANK[r.verdict] ?? 2);
        for (const r of results) if (r && (!worst || rank(r) > rank(worst))) worst = r;
        if (worst && !worst.error && worst.verdict !== "official") show(worst);
      }, () => {});
  }, true);
})();
