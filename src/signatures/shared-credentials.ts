/**
 * Credential checks for vendors that do not sign bodies but can send fixed
 * credentials (VENDORS.md: `chatbotcom` connection `token` / `headers` /
 * `auth`, `inbenta` shared header or Basic auth, `ingenious` Bearer token).
 * Every configured check must pass; all comparisons are constant-time.
 * Accepted tokens are the live secrets plus the `token` option, so a token
 * can be rotated like any other secret.
 */
import { constantTimeEqual } from '../crypto/constant-time.js';
import type { LiveSecret, SignedRequest, VerificationOutcome, VerifierContext } from './signature-verifier.js';
import { findMatchingSecret } from './secret-matching.js';
import { readHeader, requireHeader } from './signed-request.js';
import { SignatureInvalidError, SignatureMissingError, WebhookMisconfiguredError } from './signature-errors.js';
import { tokenHeaderOf } from './webhook-config.dto.js';

/** Live secrets plus the `token` option (id `token`). */
export function acceptedTokens(context: VerifierContext): LiveSecret[] {
  const tokens = [...context.secrets];
  if (context.options.token) tokens.push({ id: 'token', value: context.options.token });
  return tokens;
}

/** The token of `Authorization: Bearer <token>` (RFC 6750 §2.1; the scheme name is case-insensitive). */
function bearerToken(value: string): string {
  const match = /^Bearer +(\S+)$/i.exec(value);
  if (!match?.[1]) throw new SignatureInvalidError('authorization is not a Bearer token');
  return match[1];
}

/** User and password of `Authorization: Basic …` (RFC 7617 §2: split at the first colon). */
function basicCredentials(value: string): { username: string; password: string } {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(value);
  if (!match?.[1]) throw new SignatureInvalidError('authorization is not Basic credentials');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new SignatureInvalidError('basic credentials have no colon');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The accepted token equal to `presented`, or a `signature_invalid` failure. */
export function matchToken(tokens: readonly LiveSecret[], presented: string, where: string): LiveSecret {
  if (tokens.length === 0) throw new WebhookMisconfiguredError('no live secret or token to compare with');
  const match = findMatchingSecret(tokens, (token) => constantTimeEqual(token.value, presented));
  if (!match) throw new SignatureInvalidError(`${where} does not match any accepted token`);
  return match;
}

export function checkSharedCredentials(request: SignedRequest, context: VerifierContext): VerificationOutcome {
  const { options } = context;
  const tokenHeader = tokenHeaderOf(options);
  if (!tokenHeader && !options.headers && !options.basicAuth) {
    throw new WebhookMisconfiguredError(`scheme ${options.scheme} has no credential to check`);
  }
  let secretId: string | undefined;
  let mismatch: string | undefined;

  if (tokenHeader) {
    const raw = requireHeader(request, tokenHeader);
    const presented = tokenHeader === 'authorization' ? bearerToken(raw) : raw;
    secretId = matchToken(acceptedTokens(context), presented, tokenHeader).id;
  }

  if (options.headers) {
    // Read every header first so a missing one is reported as missing, then
    // compare all of them before deciding.
    const presented = Object.keys(options.headers).map((name) => requireHeader(request, name));
    Object.entries(options.headers).forEach(([name, expected], index) => {
      if (!constantTimeEqual(expected, presented[index] as string) && !mismatch) mismatch = `header ${name.toLowerCase()}`;
    });
    secretId ??= 'headers';
  }

  if (options.basicAuth) {
    const raw = readHeader(request, 'authorization');
    if (!raw) throw new SignatureMissingError('authorization (Basic) is missing');
    const { username, password } = basicCredentials(raw);
    const userOk = constantTimeEqual(options.basicAuth.username, username);
    const passwordOk = constantTimeEqual(options.basicAuth.password, password);
    if (!(userOk && passwordOk) && !mismatch) mismatch = 'basic credentials';
    secretId ??= 'basic-auth';
  }

  if (mismatch) throw new SignatureInvalidError(`${mismatch} does not match`);
  return { secretId: secretId as string };
}
