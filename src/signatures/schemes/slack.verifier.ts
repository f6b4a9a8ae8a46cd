/**
 * Slack request signing (api.slack.com, "Verifying requests from Slack"):
 * `X-Slack-Signature: v0=<hex HMAC-SHA256>` over `v0:{X-Slack-Request-Timestamp}:{raw body}`,
 * keyed with the app's signing secret; the timestamp must be within five
 * minutes (enforced by SignatureService with `toleranceSeconds`).
 */
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { matchHmac, stripPrefix } from '../secret-matching.js';
import { requireHeader } from '../signed-request.js';
import { parseTimestamp } from '../timestamp.js';

const SIGNATURE = 'x-slack-signature';
const TIMESTAMP = 'x-slack-request-timestamp';

const URL_VERIFICATION = Buffer.from('url_verification');

/**
 * Slack's one-time `url_verification` event asks for its `challenge` back;
 * read only after the signature matched. Every event passes here, so the
 * body is parsed only when it can be that event.
 */
function urlVerificationChallenge(body: Buffer): string | undefined {
  if (!body.includes(URL_VERIFICATION)) return undefined;
  try {
    const event: unknown = JSON.parse(body.toString('utf8'));
    if (typeof event !== 'object' || event === null) return undefined;
    const { type, challenge } = event as { type?: unknown; challenge?: unknown };
    return type === 'url_verification' && typeof challenge === 'string' ? challenge : undefined;
  } catch {
    return undefined;
  }
}

export class SlackVerifier extends SignatureVerifier {
  readonly scheme = 'slack' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const presented = stripPrefix(requireHeader(request, SIGNATURE), 'v0=', SIGNATURE);
    const rawTimestamp = requireHeader(request, TIMESTAMP);
    const timestamp = parseTimestamp(rawTimestamp);
    const secret = matchHmac({
      scheme: this.scheme,
      header: SIGNATURE,
      secrets: context.secrets,
      algorithm: 'sha256',
      encoding: 'hex',
      parts: [`v0:${rawTimestamp}:`, request.body],
      presented,
    });
    const challenge = urlVerificationChallenge(request.body);
    return challenge === undefined ? { secretId: secret.id, timestamp } : { secretId: secret.id, timestamp, challenge };
  }
}
