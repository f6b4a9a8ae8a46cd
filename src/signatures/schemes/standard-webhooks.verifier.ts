/**
 * Standard Webhooks 1.0 (github.com/standard-webhooks, spec
 * "Verifying webhook authenticity"):
 * - signed content `{webhook-id}.{webhook-timestamp}.{raw body}`;
 * - `webhook-signature` holds space-separated `version,base64` entries;
 *   `v1` is HMAC-SHA256 keyed with the bytes of a `whsec_<base64>` secret,
 *   `v1a` is Ed25519 verified with a `whpk_<base64>` public key (the raw 32
 *   bytes, as the reference Go library reads it);
 * - a timestamp older or newer than the tolerance fails (SignatureService),
 *   and `webhook-id` is the replay id. The spec forbids `.` in the id and
 *   timestamp because they delimit the signed content.
 * - Senders hosted by Svix send the same three headers named `svix-id`,
 *   `svix-timestamp`, `svix-signature` (the `svix` library reads either).
 *   The three are taken from one set, never mixed; when both sets arrive they
 *   must carry the same values, so no copy can say something the other does not.
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { SignatureVerifier, type LiveSecret, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { digestMatches, findMatchingSecret, hmac, requireSecrets } from '../secret-matching.js';
import { safeVerify } from '../public-key.js';
import { readHeader, requireHeader } from '../signed-request.js';
import { parseTimestamp } from '../timestamp.js';
import { SignatureInvalidError, WebhookMisconfiguredError } from '../signature-errors.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_SIGNATURES = 16;
// DER SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410 §4); the raw key follows.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

type Verification =
  | { version: 'v1'; id: string; key: Buffer }
  | { version: 'v1a'; id: string; key: KeyObject };

/** What a live secret can check: `whpk_` keys verify v1a, anything else is a (prefixed or bare) base64 HMAC secret. */
function toVerification(secret: LiveSecret): Verification | undefined {
  const publicKey = secret.value.startsWith('whpk_');
  const encoded = secret.value.replace(/^(whsec_|whpk_)/, '');
  if (!BASE64.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  if (!publicKey) return bytes.length > 0 ? { version: 'v1', id: secret.id, key: bytes } : undefined;
  if (bytes.length !== 32) return undefined;
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, bytes]), format: 'der', type: 'spki' });
    return { version: 'v1a', id: secret.id, key };
  } catch {
    return undefined;
  }
}

const HEADER_SETS = [
  { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' },
  { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' },
] as const;

/** id, timestamp and signature from the `webhook-*` set or the `svix-*` one (see the file comment). */
function readHeaderSet(request: SignedRequest): { id: string; timestamp: string; signature: string } {
  const present = HEADER_SETS.filter((set) => Object.values(set).some((name) => readHeader(request, name) !== undefined));
  const [first, second] = present.length > 0 ? present : [HEADER_SETS[0]];
  const chosen = first as (typeof HEADER_SETS)[number];
  const values = {
    id: requireHeader(request, chosen.id),
    timestamp: requireHeader(request, chosen.timestamp),
    signature: requireHeader(request, chosen.signature),
  };
  if (second) {
    const other = { id: readHeader(request, second.id), timestamp: readHeader(request, second.timestamp), signature: readHeader(request, second.signature) };
    if (other.id !== values.id || other.timestamp !== values.timestamp || other.signature !== values.signature) {
      throw new SignatureInvalidError('webhook-* and svix-* headers are both present and differ');
    }
  }
  return values;
}

function parseSignatures(header: string): { version: string; signature: string }[] {
  const entries = header.split(' ').filter(Boolean);
  if (entries.length > MAX_SIGNATURES) throw new SignatureInvalidError('webhook-signature holds too many signatures');
  return entries.map((entry) => {
    const comma = entry.indexOf(',');
    return comma < 0 ? { version: '', signature: '' } : { version: entry.slice(0, comma), signature: entry.slice(comma + 1) };
  });
}

export class StandardWebhooksVerifier extends SignatureVerifier {
  readonly scheme = 'standard-webhooks' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const { id, timestamp: rawTimestamp, signature } = readHeaderSet(request);
    const signatures = parseSignatures(signature);
    const timestamp = parseTimestamp(rawTimestamp);
    if (id.includes('.')) throw new SignatureInvalidError('webhook-id contains "."');

    const verifications = requireSecrets(context.secrets, this.scheme)
      .map(toVerification)
      .filter((entry): entry is Verification => entry !== undefined);
    if (verifications.length === 0) throw new WebhookMisconfiguredError('no live secret is a whsec_ secret or whpk_ key');
    const content = Buffer.concat([Buffer.from(`${id}.${rawTimestamp}.`, 'utf8'), request.body]);

    const match = findMatchingSecret(verifications, (verification) => {
      if (verification.version === 'v1') {
        const expected = hmac('sha256', verification.key, [content]);
        return signatures
          .filter((entry) => entry.version === 'v1')
          .map((entry) => digestMatches(expected, entry.signature, 'base64'))
          .reduce((any, hit) => any || hit, false);
      }
      return signatures
        .filter((entry) => entry.version === 'v1a' && BASE64.test(entry.signature))
        .map((entry) => safeVerify(() => verifySignature(null, content, verification.key, Buffer.from(entry.signature, 'base64'))))
        .reduce((any, hit) => any || hit, false);
    });
    if (!match) throw new SignatureInvalidError('webhook-signature does not match any live secret');
    return { secretId: match.id, eventId: id, timestamp };
  }
}
