import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DEFAULT_TRACKING, cleanLink, serverUrl } from "../lib/clean.js";
import { Matcher } from "../lib/matcher.js";
import { problemOf } from "../lib/server.js";

const matcher = new Matcher({ rules: [
  { pattern: "baochinhphu.vn", list: "allow", name: "Báo Chính phủ" },
  { pattern: "facebook.com/ubnd", list: "allow", name: "UBND" },
], shorteners: ["bit.ly"] });
const least = (url) => serverUrl(matcher, matcher.decide(url));

test("only scheme and host go to the server for ordinary links", () => {
  assert.equal(least("https://docs.google.com/document/d/SECRET/edit?resourcekey=K#h"), "https://docs.google.com/");
  assert.equal(least("example.org/private?x=1"), "http://example.org/");
  assert.equal(least("https://example.org:8443/a"), "https://example.org:8443/");
});

test("the path where path rules decide, and profile.php?id alone", () => {
  assert.equal(least("https://m.facebook.com/fake.page/posts/1?ref=x#y"), "https://m.facebook.com/fake.page/posts/1");
  assert.equal(least("https://www.facebook.com/profile.php?id=100123&sk=about"),
    "https://www.facebook.com/profile.php?id=100123");
  assert.equal(least("https://bit.ly/abc?utm_source=x"), "https://bit.ly/abc");
});

test("a disguising user name is kept, a password never", () => {
  assert.equal(least("http://nhandan.vn@evil.example/x?y"), "http://nhandan.vn@evil.example/");
  assert.equal(least("http://user:secret@evil.example/x"), "http://user@evil.example/");
});

test("tracking removed with the table, and named", () => {
  assert.deepEqual(cleanLink("https://a.vn/x?id=7&utm_source=fb&fbclid=Z&utm_medium=m"),
    { link: "https://a.vn/x?id=7", removed: ["utm_source", "fbclid", "utm_medium"] });
  assert.deepEqual(cleanLink("https://a.vn/x?id=7"), { link: "https://a.vn/x?id=7", removed: [] });
  assert.deepEqual(cleanLink("https://a.vn/x?zarsrc=1", ["only_this"]),
    { link: "https://a.vn/x?zarsrc=1", removed: [] });
});

test("the default table is the server's TRACKING_PARAMS", () => {
  const py = readFileSync(new URL("../../server/core/urls.py", import.meta.url), "utf8");
  const block = /TRACKING_PARAMS = \(([\s\S]*?)\)/.exec(py)[1];
  assert.deepEqual([...block.matchAll(/"([^"]+)"/g)].map((m) => m[1]), DEFAULT_TRACKING);
});

test("server failures are read honestly", () => {
  const h = (v) => ({ get: (k) => (k === "Retry-After" ? v : null) });
  assert.deepEqual(problemOf(429, null, h("17")), { code: "busy", seconds: 17, retry: true });
  assert.equal(problemOf(429, null, h(null)).seconds, 30);
  assert.equal(problemOf(401, null, h(null)).code, "auth");
  assert.equal(problemOf(503, null, h(null)).retry, true);
  const refused = problemOf(400, { error: { code: "invalid_url", message: "Không hợp lệ" } }, h(null));
  assert.deepEqual([refused.code, refused.apiCode, refused.message, refused.retry],
    ["refused", "invalid_url", "Không hợp lệ", false]);
});

test("the paste guard reads links as lib/share.js does", () => {
  const guard = readFileSync(new URL("../content/paste-guard.js", import.meta.url), "utf8");
  const share = readFileSync(new URL("../lib/share.js", import.meta.url), "utf8");
  const tlds = (src) => /const TLDS = ("[^;]+);/.exec(src)[1].replace(/\s+/g, " ");
  assert.equal(tlds(guard), tlds(share));
});
