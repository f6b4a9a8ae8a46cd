/**
 * Twilio request validation (twilio.com/docs/usage/security, "Validating
 * requests are coming from Twilio"; behaviour matched to the official
 * twilio-node `webhooks.ts`, checked against it in the spec):
 * - `X-Twilio-Signature` is base64(HMAC(key, data)), by default HMAC-SHA1
 *   with the account's auth token;
 * - form posts: data = the full URL + each POST parameter name and value,
 *   sorted by name (Unix byte order), repeated values de-duplicated and sorted;
 * - JSON posts: the URL carries `bodySHA256=<hex SHA-256 of the raw body>`;
 *   data = the URL alone, and the body hash must match too;
 * - the URL is the one Twilio requested, byte for byte: a mixed-case host or
 *   a `'` in the query is signed as written (twilio-csharp's published
 *   vectors). So the URL exactly as forwarded is tried first, then the forms
 *   `new URL()` normalises it to (lower-cased host, percent-encoded query),
 *   then those with the query re-encoded as Node's legacy `querystring` does;
 *   each with and without the scheme's default port, as Twilio is
 *   inconsistent about ports.
 * - shared-key signing (twilio.com/docs/usage/webhooks/webhook-shared-keys,
 *   public beta): when a Webhook Rule applies, Twilio signs the same data
 *   with a SharedKey secret instead of the auth token, with the algorithm
 *   named in `X-Twilio-Webhooks-Signature-Settings: key=…,algorithm=HMAC_SHA256`.
 *   Opt-in per bot (`sharedKey: accept | require`); the header is not signed,
 *   so it only chooses the hash among `sharedKeyAlgorithms`, never the key.
 * Decoding the form here is part of rebuilding the signed data, not trusting
 * it: nothing read from it leaves this function.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { parse as parseLegacyQuery, stringify as stringifyLegacyQuery } from 'node:querystring';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { DIGEST_BYTES, decodeDigest, findMatchingSecret, hmac, requireSecrets, type HmacAlgorithm } from '../secret-matching.js';
import { readHeader, requireHeader } from '../signed-request.js';
import { SignatureInvalidError, WebhookRequestInvalidError } from '../signature-errors.js';
import { DEFAULT_TWILIO_SHARED_KEY_ALGORITHMS, type TwilioSharedKeyAlgorithm } from '../webhook-config.dto.js';

const HEADER = 'x-twilio-signature';
const SETTINGS_HEADER = 'x-twilio-webhooks-signature-settings';

/** Twilio's algorithm names (twilio-node HMAC_SHA1 / HMAC_SHA256) and the hash each means. */
const HASH_OF: Readonly<Record<TwilioSharedKeyAlgorithm, HmacAlgorithm>> = { HMAC_SHA1: 'sha1', HMAC_SHA256: 'sha256' };

function checkAbsoluteUrl(value: string | undefined): { raw: string; url: URL } {
  if (!value) throw new WebhookRequestInvalidError('twilio signatures need the full request url');
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return { raw: value, url };
  } catch {
    // fall through to the same error as a relative URL
  }
  throw new WebhookRequestInvalidError('twilio signatures need an absolute http(s) url');
}

/**
 * `scheme://`, user info, host and port of a URL as written, without
 * normalising anything; the port is what follows the last `:` after an IPv6
 * literal's closing bracket.
 */
function authorityOf(url: string): { scheme: string; userInfo: string; host: string; port: string; rest: string } | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const scheme = match[1] as string;
  const authority = match[2] as string;
  const at = authority.lastIndexOf('@');
  const userInfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo,
    host: colon < 0 ? hostPort : hostPort.slice(0, colon),
    port: colon < 0 ? '' : hostPort.slice(colon),
    rest: url.slice(match[0].length),
  };
}

function withoutPort(url: string): string {
  const parts = authorityOf(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

/** The URL with its scheme's default port written out; a URL that has a port keeps it. */
function withDefaultPort(url: string): string {
  const parts = authorityOf(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

/** The query re-encoded as Node's legacy `querystring` does (some back ends signed `%27` for `'`). */
function withLegacyQuery(url: string): string {
  const start = url.indexOf('?');
  if (start < 0 || start === url.length - 1) return url;
  return `${url.slice(0, start)}?${stringifyLegacyQuery(parseLegacyQuery(url.slice(start + 1)))}`;
}

/** Every URL Twilio may have signed for this request, most likely first. */
export function signedUrlForms(raw: string, normalised: URL): string[] {
  const asForwarded = [withoutPort(raw), withDefaultPort(raw)];
  const href = normalised.href;
  const normalisedForms = [withoutPort(href), withDefaultPort(href)];
  return [...new Set([...asForwarded, ...normalisedForms, ...normalisedForms.map(withLegacyQuery)])];
}

function sortedParams(body: Buffer): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
    const values = byName.get(name) ?? new Set<string>();
    values.add(value);
    byName.set(name, values);
  }
  return [...byName.keys()]
    .sort()
    .map((name) => [...(byName.get(name) as Set<string>)].sort().map((value) => name + value).join(''))
    .join('');
}

/** The `algorithm=` entry of the settings header; absent means HMAC_SHA1, as twilio-node reads it. */
function settingsAlgorithm(settings: string): string {
  const named = settings
    .split(',')
    .map((part) => part.split('='))
    .filter(([name]) => name?.trim() === 'algorithm')
    .map(([, value]) => (value ?? '').trim().toUpperCase());
  if (named.length > 1) throw new SignatureInvalidError(`${SETTINGS_HEADER} names the algorithm more than once`);
  return named[0] || 'HMAC_SHA1';
}

/** The hash this request is signed with, by the bot's `sharedKey` option and the settings header. */
function signingHash(request: SignedRequest, context: VerifierContext): HmacAlgorithm {
  const mode = context.options.sharedKey ?? 'off';
  const settings = mode === 'require' ? requireHeader(request, SETTINGS_HEADER) : readHeader(request, SETTINGS_HEADER);
  if (settings === undefined) return 'sha1';
  if (mode === 'off') {
    throw new SignatureInvalidError(`${SETTINGS_HEADER} says the request is signed with a shared key, which this bot does not accept (webhook.sharedKey)`);
  }
  const algorithm = settingsAlgorithm(settings);
  const accepted: readonly TwilioSharedKeyAlgorithm[] = context.options.sharedKeyAlgorithms ?? DEFAULT_TWILIO_SHARED_KEY_ALGORITHMS;
  const hash = (accepted as readonly string[]).includes(algorithm) ? HASH_OF[algorithm as TwilioSharedKeyAlgorithm] : undefined;
  if (!hash) throw new SignatureInvalidError(`${SETTINGS_HEADER} names an algorithm this bot does not accept (webhook.sharedKeyAlgorithms)`);
  return hash;
}

export class TwilioVerifier extends SignatureVerifier {
  readonly scheme = 'twilio' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const header = requireHeader(request, HEADER);
    const { raw, url } = checkAbsoluteUrl(request.url);
    const secrets = requireSecrets(context.secrets, this.scheme);
    const hash = signingHash(request, context);
    const presented = decodeDigest(header, 'base64', DIGEST_BYTES[hash]);
    if (!presented) throw new SignatureInvalidError(`${HEADER} is not a base64 ${hash} digest`);
    const bodyHashes = url.searchParams.getAll('bodySHA256');
    if (bodyHashes.length > 1) throw new SignatureInvalidError('bodySHA256 appears more than once');
    const params = bodyHashes.length === 1 ? '' : sortedParams(request.body);
    const candidates = signedUrlForms(raw, url).map((form) => form + params);

    const secret = findMatchingSecret(secrets, (candidate) =>
      candidates
        .map((data) => timingSafeEqual(hmac(hash, candidate.value, [data]), presented))
        .reduce((any, hit) => any || hit, false),
    );
    if (!secret) throw new SignatureInvalidError(`${HEADER} does not match any live secret`);
    if (bodyHashes.length === 1) {
      const actual = createHash('sha256').update(request.body).digest('hex');
      if (!constantTimeEqual(actual, (bodyHashes[0] as string).toLowerCase())) {
        throw new SignatureInvalidError('bodySHA256 does not match the body');
      }
    }
    return { secretId: secret.id };
  }
}
