import { hash } from 'node:crypto';

/**
 * SHA-256 as hex: API keys are high-entropy, so a fast hash is the right tool
 * (no salt/KDF needed). The one-shot `hash` skips the Hash object that
 * createHash builds, on the verify hot path.
 */
export function sha256Hex(value: string | Buffer): string {
  return hash('sha256', value, 'hex');
}
