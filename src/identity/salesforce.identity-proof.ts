/**
 * Salesforce Enhanced Web Chat (Messaging for In-App and Web) user
 * verification: an RS256 JWT with header `kid`, claims `iss`, `sub`, `aud`
 * (`https://<org>.my.salesforce-scrt.com`), `iat`, `exp`; Salesforce checks it
 * against the public keys uploaded to (or fetched by) its keyset, i.e. our
 * JWKS (VENDORS.md; developer.salesforce.com messaging-web user-verification).
 * Signed through the JwtSigner port: the private key never leaves the key set.
 */
import { IsOptional, IsUrl } from 'class-validator';
import { appError } from '../common/error-catalog.js';
import type { IdentityProof } from './identity-proof.js';

export class SalesforceProofConfig {
  /** The `aud` Salesforce expects: the org's SCRT URL, e.g. https://acme.my.salesforce-scrt.com. */
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'audience must be an https URL such as https://acme.my.salesforce-scrt.com' })
  audience: string;

  /** The `iss`; defaults to publicUrl. Must match the issuer configured in the Salesforce keyset. */
  @IsOptional() @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'issuer must be a URL' })
  issuer?: string;
}

export const salesforceIdentityProof: IdentityProof<SalesforceProofConfig> = {
  vendor: 'salesforce',
  configClass: SalesforceProofConfig,
  secretPaths: [],
  needsSigner: true,
  subjectProblem: () => undefined,
  mint(config, user, context) {
    if (!context.signer) throw appError('identity_unavailable', { detail: 'the Salesforce proof needs the signing key set (JwtSigner), which is not available' });
    return context.signer.signJwt(
      { iss: config.issuer ?? context.publicUrl, sub: user.subject, aud: config.audience, iat: context.now, exp: context.expiresAt },
      { alg: 'RS256', typ: 'JWT' },
    );
  },
};
