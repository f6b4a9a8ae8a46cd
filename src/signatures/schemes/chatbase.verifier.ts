/**
 * Chatbase: `x-chatbase-signature` is the hex HMAC-SHA1 of the raw body keyed
 * with the webhook secret (chatbase.co webhooks guide, "Receiving the
 * request"). The scheme carries no timestamp or id; replay protection is the
 * optional body-hash dedupe of SignatureService.
 */
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { matchHmac } from '../secret-matching.js';
import { requireHeader } from '../signed-request.js';

const HEADER = 'x-chatbase-signature';

export class ChatbaseVerifier extends SignatureVerifier {
  readonly scheme = 'chatbase' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const presented = requireHeader(request, HEADER);
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
