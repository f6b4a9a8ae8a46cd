/**
 * Zendesk webhooks (developer.zendesk.com, "Verifying webhook authenticity"):
 * `X-Zendesk-Webhook-Signature` is base64(HMAC-SHA256(TIMESTAMP + BODY)) with
 * the webhook's signing secret, where TIMESTAMP is the
 * `X-Zendesk-Webhook-Signature-Timestamp` header as sent (an RFC 3339 date,
 * e.g. `2021-07-25T10:00:00Z`) and the two are joined without a separator.
 */
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { matchHmac } from '../secret-matching.js';
import { requireHeader } from '../signed-request.js';
import { parseTimestamp } from '../timestamp.js';

const SIGNATURE = 'x-zendesk-webhook-signature';
const TIMESTAMP = 'x-zendesk-webhook-signature-timestamp';

export class ZendeskVerifier extends SignatureVerifier {
  readonly scheme = 'zendesk' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const presented = requireHeader(request, SIGNATURE);
    const rawTimestamp = requireHeader(request, TIMESTAMP);
    const timestamp = parseTimestamp(rawTimestamp, 'iso8601');
    const secret = matchHmac({
      scheme: this.scheme,
      header: SIGNATURE,
      secrets: context.secrets,
      algorithm: 'sha256',
      encoding: 'base64',
      parts: [rawTimestamp, request.body],
      presented,
    });
    return { secretId: secret.id, timestamp };
  }
}
