// Requests to the organisation's Không Vội server: one place with a timeout on every request,
// the API key when set, and one honest reading of every failure (offline, timeout, busy with
// Retry-After, key refused, server error, refused input). Never throws.
import { settings } from "./settings.js";

export const TIMEOUT_MS = 4000;

/** The kind of problem a failed request had, and whether trying again can help. */
export function problemOf(status, body, headers) {
  if (status === 429) {
    const seconds = Number.parseInt(headers?.get?.("Retry-After") ?? "", 10);
    return { code: "busy", seconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 30, retry: true };
  }
  if (status === 401 || status === 403) return { code: "auth", status, retry: false };
  if (status >= 500) return { code: "server_error", status, retry: true };
  const error = body?.error;
  return { code: "refused", status, retry: false, apiCode: error?.code ?? "",
           message: typeof error?.message === "string" ? error.message : "" };
}

/** {ok, status, data} or {ok: false, problem}. `path` is under the server's origin. */
export async function call(path, { method = "GET", body, timeout = TIMEOUT_MS, headers: extra = {} } = {}) {
  const { server, token, lang } = await settings();
  const headers = { ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const sep = path.includes("?") ? "&" : "?";
  let resp;
  try {
    resp = await fetch(`${server}${path}${sep}lang=${lang}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout), credentials: "omit", cache: "no-store" });
  } catch (err) {
    const code = err?.name === "TimeoutError" || err?.name === "AbortError" ? "timeout" : "offline";
    return { ok: false, problem: { code, retry: true, seconds: Math.round(timeout / 1000) } };
  }
  let data = null;
  try {
    data = resp.status === 204 || resp.status === 304 ? null : await resp.json();
  } catch {
    data = null;
  }
  if (resp.ok || resp.status === 304) return { ok: true, status: resp.status, data, headers: resp.headers };
  return { ok: false, status: resp.status, problem: problemOf(resp.status, data, resp.headers) };
}
