import { jest } from '@jest/globals';
import { ChatwardenConfig, TokensConfig } from '../config/config.schema.js';
import type { AppConfig } from '../config/app-config.js';
import { MemoryStore } from '../store/memory.store.js';
import { SessionService } from './session.service.js';

describe('SessionService', () => {
  let clock: number;
  let store: MemoryStore;
  let sessions: SessionService;

  beforeEach(() => {
    clock = Date.parse('2026-01-01T00:00:00Z');
    store = new MemoryStore({ now: () => clock });
    const config = Object.assign(new ChatwardenConfig(), {
      tokens: Object.assign(new TokensConfig(), { sessionIdleSeconds: 600, sessionMaxAgeSeconds: 3600 }),
    }) as AppConfig;
    sessions = new SessionService(store, config);
  });
  afterEach(() => store.close());

  const advance = (seconds: number) => {
    clock += seconds * 1000;
  };
  const create = () => sessions.create({ sub: 'alice', bot: 'shop', amr: 'pwd', perms: [] }, clock);

  it('ends a session that sees no activity for the idle timeout', async () => {
    const { sessionId } = await create();
    advance(599);
    expect(await sessions.get(sessionId)).not.toBeNull();
    advance(2);
    expect(await sessions.touch(sessionId, clock)).toBeNull();
  });

  it('each verify slides the idle timeout forward', async () => {
    const { sessionId } = await create();
    for (let i = 0; i < 5; i++) {
      advance(500);
      expect(await sessions.touch(sessionId, clock)).not.toBeNull();
    }
  });

  it('activity does not keep a session past its max age', async () => {
    const { sessionId } = await create();
    for (let elapsed = 0; elapsed < 3600 - 500; elapsed += 500) {
      advance(500);
      expect(await sessions.touch(sessionId, clock)).not.toBeNull();
    }
    advance(600);
    expect(await sessions.touch(sessionId, clock)).toBeNull();
    expect(await sessions.get(sessionId)).toBeNull();
  });

  describe('touching at most once per interval (a tenth of the idle timeout)', () => {
    it('slides the idle timer once per interval however often the session is verified', async () => {
      const { sessionId } = await create();
      const touches = jest.spyOn(store, 'getAndTouch');
      for (let i = 0; i < 10; i++) {
        advance(5);
        expect(await sessions.touch(sessionId, clock)).not.toBeNull();
      }
      // 50 s of verifies with a 60 s interval: the first one slides, the rest read.
      expect(touches).toHaveBeenCalledTimes(1);
      advance(15);
      expect(await sessions.touch(sessionId, clock)).not.toBeNull();
      expect(touches).toHaveBeenCalledTimes(2);
    });

    it('still sees a session revoked in the store between two touches', async () => {
      const { sessionId } = await create();
      expect(await sessions.touch(sessionId, clock)).not.toBeNull();
      await store.delete(`sess:${sessionId}`);
      advance(1);
      expect(await sessions.touch(sessionId, clock)).toBeNull();
    });

    it('never keeps a session alive longer than the idle timeout after its last slide', async () => {
      const { sessionId } = await create();
      expect(await sessions.touch(sessionId, clock)).not.toBeNull();
      advance(30);
      expect(await sessions.touch(sessionId, clock)).not.toBeNull(); // within the interval: read only
      advance(571); // 601 s after the last slide
      expect(await sessions.touch(sessionId, clock)).toBeNull();
    });

    it('keeps a session alive as long as verifies come closer than idle timeout minus one interval', async () => {
      const { sessionId } = await create();
      // Six gaps of 539 s stay within the max age (3600 s).
      for (let i = 0; i < 6; i++) {
        advance(539);
        expect(await sessions.touch(sessionId, clock)).not.toBeNull();
      }
    });

    it('re-reads the record when the stored value changed', async () => {
      const { sessionId, record } = await create();
      expect(await sessions.touch(sessionId, clock)).toEqual(record);
      await store.set(`sess:${sessionId}`, JSON.stringify({ ...record, perms: ['orders:read'] }), 600);
      advance(1);
      expect((await sessions.touch(sessionId, clock))?.perms).toEqual(['orders:read']);
    });
  });

  it('ends all sessions of a subject, optionally for one bot only', async () => {
    const a = await create();
    const b = await sessions.create({ sub: 'alice', bot: 'other', amr: 'pwd', perms: [] }, clock);
    const bob = await sessions.create({ sub: 'bob', bot: 'shop', amr: 'pwd', perms: [] }, clock);
    expect((await sessions.endAllFor('alice', 'shop')).map((s) => s.sessionId)).toEqual([a.sessionId]);
    expect(await sessions.get(b.sessionId)).not.toBeNull();
    expect((await sessions.endAllFor('alice')).map((s) => s.sessionId)).toEqual([b.sessionId]);
    expect(await sessions.get(bob.sessionId)).not.toBeNull();
  });
});
