import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

const dir = new URL("../", import.meta.url);
const load = (lang) => JSON.parse(readFileSync(new URL(`_locales/${lang}/messages.json`, dir), "utf8"));

test("vi and en have the same keys, each described", () => {
  const vi = load("vi");
  const en = load("en");
  assert.deepEqual(Object.keys(vi).sort(), Object.keys(en).sort());
  for (const [key, m] of Object.entries(vi)) assert.ok(m.description && en[key].description, key);
});

test("every data-i18n key in the pages exists", () => {
  const vi = load("vi");
  for (const page of ["popup/popup.html", "gate/gate.html", "options/options.html"]) {
    const html = readFileSync(new URL(page, dir), "utf8");
    for (const [, key] of html.matchAll(/data-i18n="(\w+)"/g)) assert.ok(vi[key], `${page}: ${key}`);
  }
});

test("no innerHTML anywhere in the extension", () => {
  const walk = (sub) => readdirSync(new URL(sub, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (["tests", "node_modules"].includes(e.name) ? [] : walk(`${sub}${e.name}/`))
      : e.name.endsWith(".js") ? [`${sub}${e.name}`] : []);
  for (const file of walk("")) {
    assert.ok(!readFileSync(new URL(file, dir), "utf8").includes("innerHTML"), file);
  }
});
