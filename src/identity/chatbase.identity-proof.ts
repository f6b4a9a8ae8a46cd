/**
 * Chatbase identity verification: `user_hash` = HMAC-SHA256(identity secret,
 * user_id) hex, made server side; the widget passes both to
 * `chatbase("identify", …)` (VENDORS.md; chatbase.co developer-guides/
 * identity-verification). A hash has no expiry of its own: it is valid as
 * long as the user id and secret are, so the adapter re-identifies on every
 * token and resets on logout.
 */
import { IsNotEmpty, IsString } from 'class-validator';
import { hmacSha256Hex } from '../crypto/identity-signing.js';
import type { IdentityProof } from './identity-proof.js';

export class ChatbaseProofConfig {
  @IsString() @IsNotEmpty({ message: 'secret must not be empty' })
  secret: string;
}

export const chatbaseIdentityProof: IdentityProof<ChatbaseProofConfig> = {
  vendor: 'chatbase',
  configClass: ChatbaseProofConfig,
  secretPaths: ['secret'],
  needsSigner: false,
  subjectProblem: () => undefined,
  async mint(config, user) {
    return { userId: user.subject, userHash: hmacSha256Hex(config.secret, user.subject) };
  },
};
