// Least data and clean links, decided locally. `serverUrl` is the least of a link the server
// needs to judge it: scheme, the user name (a "nhandan.vn@evil.example" disguise), host and
// port; the path only on hosts with path rules in the lists (official pages on Facebook,
// YouTube, …) and on link shorteners; no query and no fragment, except Facebook's
// profile.php?id=N, which names a page. `cleanLink` removes the tracking parameters of the
// lists snapshot (`tracking_params`) for "Sao chép liên kết", and says which it removed.
// Pure: runs in Node too.

/** The server's tracking parameters, for a snapshot that does not carry its own table. */
export const DEFAULT_TRACKING = ["utm_*", "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid",
  "msclkid", "yclid", "ttclid", "twclid", "igshid", "igsh", "mc_cid", "mc_eid", "zarsrc", "_ga", "_gl",
  "__tn__", "__cft__[0]", "mibextid", "ref_src", "ref_url", "si"];

/** The least of a decided link (canonical, after unwrapping) to send to the server. */
export function serverUrl(matcher, decided) {
  const u = new URL(decided.canonical);
  const user = u.username ? `${u.username}@` : "";
  let out = `${u.protocol}//${user}${u.host}`;
  const keepPath = decided.shortened || matcher.hasPathRules(u.hostname);
  if (!keepPath) return `${out}/`;
  out += u.pathname;
  if (u.pathname.toLowerCase() === "/profile.php") {
    const id = u.searchParams.get("id");
    if (id && /^\d+$/.test(id)) out += `?id=${id}`;
  }
  return out;
}

function isTracking(name, table) {
  for (const p of table) {
    if (p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : name === p) return true;
  }
  return false;
}

/** {link, removed}: the link without tracking parameters (names as the table lists them). */
export function cleanLink(link, table = DEFAULT_TRACKING) {
  let u;
  try {
    u = new URL(link);
  } catch {
    return { link, removed: [] };
  }
  if (!u.search) return { link: u.href, removed: [] };
  const kept = [];
  const removed = [];
  for (const item of u.search.slice(1).split("&")) {
    if (!item) continue;
    let name = item.split("=", 1)[0];
    try {
      name = decodeURIComponent(name.replace(/\+/g, " "));
    } catch {
      /* keep the raw name */
    }
    if (isTracking(name, table)) {
      if (!removed.includes(name)) removed.push(name);
    } else kept.push(item);
  }
  u.search = kept.length ? `?${kept.join("&")}` : "";
  return { link: u.href, removed };
}
