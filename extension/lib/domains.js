// Registrable domains and public suffixes of canonical hosts, as the server reads them
// (server/core/domains.py): the same rules (lib/suffixes.js, generated from the server's
// list), the same walk from the last label, the default rule `*`. Pure: runs in Node too.
import { SUFFIX_RULES } from "./suffixes.js";

export class SuffixList {
  constructor(text = SUFFIX_RULES) {
    this.rules = new Set();
    this.wild = new Set();
    this.exceptions = new Set();
    for (const line of text.split("\n")) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const parent = line.slice(0, colon);
      for (const label of line.slice(colon + 1).split(" ")) {
        if (label === "*") this.wild.add(parent);
        else if (label.startsWith("!")) this.exceptions.add(`${label.slice(1)}.${parent}`);
        else if (label) this.rules.add(`${label}.${parent}`);
      }
    }
    this.tails = new Set();
    for (const set of [this.rules, this.wild, this.exceptions]) {
      for (const rule of set) {
        const labels = rule.split(".");
        for (let i = 0; i < labels.length; i++) this.tails.add(labels.slice(i).join("."));
      }
    }
  }

  /** Index in `host` where its public suffix starts (0 when the host is a suffix). */
  suffixStart(host) {
    let dot = host.lastIndexOf(".");
    let start = dot + 1; // default rule "*": the last label is a suffix
    let pos = start;
    let parent = "";
    for (;;) {
      const cand = host.slice(pos);
      if (this.exceptions.has(cand)) return host.indexOf(".", pos) + 1;
      if (this.rules.has(cand) || (parent && this.wild.has(parent))) start = pos;
      if (!this.tails.has(cand) || pos === 0) return start;
      parent = cand;
      dot = pos - 2 < 0 ? -1 : host.lastIndexOf(".", pos - 2);
      pos = dot + 1;
    }
  }

  publicSuffix(host) {
    return host.slice(this.suffixStart(host));
  }

  /** The registrable domain (eTLD+1), "" for a public suffix, the host for an IP address. */
  registrableDomain(host) {
    if (isIpHost(host)) return host;
    const start = this.suffixStart(host);
    if (start === 0) return "";
    const dot = start - 2 < 0 ? -1 : host.lastIndexOf(".", start - 2);
    return host.slice(dot + 1);
  }
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isIpHost(host) {
  return host.startsWith("[") || IPV4.test(host);
}

let shared = null;
/** The list bundled with the extension, parsed once. */
export function defaultSuffixList() {
  shared ??= new SuffixList();
  return shared;
}
