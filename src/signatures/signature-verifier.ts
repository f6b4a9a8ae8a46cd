/**
 * The port every signature scheme implements (one file per scheme in
 * `schemes/`, gathered by `verifier-registry.ts`). A verifier is a pure check
 * of one request against the bot's live secrets: it never parses the body
 * before the signature matched, never logs, and either returns an outcome or
 * throws one of the typed errors in `signature-errors.ts`. Timestamp windows,
 * replay and IP allow-lists are applied around it by `SignatureService`.
 */
import type { WebhookScheme } from './webhook-scheme.js';
import type { WebhookConfigDto } from './webhook-config.dto.js';

/** A webhook exactly as received; `body` holds the raw bytes, never re-serialized JSON. */
export interface SignedRequest {
  method: string;
  /** The absolute URL the vendor called, query included (Twilio signs it; GET handshakes read it). */
  url?: string;
  /**
   * Header names in any case; a header received several times arrives as an
   * array. Security headers that appear more than once are refused (see
   * `signed-request.ts`).
   */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One live secret (or public key, token) of a bot. `id` may be reported; `value` never leaves the verifier. */
export interface LiveSecret {
  readonly id: string;
  readonly value: string;
}

export interface VerifierContext {
  /** Every secret that is live now, oldest first; all are tried (rotation). */
  readonly secrets: readonly LiveSecret[];
  /** The bot's validated `webhook:` block; scheme options sit on it flat, as in the YAML. */
  readonly options: WebhookConfigDto;
  readonly now: Date;
}

export interface VerificationOutcome {
  /** Id of the secret or key that matched (e.g. `config-0`), never its value. */
  secretId: string;
  /** Signed, vendor-assigned id of this delivery, used for replay detection. */
  eventId?: string;
  /** Signed delivery time in Unix seconds; SignatureService checks it against the tolerance window. */
  timestamp?: number;
  /** Body to echo for a subscription handshake (ChatBot.com `challenge`, Meta `hub.challenge`, Slack `url_verification`). */
  challenge?: string;
}

export abstract class SignatureVerifier {
  abstract readonly scheme: WebhookScheme;
  abstract verify(request: SignedRequest, context: VerifierContext): VerificationOutcome | Promise<VerificationOutcome>;
}
