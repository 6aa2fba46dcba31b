// Paste guard (classic content script on social sites): when a link is pasted into a compose
// box, ask the background (never the server directly) and, unless the source is official,
// show a small card in a closed Shadow DOM. Dismiss with the button or Escape.
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  const URL_RE = /(?:https?:\/\/|www\.)[^\s<>"']+/i;
  let host = null;

  function close() {
    host?.remove();
    host = null;
  }

  function show(result) {
    close();
    host = document.createElement("khong-voi-card");
    host.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483647;";
    const root = host.attachShadow({ mode: "closed" });
    const box = document.createElement("div");
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-label", "Không Vội");
    box.dataset.verdict = result.verdict;
    const colours = { denied: "#b3261e", suspicious: "#c25e00", unknown: "#5f6b76" };
    box.style.cssText = `font:14px/1.4 system-ui,sans-serif;max-width:320px;background:#fff;color:#1d2733;
      border-left:6px solid ${colours[result.verdict] ?? "#5f6b76"};box-shadow:0 2px 12px #0004;padding:10px 12px;border-radius:6px`;
    const title = document.createElement("strong");
    title.textContent = `Không Vội: ${result.label ?? result.verdict}`;
    const reason = document.createElement("p");
    reason.textContent = result.reasons?.[0]?.message ?? result.hint ?? "";
    reason.style.margin = "6px 0";
    const advice = document.createElement("p");
    advice.textContent = result.fiveKhong ?? "";
    advice.style.margin = "6px 0";
    const button = document.createElement("button");
    button.textContent = result.closeLabel ?? "Đóng";
    button.addEventListener("click", close);
    box.append(title, reason, advice, button);
    root.append(box);
    document.documentElement.append(host);
    host.dataset.verdict = result.verdict; // readable by tests and assistive tools
    button.focus({ preventScroll: true });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && host) close();
  }, true);

  document.addEventListener("paste", (event) => {
    const text = event.clipboardData?.getData("text/plain") ?? "";
    const match = URL_RE.exec(text);
    if (!match) return;
    api.runtime.sendMessage({ type: "decide", url: match[0], forCard: true }).then((result) => {
      if (result && !result.error && result.verdict !== "official") show(result);
    }, () => {});
  }, true);
})();
