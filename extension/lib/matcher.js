// Local decisions from the lists snapshot (GET /api/v1/lists), with exactly the server's
// rule semantics (server/core/matching.py): host patterns cover subdomains; path patterns
// cover the host and its m./mbasic./mobile./web./www. hosts at segment boundaries,
// case-insensitively; the most specific rule wins; deny wins an exact tie. Redirect wrappers
// are unwrapped first. On facebook.com the first path segment is compared without dots, as
// Facebook reads page names (facebook.com/bao.chinhphu is the page baochinhphu), except *.php
// endpoints. Pure: runs in Node for the tests shared with Python.

import { InvalidURL, parseUrl } from "./urls.js";

const PLATFORM_SUBDOMAINS = new Set(["m", "mbasic", "mobile", "web", "www"]);
const MAX_UNWRAP = 10;
const DOTLESS_PAGES = new Set(["facebook.com"]);

/** A Facebook path as Facebook reads it: the first segment without dots; /profile.php with
 * id=N in the query is /profile.php?id=N (a page without a username). */
export function pageKey(path, query = "") {
  if (query && path.toLowerCase() === "/profile.php") {
    for (const item of query.split("&")) {
      if (item.startsWith("id=") && /^\d+$/.test(item.slice(3))) {
        return `/profile.php?id=${BigInt(item.slice(3))}`;
      }
    }
    return path;
  }
  const end = path.indexOf("/", 1);
  const first = end > 0 ? path.slice(1, end) : path.slice(1);
  if (!first.includes(".") || first.toLowerCase().split("?")[0].endsWith(".php")) return path;
  return "/" + first.replaceAll(".", "") + (end > 0 ? path.slice(end) : "");
}

function prefer(old, rule) {
  if (!old || old.list === rule.list) return rule;
  return old.list === "deny" ? old : rule;
}

export class Matcher {
  constructor(snapshot) {
    this.version = snapshot.version ?? 0;
    this.nodes = new Map();
    for (const rule of snapshot.rules ?? []) this.add(rule);
    // most specific path first, as on the server (/amp/s/* before /amp/*)
    this.wrappers = (snapshot.wrappers ?? []).map((w) => ({ ...w }))
      .sort((a, b) => b.path.length - a.path.length);
    this.shorteners = new Set(snapshot.shorteners ?? []);
    this.tracking = snapshot.tracking_params ?? null;
  }

  add(rule) {
    const slash = rule.pattern.indexOf("/");
    const host = slash < 0 ? rule.pattern : rule.pattern.slice(0, slash);
    let path = slash < 0 ? "" : rule.pattern.slice(slash);
    if (path && DOTLESS_PAGES.has(host)) path = pageKey(path);
    let node = this.nodes.get(host);
    if (!node) this.nodes.set(host, (node = { hostRule: null, paths: new Map() }));
    if (path) node.paths.set(path, prefer(node.paths.get(path), rule));
    else node.hostRule = prefer(node.hostRule, rule);
  }

  /** The deciding rule for a canonical host, path and query, or null. */
  lookup(host, path, query = "") {
    let start = 0;
    for (;;) {
      const node = this.nodes.get(host.slice(start));
      if (node) {
        if (node.paths.size && (start === 0 || PLATFORM_SUBDOMAINS.has(host.slice(0, start - 1)))) {
          const keyed = DOTLESS_PAGES.has(host.slice(start)) ? pageKey(path, query) : path;
          let p = keyed.toLowerCase().replace(/\/+$/, "");
          while (p) {
            const rule = node.paths.get(p);
            if (rule) return rule;
            p = p.slice(0, p.lastIndexOf("/"));
          }
        }
        if (node.hostRule) return node.hostRule;
      }
      const dot = host.indexOf(".", start);
      if (dot < 0) return null;
      start = dot + 1;
    }
  }

  /** Whether some rule with a path covers this host (then a page's path decides). */
  hasPathRules(host) {
    for (let start = 0; ; ) {
      if (this.nodes.get(host.slice(start))?.paths.size) return true;
      const dot = host.indexOf(".", start);
      if (dot < 0) return false;
      start = dot + 1;
    }
  }

  wrapperFor(u) {
    for (const w of this.wrappers) {
      if (!hostMatches(w.host, u.host)) continue;
      if (w.path.endsWith("*") ? !u.path.startsWith(w.path.slice(0, -1)) : !samePath(u.path, w.path)) continue;
      const target = extract(w, u);
      if (target) return target;
    }
    return null;
  }

  /** {host, canonical, chain, rule, shortened} or {error} for what a user pasted. */
  decide(raw) {
    try {
      let u = parseUrl(raw);
      const chain = [raw];
      for (let hops = 0; hops < MAX_UNWRAP; hops++) {
        const target = this.wrapperFor(u);
        if (!target) break;
        u = parseUrl(target);
        chain.push(u.canonical);
      }
      // no dot: no Internet address (vnexpress, localhost), as the server refuses it
      if (!u.host.includes(".") && !u.host.startsWith("[")) throw new InvalidURL("incomplete_host");
      const rule = this.lookup(u.host, u.path, u.query);
      return { host: u.host, canonical: u.canonical, chain, rule,
               shortened: !rule && this.shorteners.has(u.host) };
    } catch (err) {
      if (err instanceof InvalidURL) return { error: err.code };
      throw err;
    }
  }
}

function samePath(a, b) {
  return a === b || a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

function hostMatches(pattern, host) {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1));
  if (pattern.endsWith(".*")) {
    // label followed by a public suffix (approximated: at most two short labels), optional first label
    const label = pattern.slice(0, -2).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`^(?:[a-z0-9-]+\\.)?${label}\\.[a-z]{2,}(?:\\.[a-z]{2,3})?$`).test(host);
  }
  return pattern === host;
}

// A target escaped twice (https%3A%2F%2F…) unescaped until it reads as a web address.
function decoded(value) {
  for (let i = 0; i < 3 && /^https?%3a/i.test(value); i++) {
    try {
      value = decodeURIComponent(value);
    } catch {
      break;
    }
  }
  return value;
}

function extract(w, u) {
  if (w.kind === "query") {
    const params = new URLSearchParams(u.query);
    for (const name of w.param.split("|")) {
      const value = (params.get(name) ?? "").trim();
      if (value) return decoded(value);
    }
    return null;
  }
  const query = u.query ? `?${u.query}` : "";
  if (w.kind === "path") {
    const rest = u.path.slice(w.path.length - 1);
    return rest.replace(/\//g, "") ? `${w.param}://${rest}${query}` : null;
  }
  let rest = u.path.slice(1);
  if (!/^[cvi]\//.test(rest)) return null;
  rest = rest.slice(2);
  let scheme = "http";
  if (rest.startsWith("s/")) [scheme, rest] = ["https", rest.slice(2)];
  return rest ? `${scheme}://${rest}${query}` : null;
}
