import { BotAccess } from './bot-access.js';

describe('BotAccess', () => {
  it('lets a key without --bots act for any bot, but still wants the bot named on verify calls', () => {
    expect(BotAccess.ALL.bound).toBe(false);
    expect(BotAccess.ALL.assert('hr')).toBe('hr');
    expect(BotAccess.ALL.require('shop')).toBe('shop');
    expect(() => BotAccess.ALL.require(undefined)).toThrow(expect.objectContaining({ code: 'invalid_request', status: 400 }));
    expect(BotAccess.ALL.optional(undefined)).toBeUndefined();
  });

  it('implies the bot of a key bound to exactly one', () => {
    const one = new BotAccess(['shop']);
    expect(one.require(undefined)).toBe('shop');
    expect(one.optional(undefined)).toBe('shop');
    expect(one.require('shop')).toBe('shop');
  });

  it('refuses any bot outside the list with 403 bot_not_allowed, and wants a bot from a key bound to several', () => {
    const two = new BotAccess(['shop', 'hr']);
    for (const bot of ['other', 'toString', '__proto__', 'constructor']) {
      expect(() => two.require(bot)).toThrow(expect.objectContaining({ code: 'bot_not_allowed', status: 403 }));
    }
    expect(() => two.require(undefined)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(two.require('hr')).toBe('hr');
  });

  it('allows nothing for an empty list (a hand-edited clients.json fails closed)', () => {
    const none = new BotAccess([]);
    expect(none.allows('shop')).toBe(false);
    expect(() => none.require(undefined)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});
