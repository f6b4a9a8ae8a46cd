/**
 * Reading the parts of a SignedRequest that verifiers trust. Header names are
 * case-insensitive (RFC 9110 §5.1), so they are matched lower-cased. A
 * security header that arrives more than once — as an array, or as two keys
 * differing only in case — is refused rather than joined or picked from:
 * intermediaries disagree on which copy wins, and that disagreement is what
 * request-smuggling style attacks exploit.
 */
import type { SignedRequest } from './signature-verifier.js';
import { SignatureInvalidError, SignatureMissingError, WebhookRequestInvalidError } from './signature-errors.js';

/** The single value of header `name`, or undefined when absent or empty. */
export function readHeader(request: SignedRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'string') throw new WebhookRequestInvalidError(`header ${wanted} is not text`);
      values.push(item);
    }
  }
  if (values.length > 1) throw new SignatureInvalidError(`header ${wanted} appears more than once`);
  const value = values[0]?.trim();
  return value ? value : undefined;
}

/** Like readHeader, but a missing header is a `signature_missing` failure. */
export function requireHeader(request: SignedRequest, name: string): string {
  const value = readHeader(request, name);
  if (value === undefined) throw new SignatureMissingError(`header ${name.toLowerCase()} is missing`);
  return value;
}

/** The query string of `request.url` (relative URLs allowed). */
export function queryOf(request: SignedRequest): URLSearchParams {
  if (!request.url) return new URLSearchParams();
  try {
    return new URL(request.url, 'http://relative.invalid').searchParams;
  } catch {
    throw new WebhookRequestInvalidError('url does not parse');
  }
}

/** The single value of query parameter `name`; repeated parameters are refused like repeated headers. */
export function readQuery(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw new SignatureInvalidError(`query parameter ${name} appears more than once`);
  return values[0] === '' ? undefined : values[0];
}

export function isMethod(request: SignedRequest, method: string): boolean {
  return typeof request.method === 'string' && request.method.toUpperCase() === method;
}
