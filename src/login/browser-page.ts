/**
 * What the browser routes answer: a server-rendered HTML page plus the headers
 * that make it safe to show inside a host site's iframe or in a popup.
 * The Content-Security-Policy forbids inline script and style (everything
 * comes from /assets on this origin) and names exactly the bot's origins as
 * frame ancestors; nothing else (no X-Frame-Options) contradicts it.
 */
export interface BrowserPage {
  status: number;
  html: string;
  /** Always includes `content-security-policy`, `cache-control` and `referrer-policy`. */
  headers: Record<string, string>;
}

/** Characters that change meaning in HTML text or attribute values. */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the
 * line separators are escaped so the text can never close the element or be
 * read as markup; the browser does not execute this block, so CSP allows it.
 */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface PagePolicy {
  /** Origins allowed to frame the page; empty means nobody (`'none'`). */
  frameAncestors: string[];
  /** Extra origins images may come from (a bot's logo on another host). */
  imageOrigins?: string[];
}

export function contentSecurityPolicy(policy: PagePolicy): string {
  const ancestors = policy.frameAncestors.length > 0 ? policy.frameAncestors.join(' ') : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self'", ...(policy.imageOrigins ?? [])].join(' '),
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

export function pageHeaders(policy: PagePolicy): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': contentSecurityPolicy(policy),
    // Pages may carry a token or a single-use form token: never cached, never leaked through Referer.
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  };
}
