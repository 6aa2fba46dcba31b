import { test } from "node:test";
import assert from "node:assert/strict";
import { validate } from "../lib/settings.js";

test("options are validated", () => {
  assert.deepEqual(validate({ server: "http://127.0.0.1:5000/", token: "", lang: "vi" }),
    { value: { server: "http://127.0.0.1:5000", token: "", lang: "vi" } });
  assert.equal(validate({ server: "ftp://x", token: "", lang: "vi" }).error, "optErrorServer");
  assert.equal(validate({ server: "not a url", token: "", lang: "vi" }).error, "optErrorServer");
  assert.equal(validate({ server: "https://kv.example.vn", token: "abc", lang: "vi" }).error, "optErrorToken");
  assert.equal(validate({ server: "https://kv.example.vn", token: "", lang: "fr" }).error, "optErrorLang");
});
