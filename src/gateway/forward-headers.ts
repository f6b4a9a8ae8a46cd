/**
 * The headers the gateway sends upstream: the vendor's, minus what must not
 * cross a proxy (RFC 9110 §7.6.1 hop-by-hop headers and those the
 * `Connection` header names), minus credentials (chatwarden's API keys, the
 * vendor's shared token or Basic credentials: the upstream authenticates the
 * call by the assertion instead), minus any `Chatwarden-Assertion` or
 * `X-Request-Id` the caller sent — the gateway sets its own.
 */
import { ASSERTION_HEADER } from './assertion.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/** Recomputed by the HTTP client or set by the gateway. */
const REPLACED = new Set(['host', 'content-length', 'expect', 'x-request-id', ASSERTION_HEADER]);

/** Credentials that stay with chatwarden. */
const CREDENTIALS = new Set(['authorization', 'cookie']);

export function forwardHeaders(
  incoming: Record<string, string | string[] | undefined>,
  extra: { requestId: string; assertion: string; credentialHeaders?: readonly string[] },
): Record<string, string | string[]> {
  const named = new Set<string>();
  const connection = incoming.connection;
  for (const value of Array.isArray(connection) ? connection : connection === undefined ? [] : [connection]) {
    for (const name of value.split(',')) named.add(name.trim().toLowerCase());
  }
  const credentials = new Set((extra.credentialHeaders ?? []).map((name) => name.toLowerCase()));
  const out: Record<string, string | string[]> = {};
  for (const [rawName, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (HOP_BY_HOP.has(name) || REPLACED.has(name) || CREDENTIALS.has(name) || named.has(name) || credentials.has(name)) continue;
    out[name] = value;
  }
  out['x-request-id'] = extra.requestId;
  out[ASSERTION_HEADER] = extra.assertion;
  return out;
}
