import { backoffDelay } from './chat-http.client.js';

describe('backoffDelay', () => {
  it('doubles per retry, between half and all of the ceiling', () => {
    expect([1, 2, 3].map((retry) => backoffDelay(retry, 100, 10_000, () => 0))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((retry) => backoffDelay(retry, 100, 10_000, () => 0.999999))).toEqual([
      expect.closeTo(100, 3),
      expect.closeTo(200, 3),
      expect.closeTo(400, 3),
    ]);
  });

  it('never waits longer than maxDelayMs', () => {
    expect(backoffDelay(20, 100, 2000, () => 0.999999)).toBeLessThanOrEqual(2000);
    expect(backoffDelay(20, 100, 2000, () => 0)).toBe(1000);
  });
});
