// URL intake for the extension: the same canonical host, path and refusals as the server
// (server/core/urls.py), built on the WHATWG URL parser browsers use. Pure: runs in Node too.

const WEB = new Set(["http:", "https:"]);

export class InvalidURL extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

function schemeOf(text) {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
  if (!m) return null;
  const scheme = m[1].toLowerCase();
  const after = text.slice(m[0].length);
  if (scheme === "http" || scheme === "https") return scheme;
  if (scheme.includes(".") || (/^\d/.test(after) && !after.startsWith("//"))) return null;
  throw new InvalidURL("unsupported_scheme");
}

// A scheme as people mistype it: https://, https:, https//, http:\\ (as the server reads it).
const SCHEME_PREFIX = /^(https?)(?::[/\\]*|[/\\]{2,})/i;

/** https://https://a.vn/x → https://a.vn/x; https//a.vn → https://a.vn (paste slips). */
export function stripDoubledScheme(text) {
  let m = SCHEME_PREFIX.exec(text);
  while (m) {
    const rest = text.slice(m[0].length);
    if (!SCHEME_PREFIX.test(rest)) break;
    text = rest;
    m = SCHEME_PREFIX.exec(text);
  }
  if (m && !m[0].includes(":")) text = `${m[1]}://${text.slice(m[0].length)}`;
  return text;
}

function authorityIsEmpty(withScheme) {
  const rest = withScheme.replace(/^[a-z]+:/i, "").replace(/^[/\\]+/, "");
  const authority = rest.split(/[/?#\\]/)[0];
  const host = authority.slice(authority.lastIndexOf("@") + 1).replace(/:\d*$/, "");
  return host === "";
}

/** Canonical parts of what a user pasted, or throws InvalidURL with the server's codes. */
export function parseUrl(raw) {
  if (typeof raw !== "string") throw new InvalidURL("invalid_url");
  const text = stripDoubledScheme(raw.trim().replace(/[\t\r\n]/g, ""));
  if (!text) throw new InvalidURL("empty_url");
  if (text.length > 8192) throw new InvalidURL("url_too_long");
  const scheme = schemeOf(text);
  let full = text;
  if (scheme === null) full = text.startsWith("//") ? `http:${text}` : `http://${text}`;
  if (authorityIsEmpty(full)) throw new InvalidURL("missing_host");
  let url;
  try {
    url = new URL(full);
  } catch {
    throw new InvalidURL("invalid_host");
  }
  if (!WEB.has(url.protocol)) throw new InvalidURL("unsupported_scheme");
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (!host) throw new InvalidURL("missing_host");
  url.hostname = host;
  url.hash = "";
  return { canonical: url.href, host, path: url.pathname, query: url.search.slice(1), url };
}
