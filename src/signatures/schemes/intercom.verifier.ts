/**
 * Intercom signed notifications: `X-Hub-Signature: sha1=<hex>`, the
 * HMAC-SHA1 of the raw body keyed with the app's client secret (Intercom
 * developer docs, "Webhooks: signed notifications"). No timestamp, no id.
 */
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { matchHmac, stripPrefix } from '../secret-matching.js';
import { requireHeader } from '../signed-request.js';

const HEADER = 'x-hub-signature';

export class IntercomVerifier extends SignatureVerifier {
  readonly scheme = 'intercom' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const presented = stripPrefix(requireHeader(request, HEADER), 'sha1=', HEADER);
    const secret = matchHmac({
      scheme: this.scheme,
      header: HEADER,
      secrets: context.secrets,
      algorithm: 'sha1',
      encoding: 'hex',
      parts: [request.body],
      presented,
    });
    return { secretId: secret.id };
  }
}
