// The server's lookalike detector (server/core/lookalike.py: LookalikeDetector.find and
// find_page, asked as server/core/checker.py asks them in check()) for when the server
// cannot be reached: the same checks in the same order, fed from the `lookalike` section of the lists snapshot (brands, domains, word lists, the skeleton as
// host characters read as ASCII). Pure: runs in Node for the differential tests shared with
// Python (tests/cases/lookalike.json, tests/unit/test_lookalike_offline.py). Keep each
// function next to its Python twin's logic; a change there is a change here.

import { defaultSuffixList } from "./domains.js";

export const FORMAT = 1;
const GOV_NAME = "Cơ quan nhà nước (gov.vn)";
const DIGITS = /^\p{Nd}+$/u;
const LETTER = /\p{L}/u;
const LATIN = /\p{Script=Latin}/u;
const OTHER_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}\p{Script=Coptic}]/u;

const isDigits = (s) => DIGITS.test(s);
const isAscii = (s) => /^[\x00-\x7f]*$/.test(s);

export function deletes(word) {
  const out = new Set();
  for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** "a.b.c" split from the right at most `n` times, the first piece (Python's rsplit()[0]). */
function rsplitFirst(s, n) {
  let pos = s.length;
  for (let i = 0; i < n && pos > 0; i++) {
    const dot = s.lastIndexOf(".", pos - 1);
    if (dot < 0) break;
    pos = dot;
  }
  return s.slice(0, pos);
}

function stripDigitsEnd(s) {
  return s.replace(/[0-9]+$/, "");
}

/** Code points of one label (the codec Python's punycode follows, RFC 3492); null if invalid. */
export function punycodeDecode(text) {
  const pos = text.lastIndexOf("-");
  const base = pos < 0 ? [] : Array.from(text.slice(0, pos), (c) => c.codePointAt(0));
  const extended = (pos < 0 ? text : text.slice(pos + 1)).toUpperCase();
  const out = base;
  let char = 0x80;
  let at = -1;
  let bias = 72;
  let extpos = 0;
  let first = true;
  const T = (j) => Math.min(26, Math.max(1, 36 * (j + 1) - bias));
  while (extpos < extended.length) {
    let result = 0;
    let w = 1;
    let j = 0;
    let delta = null;
    while (delta === null) {
      if (extpos >= extended.length) return null; // incomplete
      const c = extended.charCodeAt(extpos++);
      let digit;
      if (c >= 0x41 && c <= 0x5a) digit = c - 0x41;
      else if (c >= 0x30 && c <= 0x39) digit = c - 22;
      else return null;
      const t = T(j);
      result += digit * w;
      if (digit < t) delta = result;
      else {
        w *= 36 - t;
        j += 1;
      }
    }
    at += delta + 1;
    char += Math.floor(at / (out.length + 1));
    if (char > 0x10ffff) return null;
    at %= out.length + 1;
    out.splice(at, 0, char);
    bias = adapt(delta, first, out.length);
    first = false;
  }
  return String.fromCodePoint(...out);
}

function adapt(delta, first, numchars) {
  delta = first ? Math.floor(delta / 700) : Math.floor(delta / 2);
  delta += Math.floor(delta / numchars);
  let divisions = 0;
  while (delta > 455) {
    delta = Math.floor(delta / 35);
    divisions += 36;
  }
  return divisions + Math.floor((36 * delta) / (delta + 38));
}

/** Punycode labels decoded and lower-cased (server/core/skeleton.py _to_unicode), or null. */
export function toUnicode(name) {
  const labels = [];
  for (const label of name.split(".")) {
    if (!label.startsWith("xn--")) {
      labels.push(label);
      continue;
    }
    let text;
    try {
      text = punycodeDecode(label.slice(4));
    } catch {
      text = null;
    }
    if (text === null) return null;
    labels.push(text.toLowerCase());
  }
  return labels.join(".");
}

/** `"1u,2+4"` → the characters of code points 66 and 68…72 (lookalike_offline.pack_chars). */
export function unpackChars(packed) {
  const out = [];
  let end = 0;
  for (const run of packed ? packed.split(",") : []) {
    const [gap, length = "0"] = run.split("+");
    const start = end + parseInt(gap, 36);
    end = start + parseInt(length, 36);
    for (let cp = start; cp <= end; cp++) out.push(String.fromCodePoint(cp));
  }
  return out;
}

export class LookalikeDetector {
  /** `data`: the snapshot's `lookalike` section; `rules`: the snapshot's rules (names). */
  constructor(data, rules = [], suffixes = defaultSuffixList()) {
    if (!data || data.format !== FORMAT) throw new Error("unknown lookalike data format");
    this.suffixes = suffixes;
    const w = data.words;
    this.words = w;
    this.minFuzzy = w.min_fuzzy;
    this.filler = new Set(w.filler);
    this.vnShortFiller = new Set(w.vn_short_filler);
    this.fillerSizes = [...new Set(w.filler.map((x) => x.length))].sort((a, b) => a - b);
    this.govTokens = new Set(w.gov_tokens);
    this.portalTokens = new Set(w.portal_tokens);
    this.agencyAcronyms = new Set(w.agency_acronyms);
    this.vnMarkers = new Set(w.vn_markers);
    this.foreignGov = new Set(w.foreign_gov);
    this.openCctlds = new Set(w.open_cctlds);
    this.freeHosts = new Set(w.free_hosts);
    this.keyboard = new Map(Object.entries(w.keyboard));
    this.vowels = new Set(w.vowels);
    this.pairs = new Set(w.lookalike_pairs);
    this.onsets = w.onsets;
    this.rhymes = new Set(w.rhymes);
    this.longestRhyme = Math.max(...w.rhymes.map((r) => r.length));
    this.places = w.places;
    this.viCache = new Map();

    const ruleNames = new Map();
    for (const r of rules) if (r.list === "allow" && !ruleNames.has(r.pattern)) ruleNames.set(r.pattern, r.name ?? "");
    this.domains = new Map();
    for (const d of data.domains) this.domains.set(d, Object.hasOwn(data.names, d) ? data.names[d] : ruleNames.get(d) ?? "");
    this.brands = new Map();
    for (const [label, suffix] of Object.entries(data.brands)) {
      const domain = `${label}.${suffix}`;
      this.brands.set(label, [domain, this.domains.get(domain) ?? ""]);
    }
    this.candidates = new Set(data.candidates);
    this.pagePrefixes = new Set(data.page_prefixes ?? []);
    // domain -> Map(page name -> [pattern, name]) in the server's order, and its delete index
    this.pages = new Map();
    this.pageDeleted = new Map();
    for (const [domain, list] of Object.entries(data.pages ?? {})) {
      const names = new Map();
      for (const [page, pattern] of list) if (!names.has(page)) names.set(page, [pattern, ruleNames.get(pattern) ?? ""]);
      this.pages.set(domain, names);
      this.pageDeleted.set(domain, index([...names.keys()]));
    }
    this.longestPage = Math.max(0, ...[...this.pages.values()].flatMap((names) => [...names.keys()].map((p) => p.length)));
    this.mostLabels = Math.max(0, ...[...this.domains.keys()].map((d) => d.split(".").length));
    this.exactOnly = new Set();
    for (const b of this.brands.keys()) {
      if (b.length < this.minFuzzy || [...deletes(b)].some((d) => this.filler.has(d))) this.exactOnly.add(b);
    }
    this.exactOnlySorted = [...this.exactOnly].sort();
    this.exactSizes = [...new Set([...this.exactOnly].map((b) => b.length))].sort((a, b) => a - b);
    const fuzzy = [...this.brands.keys()].filter((b) => !this.exactOnly.has(b));
    this.fuzzy = fuzzy.sort((a, b) => b.length - a.length);
    this.deleted = index(fuzzy);
    this.lengths = [...new Set(fuzzy.map((b) => b.length))].sort((a, b) => a - b);
    this.agencyDeleted = index(w.agency_typo_words);
    this.siblings = new Set();
    for (const b of this.brands.keys()) for (const s of this.placeSiblings(b)) if (!this.brands.has(s)) this.siblings.add(s);
    this.papers = new Set([...this.brands].filter(([, [, name]]) => name.toLowerCase().startsWith("báo")).map(([b]) => b));
    this.asciiLooks = w.ascii_looks ?? [];
    this.asciiBrands = new Map();
    for (const b of this.brands.keys()) this.asciiBrands.set(this.asciiSkeleton(b), b);
    this.plainMap = new Map();
    for (const [to, packed] of Object.entries(data.plain)) for (const c of unpackChars(packed)) this.plainMap.set(c, to);
  }

  // --- words (server/core/vietnamese.py, lookalike_words.py, edit_distance.py) -----------

  isVietnamese(label) {
    const cached = this.viCache.get(label);
    if (cached !== undefined) return cached;
    const n = label.length;
    let found = false;
    if (n && /^[a-z]+$/.test(label)) {
      const reach = new Array(n + 1).fill(false);
      reach[0] = true;
      for (let i = 0; i < n && !found; i++) {
        if (!reach[i]) continue;
        for (const onset of this.onsets) {
          if (!label.startsWith(onset, i)) continue;
          const j = i + onset.length;
          for (let k = j + 1; k <= Math.min(n, j + this.longestRhyme); k++) {
            if (this.rhymes.has(label.slice(j, k))) reach[k] = true;
          }
        }
        if (reach[n]) found = true;
      }
      found = found || reach[n];
    }
    if (this.viCache.size >= 4096) this.viCache.clear();
    this.viCache.set(label, found);
    return found;
  }

  placeSiblings(name) {
    const out = new Set();
    for (const place of this.places) {
      const start = name.indexOf(place);
      if (start < 0) continue;
      for (const other of this.places) {
        if (other !== place) out.add(name.slice(0, start) + other + name.slice(start + place.length));
      }
    }
    return out;
  }

  oneSyllable(s) {
    return this.onsets.some((o) => s.startsWith(o) && this.rhymes.has(s.slice(o.length)));
  }

  lastSyllable(word) {
    for (let k = 1; k <= Math.min(word.length, 7); k++) {
      const tail = word.slice(-k);
      if (this.oneSyllable(tail) && (k === word.length || this.isVietnamese(word.slice(0, -k)))) return tail;
    }
    return "";
  }

  extends(brand, after) {
    if (!after || "aeiouy".includes(after[0]) || this.filler.has(after) || this.isVietnamese(after)) return false;
    const last = this.lastSyllable(brand);
    if (!last) return false;
    for (let k = 1; k <= Math.min(3, after.length); k++) {
      if (this.oneSyllable(last + after.slice(0, k)) && (k === after.length || this.isVietnamese(after.slice(k)))) return true;
    }
    return false;
  }

  dropCompounds(flat) {
    let out = flat;
    const w = this.words;
    let i = out.indexOf("dichvucong");
    while (i >= 0) {
      if (w.cong_compounds.some((c) => out.startsWith(c, i + 10))) out = `${out.slice(0, i)}#${out.slice(i + 1)}`;
      i = out.indexOf("dichvucong", i + 1);
    }
    for (const word of ["chinhphu", "congan"]) {
      i = out.indexOf(word);
      while (i >= 0) {
        const before = out.slice(0, i);
        if (this.extends(word, out.slice(i + word.length))
            || (word === "congan" && !before.endsWith("bo") && w.cong_before.some((c) => before.endsWith(c)))) {
          out = `${out.slice(0, i)}#${out.slice(i + 1)}`;
        }
        i = out.indexOf(word, i + 1);
      }
    }
    return out;
  }

  foreignGovName(words, label, tld) {
    if (["gov", "gouv", "govt"].includes(label)
        && !["vn", "com", "net", "org", "info", "xyz", "top", "online", "site"].includes(tld)
        && (tld.length !== 2 || !this.openCctlds.has(tld))) return true;
    return tld === "us" || words.includes("us-gov");
  }

  slip(a, b) {
    if (isDigits(a) && isDigits(b)) return false;
    const bits = (a.codePointAt(0) ^ b.codePointAt(0)).toString(2).replaceAll("0", "").length;
    return (this.keyboard.get(a) ?? "").includes(b) || (this.keyboard.get(b) ?? "").includes(a)
      || bits === 1 || (this.vowels.has(a) && this.vowels.has(b)) || this.pairs.has([a, b].sort().join(""));
  }

  oneEdit(a, b, loose = false) {
    if (a === b || Math.abs(a.length - b.length) > 1) return false;
    if (a.length === b.length) {
      const diff = [];
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
      if (diff.length === 1) {
        const d = diff[0];
        return this.slip(b[d], a[d]) || (loose && !(isDigits(a[d]) && isDigits(b[d])));
      }
      return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
    }
    const [short, long] = a.length < b.length ? [a, b] : [b, a];
    for (let i = 0; i < long.length; i++) if (long.slice(0, i) + long.slice(i + 1) === short) return true;
    return false;
  }

  // --- the detector (server/core/lookalike.py) ---------------------------------------------

  hit(code, brandOrDomain, detail = "") {
    const [domain, name] = this.brands.get(brandOrDomain) ?? [brandOrDomain, this.domains.get(brandOrDomain) ?? ""];
    return { code, domain, name, detail };
  }

  govHit() {
    return { code: "lookalike_gov_token", domain: "gov.vn", name: GOV_NAME, detail: "" };
  }

  /** The imitated official source {code, domain, name, detail}, or null. `host` is
   * canonical; `domain` its registrable domain (computed when not given). */
  find(host, domain = this.suffixes.registrableDomain(host)) {
    if (host.length > 253) return null;
    if (!domain || this.domains.has(domain) || this.candidates.has(domain)
        || this.words.vetted_vn.some((v) => domain.endsWith(v))) return null;
    const suffix = this.suffixes.publicSuffix(domain);
    let underVn = suffix === "vn" || suffix.endsWith(".vn");
    if (!underVn && suffix.split(".").slice(0, -1).some((p) => this.foreignGov.has(p))) return null;
    let label = domain.slice(0, domain.length - suffix.length - 1);
    let subdomain = host !== domain ? host.slice(0, host.length - domain.length - 1) : "";
    if (underVn && this.brands.has(label) && this.brands.get(label)[0].endsWith(".vn")) return null;
    let free = this.freeHosts.has(suffix);
    if (this.freeHosts.has(domain) && subdomain) {
      const dot = subdomain.lastIndexOf(".");
      [subdomain, label] = [dot < 0 ? "" : subdomain.slice(0, dot), subdomain.slice(dot + 1)];
      [free, underVn] = [true, false];
    }
    if (host.includes("xn--")) {
      const found = this.homograph(domain);
      if (found) return found;
      [host, domain] = [this.plain(host), this.plain(domain)];
      label = rsplitFirst(domain, suffix.split(".").length);
      subdomain = host !== domain ? host.slice(0, host.length - domain.length - 1) : "";
    }
    if (label.includes("-")) {
      for (const part of label.split("-")) {
        if (this.brands.has(part) && !this.exactOnly.has(part) && part !== label) {
          return this.hit("lookalike_combosquat", part, `${part} + other words`);
        }
      }
    }
    const found = this.asciiLookalike(label.replaceAll("-", "")) || this.sameName(label, suffix)
      || this.split(subdomain, label)
      || this.embedded(host, subdomain) || (free && this.freePage(label)) || null;
    if (found) return found;
    const word = label.replaceAll("-", "");
    if (this.siblings.has(word)) return null;
    const tld = suffix.slice(suffix.lastIndexOf(".") + 1);
    const portalOnly = underVn && this.isVietnamese(word);
    if (this.words.agency_names.some((a) => word.includes(a))) {
      return this.typo(label) || this.gov(label, subdomain, tld, portalOnly);
    }
    return this.typo(label) || this.combo(word, underVn && !free, label.includes("-"))
      || this.typoWithFiller(label) || this.gov(label, subdomain, tld, portalOnly);
  }

  /** What the server's checker asks of the detector for an unlisted link: the host's
   * imitation, else, on a platform with official pages, the page's (`canonical` URL). */
  check(host, canonical = "") {
    const domain = this.suffixes.registrableDomain(host);
    const found = this.find(host, domain);
    if (found || !this.pages.has(domain) || !canonical) return found;
    // the path's first two segments (all a page name can depend on), as the checker keys them
    const head = canonical.split("?")[0].split("/").slice(3, 5).join("/");
    return this.findPage(domain, head);
  }

  /** The official page a page on a shared platform imitates (facebook.com + /baochinhphuu). */
  findPage(domain, path) {
    const names = this.pages.get(domain);
    if (!names?.size) return null;
    const key = this.pageName(path);
    if (key.length < this.minFuzzy - 1 || names.has(key)) return null;
    const joined = key.replaceAll("-", "").replaceAll("_", "");
    if (joined.length > 4 * this.longestPage) return null;
    if (names.has(joined)) return this.pageHit(names.get(joined), key);
    if (joined.length <= this.longestPage + 1) {
      const index = this.pageDeleted.get(domain);
      for (const variant of [...new Set([...deletes(joined), joined])].sort()) {
        for (const page of index.get(variant) ?? []) {
          if (this.oneEdit(joined, page)) return this.pageHit(names.get(page), key);
        }
      }
    }
    for (const [page, official] of names) {
      const at = joined.indexOf(page);
      if (at >= 0 && !this.anotherName(joined.slice(0, at), page, joined.slice(at + page.length))) {
        return this.pageHit(official, key);
      }
    }
    return null;
  }

  pageHit([pattern, name], key) {
    return { code: "lookalike_page", domain: pattern, name, detail: key };
  }

  /** The page a platform path names, as Facebook compares names (server: page_name). */
  pageName(path) {
    let segments = path.split("?")[0].split("#")[0].split("/").filter(Boolean);
    if (segments.length > 1 && this.pagePrefixes.has(segments[0].toLowerCase())) segments = segments.slice(1);
    if (!segments.length) return "";
    return segments[0].toLowerCase().replace(/^@+/, "").replaceAll(".", "");
  }

  /** A punycode name as read: Unicode, look-alikes mapped to Latin, diacritics dropped. */
  plain(name) {
    const text = toUnicode(name);
    if (text === null) return name;
    let out = "";
    for (const c of text) {
      const mapped = this.plainMap.get(c);
      if (mapped !== undefined) {
        out += mapped;
        continue;
      }
      if (isAscii(c)) {
        out += c;
        continue;
      }
      // left as it is by the skeleton but for its marks (another script's letters)
      for (const d of c.normalize("NFD").toLowerCase()) out += this.plainMap.get(d) ?? d;
    }
    return out;
  }

  homograph(domain) {
    if (!domain.includes("xn--")) return null;
    const text = toUnicode(domain);
    if (text === null) return null;
    const plain = this.plain(domain);
    const detail = `${text} (${domain})`;
    if (this.domains.has(plain)) return this.hit("lookalike_homograph", plain, detail);
    const label = plain.split(".")[0];
    if (this.brands.has(label) && domain.startsWith("xn--")) return this.hit("lookalike_homograph", label, detail);
    if (domain.startsWith("xn--") && label.length <= this.minFuzzy) {
      for (const brand of this.exactOnlySorted) {
        if (brand.length >= 3 && this.oneEdit(label, brand)) return this.hit("lookalike_homograph", brand, detail);
      }
    }
    if (this.mixedScript(text.split(".")[0])) return { code: "lookalike_mixed_script", domain: plain, name: "", detail };
    return null;
  }

  /** skeleton.ascii_skeleton: ASCII look-alikes taken for the letters they imitate. */
  asciiSkeleton(label) {
    for (const [seq, letter] of this.asciiLooks) if (label.includes(seq)) label = label.replaceAll(seq, letter);
    return label;
  }

  /** A whole name that is a brand written with ASCII look-alikes (v0v, bnevvs). */
  asciiLookalike(word) {
    const brand = this.asciiBrands.get(this.asciiSkeleton(word));
    if (brand === undefined || brand === word) return null;
    return this.hit("lookalike_homograph", brand, word);
  }

  mixedScript(label) {
    let latin = false;
    let other = false;
    for (const c of label) {
      if (!LETTER.test(c)) continue;
      if (isAscii(c) || LATIN.test(c)) latin = true;
      else if (this.plainMap.has(c) || OTHER_SCRIPT.test(c)) other = true;
    }
    return latin && other;
  }

  sameName(label, suffix) {
    if (this.brands.has(label)) return this.hit("lookalike_tld_swap", label);
    const joined = label.replaceAll("-", "");
    if (joined !== label && this.brands.has(joined)) {
      const sameEnd = this.brands.get(joined)[0] === `${joined}.${suffix}`;
      return this.hit(sameEnd ? "lookalike_typosquat" : "lookalike_tld_swap", joined, "hyphenated");
    }
    for (const glue of this.words.suffix_glue) {
      const stem = joined.slice(0, -glue.length);
      if (joined.endsWith(glue) && this.brands.has(stem)) return this.hit("lookalike_tld_swap", stem, "suffix glued on");
    }
    return null;
  }

  split(subdomain, label) {
    if (!subdomain) return null;
    const last = subdomain.slice(subdomain.lastIndexOf(".") + 1);
    for (let joined of new Set([last + label, subdomain.replaceAll(".", "") + label])) {
      joined = joined.replaceAll("-", "");
      if (this.brands.has(joined) && !this.exactOnly.has(joined)) return this.hit("lookalike_typosquat", joined, "split across labels");
    }
    return null;
  }

  freePage(label) {
    for (const part of label.split(/[^a-z]+/)) {
      for (const size of this.exactSizes) {
        const head = part.slice(0, size);
        const tail = part.slice(-size);
        if ((this.exactOnly.has(head) && ["", "vn"].includes(part.slice(size)))
            || (this.exactOnly.has(tail) && ["", "vn"].includes(part.slice(0, -size)))) {
          const brand = this.exactOnly.has(head) ? head : tail;
          return this.hit("lookalike_combosquat", brand, `${brand} in a page name`);
        }
      }
    }
    return null;
  }

  embedded(host, subdomain) {
    if (!subdomain) return null;
    const labels = host.split(".");
    const last = labels.length - 1;
    for (let i = 0; i < last; i++) {
      for (let k = i + 2; k <= Math.min(last, i + this.mostLabels); k++) {
        const piece = labels.slice(i, k).join(".");
        if (this.domains.has(piece)) return this.hit("lookalike_embedded_domain", piece);
      }
    }
    for (const lab of subdomain.split(".")) {
      const joined = lab.replaceAll("-", "");
      if (this.brands.has(lab) || this.brands.has(joined)) return this.hit("lookalike_embedded_domain", joined);
    }
    return null;
  }

  typo(label) {
    const hyphens = label.split("-").length - 1;
    const word = label.length - hyphens >= this.minFuzzy ? label.replaceAll("-", "") : label;
    const candidates = new Set();
    for (const key of [...deletes(word), word]) for (const b of this.deleted.get(key) ?? []) candidates.add(b);
    if (!candidates.size) return null;
    const loose = !this.isVietnamese(word);
    for (const brand of [...candidates].sort()) {
      if (this.oneEdit(word, brand, loose) && !(word.startsWith(brand) && word.length > brand.length + 1
          && this.extends(brand, word.slice(brand.length)))) {
        return this.hit("lookalike_typosquat", brand, `one edit from ${brand}`);
      }
    }
    return null;
  }

  typoWithFiller(label) {
    const parts = label.split("-");
    const rests = [];
    if (parts.length > 1) {
      const rest = parts.filter((p) => !this.filler.has(p)).join("");
      if (rest.length < label.length - (parts.length - 1)) rests.push(rest);
    } else {
      for (const k of this.fillerSizes) {
        if (label.length - k < this.minFuzzy) break;
        if (this.filler.has(label.slice(-k))) rests.push(label.slice(0, -k));
        if (this.filler.has(label.slice(0, k))) rests.push(label.slice(k));
      }
    }
    for (const rest of rests) {
      if (rest.length >= this.minFuzzy && !this.siblings.has(rest) && !this.isVietnamese(rest)) {
        const found = this.typo(rest);
        if (found) return found;
      }
    }
    return null;
  }

  combo(word, underVn, hyphenated) {
    const n = word.length;
    const sizes = this.fuzzy.some((b) => word.includes(b)) ? [...this.lengths].reverse() : [];
    for (const size of sizes) {
      if (size >= n) continue;
      for (let i = 0; i <= n - size; i++) {
        const piece = word.slice(i, i + size);
        if (this.brands.has(piece) && !this.exactOnly.has(piece)
            && !(this.extends(piece, word.slice(i + size))
                 || (!hyphenated && (underVn || i > 0) && this.anotherName(word.slice(0, i), piece, word.slice(i + size))))) {
          return this.hit("lookalike_combosquat", piece, `${piece} + other words`);
        }
      }
    }
    const fillers = underVn && !hyphenated ? this.vnShortFiller : this.filler;
    const bare = stripDigitsEnd(word);
    for (const size of this.exactSizes) {
      for (const [brand, rest, after] of [
        [word.slice(0, size), word.slice(size), true],
        [word.slice(-size), word.slice(0, -size), false],
        [bare.slice(-size), bare.slice(0, -size), false],
      ]) {
        if (this.exactOnly.has(brand) && (fillers.has(rest)
            || (after && isDigits(rest) && rest.length <= 2 && !(underVn && !hyphenated))
            || (!after && rest === "bao" && fillers === this.filler)
            || (!after && fillers.has(rest) && word.length - bare.length <= 2))) {
          return this.hit("lookalike_combosquat", brand, after ? `${brand} + ${rest}` : `${rest} + ${brand}`);
        }
      }
    }
    return null;
  }

  anotherName(before, brand, after) {
    if (before === "bao" && !after && !this.papers.has(brand)) return true;
    if (!before && after === "tv" && brand.startsWith("bao")) return true;
    if ((before === "bao" && !after && this.papers.has(brand)) || !this.isVietnamese(brand)) return false;
    if (before && isDigits(after)) after = "";
    return [before, after].every((w) => !w || (!this.filler.has(w) && this.isVietnamese(w)));
  }

  gov(label, subdomain, tld, portalOnly = false) {
    const w = this.words;
    const words = subdomain ? `${subdomain}.${label}` : label;
    const tokens = new Set(words.replaceAll(".", "-").split("-"));
    if (tokens.has("gov") && this.foreignGovName(words, label, tld)) tokens.delete("gov");
    const flat = this.dropCompounds(words.replaceAll("-", "").replaceAll(".", ""));
    const [substrings, whole] = portalOnly ? [w.portal_substrings, this.portalTokens] : [w.gov_substrings, this.govTokens];
    if (!portalOnly) {
      for (const t of tokens) {
        if (t.length < 7) continue;
        for (const k of [...deletes(t), t]) {
          for (const agency of this.agencyDeleted.get(k) ?? []) if (this.oneEdit(t, agency)) return this.govHit();
        }
      }
    }
    const glued = [...tokens].some((t) => t !== "gov" && (
      ["gov", "govn", "govvn", "govt"].some((e) => stripDigitsEnd(t).endsWith(e))
      || (t.startsWith("gov") && t.length > 3 && t.length <= 5 && !this.vowels.has(t[3]))));
    if (glued && !["gov", "mil"].includes(tld)
        && (["vn", "com", "net", "org"].includes(tld) || tld.length !== 2 || this.openCctlds.has(tld))
        && !this.foreignGovName(words, label, tld)) return this.govHit();
    const tokenList = [...tokens];
    if (tokenList.some((t) => whole.has(t)) || substrings.some((s) => flat.includes(s))
        || (!portalOnly && tokenList.some((t) => this.agencyAcronyms.has(t))
            && tokenList.some((t) => t && (this.vnMarkers.has(t) || (!this.agencyAcronyms.has(t) && this.isVietnamese(t)))))) {
      return this.govHit();
    }
    return null;
  }
}

function index(words) {
  const out = new Map();
  for (const word of words) {
    for (const d of [...deletes(word), word]) {
      if (!out.has(d)) out.set(d, []);
      if (!out.get(d).includes(word)) out.get(d).push(word);
    }
  }
  return out;
}
