/**
 * Twilio request validation (twilio.com/docs/usage/security, "Validating
 * requests are coming from Twilio"; behaviour matched to the official
 * twilio-node `webhooks.ts`):
 * - `X-Twilio-Signature` is base64(HMAC-SHA1(auth token, data));
 * - form posts: data = the full URL + each POST parameter name and value,
 *   sorted by name (Unix byte order), repeated values de-duplicated and sorted;
 * - JSON posts: the URL carries `bodySHA256=<hex SHA-256 of the raw body>`;
 *   data = the URL alone, and the body hash must match too;
 * - Twilio is inconsistent about default ports, so the URL is tried with
 *   and without its port.
 * Decoding the form here is part of rebuilding the signed data, not trusting
 * it: nothing read from it leaves this function.
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { digestMatches, findMatchingSecret, hmac, requireSecrets } from '../secret-matching.js';
import { requireHeader } from '../signed-request.js';
import { SignatureInvalidError, WebhookRequestInvalidError } from '../signature-errors.js';

const HEADER = 'x-twilio-signature';

function absoluteUrl(value: string | undefined): URL {
  if (!value) throw new WebhookRequestInvalidError('twilio signatures need the full request url');
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // fall through to the same error as a relative URL
  }
  throw new WebhookRequestInvalidError('twilio signatures need an absolute http(s) url');
}

/** The URL as Twilio may have signed it: without the port, and with the scheme's default port written out. */
function urlVariants(url: URL): string[] {
  const withoutPort = new URL(url.href);
  withoutPort.port = '';
  let withPort = url.href;
  if (!url.port) {
    const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
    const port = url.protocol === 'https:' ? ':443' : ':80';
    withPort = `${url.protocol}//${auth}${url.host}${port}${url.pathname}${url.search}${url.hash}`;
  }
  return [...new Set([withoutPort.href, withPort])];
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

export class TwilioVerifier extends SignatureVerifier {
  readonly scheme = 'twilio' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const presented = requireHeader(request, HEADER);
    const url = absoluteUrl(request.url);
    const secrets = requireSecrets(context.secrets, this.scheme);
    const bodyHashes = url.searchParams.getAll('bodySHA256');
    if (bodyHashes.length > 1) throw new SignatureInvalidError('bodySHA256 appears more than once');
    const params = bodyHashes.length === 1 ? '' : sortedParams(request.body);
    const candidates = urlVariants(url).map((variant) => variant + params);

    const secret = findMatchingSecret(secrets, (candidate) =>
      candidates
        .map((data) => digestMatches(hmac('sha1', candidate.value, [data]), presented, 'base64'))
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
