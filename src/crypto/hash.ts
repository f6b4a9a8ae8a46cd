import { createHash } from 'node:crypto';

/** SHA-256 as hex: API keys are high-entropy, so a fast hash is the right tool (no salt/KDF needed). */
export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}
