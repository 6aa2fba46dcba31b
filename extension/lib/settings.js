// Options kept in storage.sync, with defaults; what IT pushes by policy (storage.managed:
// Chrome's 3rdparty extension policy, Firefox's "3rdparty" enterprise policy) wins and is
// shown read-only in the options.
import { api } from "./browser.js";

export const DEFAULTS = { server: "http://127.0.0.1:5000", token: "", lang: "vi" };
const MANAGED_KEYS = ["server", "token", "lang"];

/** What the organisation's policy sets ({} when none: storage.managed throws then in Firefox). */
export async function managed() {
  try {
    const got = (await api.storage.managed?.get(MANAGED_KEYS)) ?? {};
    const out = {};
    for (const key of MANAGED_KEYS) if (typeof got[key] === "string" && got[key]) out[key] = got[key];
    if (out.server) {
      const checked = validate({ ...DEFAULTS, ...out });
      if (checked.error) delete out.server;
      else out.server = checked.value.server;
    }
    return out;
  } catch {
    return {};
  }
}

export async function settings() {
  const policy = await managed();
  const synced = await api.storage.sync.get([...Object.keys(DEFAULTS), "configured"]);
  return { ...DEFAULTS, ...synced, ...policy, managedKeys: Object.keys(policy),
           configured: Boolean(synced.configured || policy.server) };
}

/** Validated settings or an error message key. */
export function validate(input) {
  let url;
  try {
    url = new URL(input.server);
  } catch {
    return { error: "optErrorServer" };
  }
  if (!["http:", "https:"].includes(url.protocol)) return { error: "optErrorServer" };
  if (input.token && !/^kv_[A-Za-z0-9_-]{20,}$/.test(input.token)) return { error: "optErrorToken" };
  if (!["vi", "en"].includes(input.lang)) return { error: "optErrorLang" };
  return { value: { server: url.origin, token: input.token, lang: input.lang } };
}
