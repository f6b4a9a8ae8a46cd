/**
 * Meta (Facebook, Instagram, WhatsApp) webhooks (developers.facebook.com,
 * Graph API "Webhooks: getting started"):
 * - event notifications carry `X-Hub-Signature-256: sha256=<hex>`, the
 *   HMAC-SHA256 of the raw body keyed with the App Secret;
 * - the subscription check is `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`,
 *   answered with the challenge when the token equals the Verify Token set in
 *   the App Dashboard (`verifyToken`). The App Secret is never accepted there:
 *   it must not travel in a URL.
 */
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { matchHmac, stripPrefix } from '../secret-matching.js';
import { isMethod, queryOf, readQuery, requireHeader } from '../signed-request.js';
import {
  SignatureInvalidError,
  SignatureMissingError,
  WebhookMisconfiguredError,
  WebhookRequestInvalidError,
} from '../signature-errors.js';

const HEADER = 'x-hub-signature-256';
const MAX_CHALLENGE_LENGTH = 1024;

export class MetaVerifier extends SignatureVerifier {
  readonly scheme = 'meta' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    if (isMethod(request, 'GET')) return this.subscription(request, context);
    const presented = stripPrefix(requireHeader(request, HEADER), 'sha256=', HEADER);
    const secret = matchHmac({
      scheme: this.scheme,
      header: HEADER,
      secrets: context.secrets,
      algorithm: 'sha256',
      encoding: 'hex',
      parts: [request.body],
      presented,
    });
    return { secretId: secret.id };
  }

  private subscription(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const query = queryOf(request);
    const mode = readQuery(query, 'hub.mode');
    const token = readQuery(query, 'hub.verify_token');
    const challenge = readQuery(query, 'hub.challenge');
    if (mode !== 'subscribe' || token === undefined || challenge === undefined) {
      throw new SignatureMissingError('GET without hub.mode=subscribe, hub.verify_token and hub.challenge');
    }
    if (challenge.length > MAX_CHALLENGE_LENGTH) throw new WebhookRequestInvalidError('hub.challenge is too long');
    const expected = context.options.verifyToken;
    if (!expected) throw new WebhookMisconfiguredError('meta subscription GET received but verifyToken is not configured');
    if (!constantTimeEqual(expected, token)) throw new SignatureInvalidError('hub.verify_token does not match');
    return { secretId: 'verify-token', challenge };
  }
}
