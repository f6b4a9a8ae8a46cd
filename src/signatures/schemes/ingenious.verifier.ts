/**
 * inGenious AI webhook channel (support.ingenious.ai, "Create a custom
 * channel using webhooks"): the integration page shows an access token used
 * as a Bearer token. How inGenious authenticates the calls it makes to your
 * endpoint is UNCONFIRMED; we expect `Authorization: Bearer <token>` (a
 * different header with `tokenHeader`), compared in constant time with the
 * live secrets and `token`. Pair it with `allowIps` where possible.
 */
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { checkSharedCredentials } from '../shared-credentials.js';

export class IngeniousVerifier extends SignatureVerifier {
  readonly scheme = 'ingenious' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    return checkSharedCredentials(request, context);
  }
}
