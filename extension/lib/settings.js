// Options kept in storage.sync, with defaults.
import { api } from "./browser.js";

export const DEFAULTS = { server: "http://127.0.0.1:5000", token: "", lang: "vi" };

export async function settings() {
  return { ...DEFAULTS, ...(await api.storage.sync.get(Object.keys(DEFAULTS))) };
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
