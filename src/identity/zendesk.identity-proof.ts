/**
 * Zendesk Messaging "authenticated visitors": an HS256 JWT signed with a
 * messaging key from Admin Center, its id in the header `kid`; claims
 * `external_id` (≤ 255 characters), `scope: "user"` (required), optional
 * `name` and `email`, and `exp` (VENDORS.md "Widget identity proofs";
 * developer.zendesk.com enabling_auth_visitors). Admin Center allows up to 10
 * keys: several may be listed for rotation, the first one signs.
 */
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsNotEmpty, IsString, Matches, ValidateNested } from 'class-validator';
import { signHs256Jwt } from '../crypto/identity-signing.js';
import type { IdentityProof } from './identity-proof.js';

/** Zendesk's documented limit on `external_id`. */
export const ZENDESK_EXTERNAL_ID_MAX = 255;

export class ZendeskKeyConfig {
  /** The key id Admin Center shows (e.g. `app_64c1…`); sent as the JWT header `kid`. */
  @IsString() @Matches(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'keyId is the key id shown in Zendesk Admin Center (letters, digits, _ . -)' })
  keyId: string;

  @IsString() @IsNotEmpty({ message: 'secret must not be empty' })
  secret: string;
}

export class ZendeskProofConfig {
  /** Messaging keys; the first signs, the rest are listed while Zendesk still accepts them. */
  @IsArray() @ArrayNotEmpty({ message: 'keys needs at least one { keyId, secret }' }) @ArrayMaxSize(10)
  @ValidateNested({ each: true }) @Type(() => ZendeskKeyConfig)
  keys: ZendeskKeyConfig[];
}

export const zendeskIdentityProof: IdentityProof<ZendeskProofConfig> = {
  vendor: 'zendesk',
  configClass: ZendeskProofConfig,
  secretPaths: ['keys.*.secret'],
  needsSigner: false,
  subjectProblem: (subject) =>
    subject.length > ZENDESK_EXTERNAL_ID_MAX ? `the subject is longer than Zendesk's external_id limit (${ZENDESK_EXTERNAL_ID_MAX})` : undefined,
  mint(config, user, context) {
    const [key] = config.keys;
    return signHs256Jwt(
      {
        external_id: user.subject,
        scope: 'user',
        ...(user.profile.name !== undefined && { name: user.profile.name }),
        ...(user.profile.email !== undefined && { email: user.profile.email }),
        exp: context.expiresAt,
      },
      key.secret,
      key.keyId,
    );
  },
};
