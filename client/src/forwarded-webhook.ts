/**
 * Turning a received webhook into what chatwarden verifies: the headers as
 * received (a header sent twice stays two values, so chatwarden can refuse a
 * doubled security header), the full URL, and the body bytes exactly as they
 * arrived — as text when they are UTF-8, base64 otherwise. Signatures cover
 * bytes; a body parsed and re-serialized would no longer match.
 */
import type { IncomingMessage } from 'node:http';
import type { ForwardedWebhook } from './client-types.js';

export interface ReceivedWebhook {
  method: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | string;
  clientIp?: string;
}

/** fatal: a non-UTF-8 body goes as base64; ignoreBOM: a BOM is kept, so the text re-encodes to the same bytes. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function forwardWebhook(received: ReceivedWebhook): ForwardedWebhook {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(received.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) && value.length === 1 ? value[0] : value;
  }
  const forwarded: ForwardedWebhook = { method: received.method, headers };
  if (received.url !== undefined) forwarded.url = received.url;
  if (received.clientIp !== undefined) forwarded.clientIp = received.clientIp;
  if (typeof received.body === 'string') {
    forwarded.body = received.body;
  } else {
    try {
      forwarded.body = STRICT_UTF8.decode(received.body);
    } catch {
      forwarded.bodyBase64 = Buffer.from(received.body).toString('base64');
    }
  }
  return forwarded;
}

/** Headers of a Node request with repeated ones kept apart (Node joins them with ", " in `headers`). */
export function headersOf(request: IncomingMessage): Record<string, string | string[] | undefined> {
  return request.headersDistinct ?? request.headers;
}

/**
 * The URL the vendor called. Behind a proxy or TLS terminator the socket
 * does not know it: pass `publicUrl` (the origin vendors call, e.g.
 * `https://bot.example.com`) when the vendor's scheme signs the URL.
 */
export function urlOf(request: IncomingMessage & { originalUrl?: string }, publicUrl?: string): string {
  const path = request.originalUrl ?? request.url ?? '/';
  if (publicUrl !== undefined) return new URL(path, publicUrl).toString();
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  return `${encrypted ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}${path}`;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the webhook body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a request body to the end, refusing more than `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body for the handler, parsed after the signature matched: JSON, a form as an object, or the text. */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  const text = body.toString('utf8');
  if (mediaType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (mediaType === 'application/json' || mediaType?.endsWith('+json')) return text === '' ? undefined : JSON.parse(text);
  return text;
}
