/**
 * The webhook as the handler forwards it to `/v1/verify/signature` (and
 * `/v1/verify/webhook`), turned into the SignedRequest the verifiers check.
 * The body must arrive as the exact bytes the vendor sent (SPEC.md): `body`
 * holds them when they are UTF-8 text, `bodyBase64` otherwise. Exactly one of
 * the two is given; a GET or HEAD handshake may give neither.
 */
import type { SignedRequest } from './signature-verifier.js';
import { WebhookRequestInvalidError } from './signature-errors.js';

export interface SignatureInput {
  bot: string;
  method?: string;
  url?: string;
  headers: Record<string, string | string[]>;
  body?: string;
  bodyBase64?: string;
  clientIp?: string;
}

/** RFC 4648 §4 base64 with its padding: one spelling per byte string, so nothing is silently skipped. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** ES2024 String.prototype.isWellFormed (Node 20+); the project's TypeScript lib predates it. */
type WellFormedString = string & { isWellFormed(): boolean };

function bodyBytes(input: SignatureInput, method: string): Buffer {
  const { body, bodyBase64 } = input;
  if (body !== undefined && bodyBase64 !== undefined) throw new WebhookRequestInvalidError('both body and bodyBase64 were given');
  if (typeof body === 'string') {
    // A lone surrogate cannot come from UTF-8 bytes; encoding it would
    // silently verify bytes the vendor never sent.
    if (!(body as WellFormedString).isWellFormed()) {
      throw new WebhookRequestInvalidError('body is not UTF-8 text: send the received bytes as bodyBase64');
    }
    return Buffer.from(body, 'utf8');
  }
  if (typeof bodyBase64 === 'string') {
    if (!BASE64.test(bodyBase64)) throw new WebhookRequestInvalidError('bodyBase64 is not padded base64 (RFC 4648 section 4)');
    return Buffer.from(bodyBase64, 'base64');
  }
  if (body !== undefined || bodyBase64 !== undefined) throw new WebhookRequestInvalidError('body and bodyBase64 are text');
  if (method === 'GET' || method === 'HEAD') return Buffer.alloc(0);
  throw new WebhookRequestInvalidError('give the received body as body (UTF-8 text) or bodyBase64');
}

export function toSignedRequest(input: SignatureInput): SignedRequest {
  const method = (input.method ?? 'POST').toUpperCase();
  const request: SignedRequest = { method, headers: input.headers, body: bodyBytes(input, method) };
  if (input.url !== undefined) request.url = input.url;
  return request;
}
