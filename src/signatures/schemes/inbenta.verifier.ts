/**
 * Inbenta action webhooks document no request signature (VENDORS.md). The
 * caller can still be pinned with a shared header (`tokenHeader` compared
 * with the live secrets, or fixed `headers`) and/or HTTP Basic credentials
 * in the webhook URL, plus `allowIps` for Inbenta's static egress address.
 * The user token in the action parameters remains the real authentication.
 */
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { checkSharedCredentials } from '../shared-credentials.js';

export class InbentaVerifier extends SignatureVerifier {
  readonly scheme = 'inbenta' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    return checkSharedCredentials(request, context);
  }
}
