// One name for the WebExtension API in Chrome and Firefox.
export const api = globalThis.browser ?? globalThis.chrome;
