// The rule-semantics cases shared with the Python tests (tests/cases/matching.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Matcher } from "../lib/matcher.js";

const root = new URL("../../", import.meta.url);
const doc = JSON.parse(readFileSync(new URL("tests/cases/matching.json", root), "utf8"));
const wrappers = readFileSync(new URL("sources/wrappers.csv", root), "utf8")
  .trim().split("\n").slice(1).map((line) => {
    const [host, path, kind, param] = line.split(",");
    return { host, path, kind, param };
  });
const matcher = new Matcher({ version: 1, rules: doc.rules, wrappers, shorteners: [] });

for (const c of doc.cases) {
  test(c.note, () => {
    const got = matcher.decide(c.url);
    if (c.error) {
      assert.equal(got.error, c.error);
      return;
    }
    assert.equal(got.error, undefined, `unexpected error ${got.error}`);
    assert.equal(got.host, c.host);
    assert.equal(got.rule?.pattern ?? null, c.rule);
    assert.equal(got.rule?.list ?? null, c.list);
    assert.deepEqual(got.chain, c.chain);
  });
}

