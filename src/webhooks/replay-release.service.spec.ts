import { jest } from '@jest/globals';
import type { SignatureCheckService } from '../signatures/signature-check.service.js';
import type { ReplayClaim } from '../signatures/signature.service.js';
import { StoreUnavailableError } from '../store/store.js';
import { ReplayReleaseService } from './replay-release.service.js';

function harness(outcomes: Array<'ok' | 'down'>) {
  const release = jest.fn(async (_claim: ReplayClaim) => {
    if (outcomes.shift() === 'down') throw new StoreUnavailableError();
    return true;
  });
  const service = new ReplayReleaseService({ release } as unknown as SignatureCheckService);
  return { service, release };
}

const claim = (ttlMs: number): ReplayClaim => ({ key: 'replay:shop:id:msg_1', value: 'p:1', expiresAt: Date.now() + ttlMs });

describe('ReplayReleaseService', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('releases at once while the store answers', async () => {
    const { service, release } = harness(['ok']);
    await expect(service.release(claim(600_000))).resolves.toBe('released');
    expect(release).toHaveBeenCalledTimes(1);
    expect(service.pendingCount).toBe(0);
  });

  it('keeps retrying a release the store could not take until it succeeds', async () => {
    const { service, release } = harness(['down', 'down', 'ok']);
    const c = claim(600_000);
    await expect(service.release(c)).resolves.toBe('pending');
    expect(service.pendingCount).toBe(1);
    await jest.advanceTimersByTimeAsync(500);
    expect(release).toHaveBeenCalledTimes(2);
    expect(service.pendingCount).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(release).toHaveBeenCalledTimes(3);
    expect(release).toHaveBeenLastCalledWith(c);
    expect(service.pendingCount).toBe(0);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(release).toHaveBeenCalledTimes(3);
  });

  it('stops once the record would have expired by itself, and on shutdown', async () => {
    const soon = harness(['down', 'down', 'down', 'down']);
    await expect(soon.service.release(claim(200))).resolves.toBe('dropped');
    expect(soon.service.pendingCount).toBe(0);

    const stopping = harness(['down', 'down']);
    await expect(stopping.service.release(claim(600_000))).resolves.toBe('pending');
    stopping.service.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(stopping.release).toHaveBeenCalledTimes(1);
  });
});
