/**
 * A conversation re-sends the same token many times, so decrypted claims are
 * cached per token string. Bounded (oldest entry evicted first), and an entry
 * never outlives the token's `exp`, nor the key that decrypted it (dropKeys,
 * when a key is revoked or pruned). It caches only what the ciphertext proves;
 * the session (revocation) is still checked in the store on every verify.
 */
import type { TokenClaims } from './token-claims.js';

export class VerifiedTokenCache {
  private readonly entries = new Map<string, { claims: TokenClaims; kid: string }>();

  constructor(private readonly maxEntries: number) {}

  get(token: string, nowSeconds: number): { claims: TokenClaims; kid: string } | undefined {
    const entry = this.entries.get(token);
    if (entry && entry.claims.exp <= nowSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  set(token: string, claims: TokenClaims, kid: string): void {
    if (this.maxEntries === 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { claims, kid });
  }

  /**
   * Forgets every entry decrypted with one of `kids` (a revoked or pruned key):
   * a cached verification must not outlive the key that proved it. Returns how
   * many were dropped. A full scan, but it runs only when a key is unloaded.
   */
  dropKeys(kids: ReadonlySet<string>): number {
    let dropped = 0;
    for (const [token, entry] of this.entries) {
      if (kids.has(entry.kid)) {
        this.entries.delete(token);
        dropped += 1;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.entries.size;
  }
}
