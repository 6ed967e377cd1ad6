/** The app's own origin: the renderer is served from `app://bundle/` and nothing else is trusted (SECURITY E2, E4, E5). */

export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Exact origin comparison; `new URL` never does prefix tricks like `app://bundle.evil`. */
export function isAppUrl(url: string | null | undefined, appOrigin: string = APP_ORIGIN): boolean {
  if (typeof url !== 'string' || url.length === 0) return false;
  try {
    const parsed = new URL(url);
    // Non-special schemes report origin "null" in WHATWG URL, so compare scheme + host ourselves.
    const origin = parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
    return origin === appOrigin && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}
