/**
 * Gives a delivery id back when `/v1/verify/webhook` could not decide
 * (5xx: the store went away during the token check, a bug): the vendor
 * retries such a delivery, and its retry must be checked again rather than
 * refused as `replayed`. Only this delivery's own record is deleted
 * (Store.deleteIfEquals), never a newer one.
 *
 * The usual cause, a store outage, also makes the release fail. It is then
 * retried in the background, with growing pauses, until it succeeds or the
 * record would have expired by itself, so a vendor retrying after the store
 * is back finds the id free. Pending releases live in this process only: an
 * instance that stops meanwhile leaves them to expire.
 */
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ReplayClaim } from '../signatures/signature.service.js';
import { SignatureCheckService } from '../signatures/signature-check.service.js';

/** First pause before retrying a failed release, doubled each time up to MAX_RETRY_DELAY_MS. */
const FIRST_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 15_000;
/** Upper bound of releases waiting for the store; beyond it, further ids are left to expire (and logged). */
const MAX_PENDING = 10_000;

/** `released`: the id is free again; `pending`: the store is unreachable, retried in the background; `dropped`: left to expire. */
export type ReleaseOutcome = 'released' | 'pending' | 'dropped';

@Injectable()
export class ReplayReleaseService implements OnModuleDestroy {
  private readonly logger = new Logger('ReplayRelease');
  private readonly pending = new Map<ReplayClaim, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly signatures: SignatureCheckService) {}

  /** Never throws: the caller is already answering with the failure that made it release. */
  async release(claim: ReplayClaim): Promise<ReleaseOutcome> {
    if (await this.attempt(claim)) return 'released';
    return this.schedule(claim, FIRST_RETRY_DELAY_MS) ? 'pending' : 'dropped';
  }

  /** How many releases wait for the store (for tests and diagnostics). */
  get pendingCount(): number {
    return this.pending.size;
  }

  onModuleDestroy(): void {
    this.closed = true;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  /** True once the record is gone (deleted now, or no longer this claim's); false when the store could not be asked. */
  private async attempt(claim: ReplayClaim): Promise<boolean> {
    try {
      await this.signatures.release(claim);
      return true;
    } catch {
      return false;
    }
  }

  private schedule(claim: ReplayClaim, delayMs: number): boolean {
    if (this.closed || Date.now() + delayMs >= claim.expiresAt) return false;
    if (this.pending.size >= MAX_PENDING) {
      this.logger.warn('too many delivery ids wait for the store to be released; this one is left to expire');
      return false;
    }
    const timer = setTimeout(() => {
      this.pending.delete(claim);
      void this.attempt(claim).then((done) => {
        if (!done) this.schedule(claim, Math.min(delayMs * 2, MAX_RETRY_DELAY_MS));
      });
    }, delayMs);
    timer.unref();
    this.pending.set(claim, timer);
    return true;
  }
}
