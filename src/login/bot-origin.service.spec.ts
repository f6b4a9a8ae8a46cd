import type { AppConfig } from '../config/app-config.js';
import { BotOriginService } from './bot-origin.service.js';

describe('BotOriginService', () => {
  const service = new BotOriginService({
    bots: { shop: { origins: ['https://shop.example.com', 'http://localhost:8080/'], actions: {} } },
  } as unknown as AppConfig);

  it('returns the bot for an exact origin, in canonical form', () => {
    expect(service.check('shop', 'https://shop.example.com')).toMatchObject({ id: 'shop', origin: 'https://shop.example.com' });
    // A configured trailing slash is not part of an origin.
    expect(service.check('shop', 'http://localhost:8080').origins).toEqual(['https://shop.example.com', 'http://localhost:8080']);
  });

  it.each([
    'https://shop.example.com/',
    'https://shop.example.com.evil.test',
    'https://evil.test/https://shop.example.com',
    'http://shop.example.com',
    'https://SHOP.example.com',
    'https://shop.example.com:443',
    '*',
    'null',
    '',
  ])('refuses %j', (origin) => {
    expect(() => service.check('shop', origin)).toThrow(expect.objectContaining({ code: 'origin_not_allowed', status: 400 }));
  });

  it('refuses unknown bots, including inherited property names', () => {
    for (const bot of ['nope', '__proto__', 'constructor', 'toString', undefined, ['shop']]) {
      expect(() => service.check(bot, 'https://shop.example.com')).toThrow(expect.objectContaining({ code: 'unknown_bot' }));
    }
  });
});
