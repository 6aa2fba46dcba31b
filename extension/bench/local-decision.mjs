// Local decision time for a listed host, on the real default lists (a snapshot written by
// `flask --app server sources export --format json` is not needed: this reads sources/*.csv).
//   node extension/bench/local-decision.mjs
import { readFileSync } from "node:fs";
import { Matcher } from "../lib/matcher.js";

const root = new URL("../../", import.meta.url);
const rows = (name, list) => readFileSync(new URL(`sources/${name}`, root), "utf8").trim()
  .split("\n").slice(1).map((line) => ({ pattern: line.split(",")[0], list }));
const wrappers = readFileSync(new URL("sources/wrappers.csv", root), "utf8").trim().split("\n")
  .slice(1).map((l) => { const [host, path, kind, param] = l.split(","); return { host, path, kind, param }; });
const matcher = new Matcher({ rules: [...rows("allow.csv", "allow"), ...rows("deny.csv", "deny")], wrappers });
const urls = ["https://xaydungchinhsach.baochinhphu.vn/abc", "https://hanoi.gov.vn/tin",
  "https://l.facebook.com/l.php?u=https%3A%2F%2Ftuoitre.com%2Fa", "https://example.org/x"];
for (const url of urls) {
  for (let i = 0; i < 2000; i++) matcher.decide(url);
  const n = 50000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) matcher.decide(url);
  console.log(`${((performance.now() - t0) / n * 1000).toFixed(2)} µs  ${url}`);
}

// The gate's own work on an intent: recognise the form among all share forms and extract
// every link, before any decision.
const { intentLinks } = await import("../lib/share.js");
const intent = "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fbaochinhphu.vn%2Fa" +
  "&quote=xem%20https://tuoitre.com/b";
for (let i = 0; i < 2000; i++) intentLinks(intent);
{
  const n = 50000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) intentLinks(intent);
  console.log(`${((performance.now() - t0) / n * 1000).toFixed(2)} µs  share form + links of a sharer intent`);
}
