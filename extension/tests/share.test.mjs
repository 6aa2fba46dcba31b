import { test } from "node:test";
import assert from "node:assert/strict";
import { SHARE_FORMS, dnrPatterns, findLinks, formPattern, intentLinks, shareForm, strictest } from "../lib/share.js";

for (const form of SHARE_FORMS) {
  test(`share form ${form.id}: gated, links extracted`, () => {
    assert.equal(shareForm(form.example)?.id !== undefined, true, form.example);
    assert.deepEqual(intentLinks(form.example).links, form.links);
    // every host alias of the form is gated with the same path, over http and https
    for (const host of form.hosts) {
      const other = form.example.replace(/^https:\/\/[^/]+/, `http://${host.toUpperCase()}`);
      assert.ok(shareForm(other), other);
    }
    // the RE2 source has no lookaround (Chrome's declarativeNetRequest refuses it)
    assert.ok(!/\(\?[=!<]/.test(formPattern(form)), form.id);
  });
}

test("24 or more forms, unique ids, covering the sites of issue 10", () => {
  assert.ok(SHARE_FORMS.length >= 24);
  assert.equal(new Set(SHARE_FORMS.map((f) => f.id)).size, SHARE_FORMS.length);
  for (const url of ["https://mbasic.facebook.com/dialog/feed?link=x.vn", "https://mobile.x.com/share?url=a",
    "https://t.me/share?url=a", "https://telegram.me/share/url?url=a", "https://old.reddit.com/submit?url=a",
    "https://www.linkedin.com/shareArticle?url=a", "https://wa.me/?text=a", "https://sp.zalo.me/plugins/share?href=a"]) {
    assert.ok(shareForm(url), url);
  }
});

test("pages that are not share intents pass", () => {
  for (const url of ["https://www.facebook.com/sharerx.php?u=a", "https://www.facebook.com/ubnd",
    "https://x.com/intent/tweets", "https://x.com/shared", "https://t.me/sharechannel",
    "https://www.linkedin.com/feed/", "https://wa.me/84900000000", "https://www.reddit.com/r/vn",
    "https://evil.example/sharer.php?u=a", "https://facebook.com.evil.example/sharer.php?u=a"]) {
    assert.equal(shareForm(url), null, url);
  }
});

test("links in free text, with and without a scheme", () => {
  assert.deepEqual(findLinks("Xem vnexpressnews.net/abc, và https://a.vn/x?y=1."),
    ["vnexpressnews.net/abc", "https://a.vn/x?y=1"]);
  assert.deepEqual(findLinks("TP.HCM, v.v. và email a@b.vn không phải liên kết"), []);
  assert.deepEqual(findLinks("(www.baochinhphu.vn)"), ["www.baochinhphu.vn"]);
});

test("the strictest verdict wins", () => {
  const r = (verdict, extra = {}) => ({ verdict, ...extra });
  assert.equal(strictest([r("official"), r("denied"), r("unknown")]).verdict, "denied");
  assert.equal(strictest([r("official"), r("unknown")]).verdict, "unknown");
  assert.equal(strictest([r("unknown"), r("unknown", { unchecked: true })]).unchecked, true);
  assert.equal(strictest([r("suspicious"), r("unknown", { unchecked: true })]).verdict, "suspicious");
});

test("Zalo's share pages under sp.zalo.me, and its button frame blocked only as a page", () => {
  for (const url of ["https://sp.zalo.me/share_inline?url=https://a.vn/1", "https://sp.zalo.me/share/base?url=a",
    "https://sp.zalo.me/share/share-web?u=a", "https://sp.zalo.me/share?d=eyJ1cmwiOiJhIn0"]) {
    assert.ok(shareForm(url), url);
  }
  for (const url of ["https://sp.zalo.me/sharex?url=a", "https://sp.zalo.me/plugins/sdk.js",
    "https://sp.zalo.me/share_inlinex?url=a"]) {
    assert.equal(shareForm(url), null, url);
  }
  const patterns = new Map(dnrPatterns());
  const plugin = [...patterns].filter(([, isPlugin]) => isPlugin).map(([re]) => re);
  assert.deepEqual(plugin, [formPattern(SHARE_FORMS.find((f) => f.id === "zalo-plugin-share"))]);
  assert.equal(patterns.size, new Set(SHARE_FORMS.flatMap((f) => f.hosts.map((h) => formPattern(f, [h])))).size);
});
