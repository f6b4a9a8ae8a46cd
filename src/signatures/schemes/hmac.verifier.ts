/**
 * A configurable HMAC scheme for vendors not listed in VENDORS.md: the
 * signature header, algorithm, digest encoding, an optional prefix such as
 * `sha256=`, and the signed bytes as a template. `{body}` is the raw body;
 * `{timestamp}` and `{id}` are header values exactly as received, `{method}`
 * the upper-case method, `{url}` the request URL. The config validation
 * insists that a timestamp or id header is also in the template, since an
 * unsigned timestamp or id proves nothing.
 */
import { SignatureVerifier, type SignedRequest, type VerificationOutcome, type VerifierContext } from '../signature-verifier.js';
import { matchHmac, stripPrefix } from '../secret-matching.js';
import { requireHeader } from '../signed-request.js';
import { parseTimestamp } from '../timestamp.js';
import { WebhookMisconfiguredError, WebhookRequestInvalidError } from '../signature-errors.js';

const DEFAULT_TEMPLATE = '{body}';
const PLACEHOLDER = /\{(body|timestamp|id|method|url)\}/g;

export class HmacVerifier extends SignatureVerifier {
  readonly scheme = 'hmac' as const;

  verify(request: SignedRequest, context: VerifierContext): VerificationOutcome {
    const { options } = context;
    if (!options.header) throw new WebhookMisconfiguredError('hmac scheme without header');
    const header = options.header.toLowerCase();
    const presented = stripPrefix(requireHeader(request, header), options.prefix ?? '', header);

    const rawTimestamp = options.timestampHeader ? requireHeader(request, options.timestampHeader) : undefined;
    const timestamp = rawTimestamp === undefined ? undefined : parseTimestamp(rawTimestamp, options.timestampFormat ?? 'unix');
    const eventId = options.idHeader ? requireHeader(request, options.idHeader) : undefined;

    const values: Record<string, string | Buffer | undefined> = {
      body: request.body,
      timestamp: rawTimestamp,
      id: eventId,
      method: request.method.toUpperCase(),
      url: request.url,
    };
    const parts: (string | Buffer)[] = [];
    const template = options.payload ?? DEFAULT_TEMPLATE;
    let last = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      parts.push(template.slice(last, match.index));
      const value = values[match[1] as string];
      if (value === undefined) throw new WebhookRequestInvalidError(`the signed payload needs {${match[1]}}, which the request lacks`);
      parts.push(value);
      last = (match.index ?? 0) + match[0].length;
    }
    parts.push(template.slice(last));

    const secret = matchHmac({
      scheme: this.scheme,
      header,
      secrets: context.secrets,
      algorithm: options.algorithm ?? 'sha256',
      encoding: options.encoding ?? 'hex',
      parts,
      presented,
    });
    const outcome: VerificationOutcome = { secretId: secret.id };
    if (eventId !== undefined) outcome.eventId = eventId;
    if (timestamp !== undefined) outcome.timestamp = timestamp;
    return outcome;
  }
}
