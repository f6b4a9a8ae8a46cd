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
