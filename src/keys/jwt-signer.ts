/**
 * Port for signing JWTs (compact JWS) with the service's asymmetric signing key
 * set (SPEC.md "Keys: compromise, signing keys, JWKS"). Consumers (identity
 * proofs such as Salesforce's, the gateway's Chatwarden-Assertion) depend on
 * this abstract class; the signing key ring provides it. The header carries
 * the active key's `kid` and `alg`; the public key is in /.well-known/jwks.json.
 */
export type SigningAlgorithm = 'ES256' | 'RS256';

export interface SignJwtOptions {
  /** The algorithm the consumer requires; the active key of that algorithm signs. */
  alg: SigningAlgorithm;
  /** The JOSE `typ` header, e.g. `chatwarden-assertion+jwt`; omitted when absent. */
  typ?: string;
}

export abstract class JwtSigner {
  /** Signs `claims` as given (the caller sets iat/exp/aud …). Throws appError('no_active_key') when no key of `alg` is active. */
  abstract signJwt(claims: Record<string, unknown>, options: SignJwtOptions): Promise<string>;
}
