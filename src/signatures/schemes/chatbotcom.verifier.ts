/**
 * ChatBot.com webhooks (chatbot.com/docs/webhooks; help "Webhooks:
 * verification request"). A connection may set a `token`, custom `headers`
 * and HTTP Basic `auth`:
 * - when a webhook is added, ChatBot.com calls `GET <url>?challenge=…&token=…`
 *   and expects the raw challenge back if the token is the connection's;
 * - later calls are checked against whichever of `headers`, `basicAuth` and
 *   `tokenHeader` are configured. Whether the token itself is sent on those
 *   calls is UNCONFIRMED, so it is only checked where `tokenHeader` says.
 */
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { acceptedTokens, checkSharedCredentials, matchToken } from '../shared-credentials.js';
import { isMethod, queryOf, readQuery } from '../signed-request.js';
import { SignatureMissingError, WebhookRequestInvalidError } from '../signature-errors.js';

const MAX_CHALLENGE_LENGTH = 1024;

export class ChatbotcomVerifier extends SignatureVerifier {
  readonly scheme = 'chatbotcom' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    if (!isMethod(request, 'GET')) return checkSharedCredentials(request, context);
    const query = queryOf(request);
    const challenge = readQuery(query, 'challenge');
    const token = readQuery(query, 'token');
    if (challenge === undefined || token === undefined) {
      throw new SignatureMissingError('verification GET without challenge and token');
    }
    if (challenge.length > MAX_CHALLENGE_LENGTH) throw new WebhookRequestInvalidError('challenge is too long');
    const match = matchToken(acceptedTokens(context), token, 'token query parameter');
    return { secretId: match.id, challenge };
  }
}
