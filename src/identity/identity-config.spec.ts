/** `bots.<id>.identity` and `profile` through the real config loader: typed, validated once, secrets never literal in production. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/config.loader.js';
import { IDENTITY_SECRET_PATHS, IDENTITY_VENDORS } from './identity-proof.registry.js';
import { IdentityConfig } from './identity-config.js';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

describe('identity config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'identity-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (bot: string, env: NodeJS.ProcessEnv = {}) => {
    const path = join(dir, 'chatwarden.yaml');
    writeFileSync(path, `publicUrl: https://auth.example.com\nbots:\n  shop:\n    origins: [https://shop.example.com]\n${bot}`);
    return loadConfig({ path, env });
  };
  const problemsOf = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  const full = `    identity:
      zendesk: { keys: [{ keyId: app_64c1, secret: { env: ZD } }, { keyId: app_old, secret: { env: ZD_OLD } }] }
      intercom: { secret: { env: IC }, userHash: true }
      chatbase: { secret: { file: chatbase.secret } }
      salesforce: { audience: https://acme.my.salesforce-scrt.com }
    profile: { email: mail, name: cn }
`;

  it('loads every vendor block with its secrets resolved from references, in production too', () => {
    writeFileSync(join(dir, 'chatbase.secret'), 'cb-secret\n');
    const config = load(full, { NODE_ENV: 'production', ZD: 'zd-secret', ZD_OLD: 'zd-old', IC: 'ic-secret' });
    const bot = config.bots.shop;
    expect(bot.identity?.zendesk?.keys.map((k) => [k.keyId, k.secret])).toEqual([['app_64c1', 'zd-secret'], ['app_old', 'zd-old']]);
    expect(bot.identity?.intercom).toMatchObject({ secret: 'ic-secret', userHash: true });
    expect(bot.identity?.chatbase?.secret).toBe('cb-secret');
    expect(bot.identity?.salesforce?.audience).toBe('https://acme.my.salesforce-scrt.com');
    expect(bot.profile).toMatchObject({ email: 'mail', name: 'cn' });
  });

  it('refuses identity secrets written literally in production, naming each path and quoting no value', () => {
    const literal = `    identity:
      zendesk: { keys: [{ keyId: app_64c1, secret: zd-literal-value }] }
      intercom: { secret: ic-literal-value }
      chatbase: { secret: cb-literal-value }
`;
    const problems = problemsOf(() => load(literal, { NODE_ENV: 'production' }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bots\.shop\.identity\.zendesk\.keys\.0\.secret: literal secrets are refused in production/),
        expect.stringMatching(/^bots\.shop\.identity\.intercom\.secret: literal secrets are refused/),
        expect.stringMatching(/^bots\.shop\.identity\.chatbase\.secret: literal secrets are refused/),
      ]),
    );
    expect(problems.join('\n')).not.toMatch(/literal-value/);
    // Outside production a literal is accepted (local development).
    expect(load(literal).bots.shop.identity?.chatbase?.secret).toBe('cb-literal-value');
  });

  it('names what is wrong: unset variable, empty secret, no keys, unknown vendor, bad audience, bad profile name', () => {
    const problems = problemsOf(() =>
      load(`    identity:
      zendesk: { keys: [] }
      intercom: { secret: "" }
      chatbase: { secret: { env: UNSET_CHATBASE } }
      salesforce: { audience: http://acme.example.com }
      drift: { secret: x }
    profile: { email: "mail address" }
`),
    );
    const text = problems.join('\n');
    expect(text).toMatch(/bots\.shop\.identity\.chatbase\.secret: environment variable UNSET_CHATBASE is not set/);
    expect(text).toMatch(/bots\.shop\.identity\.zendesk\.keys needs at least one \{ keyId, secret \}/);
    expect(text).toMatch(/bots\.shop\.identity\.intercom\.secret must not be empty/);
    expect(text).toMatch(/bots\.shop\.identity\.salesforce\.audience must be an https URL/);
    expect(text).toMatch(/bots\.shop\.identity.*drift should not exist/);
    expect(text).toMatch(/bots\.shop\.profile\.email names a user attribute/);
  });

  it('every registered proof has its IdentityConfig property and declares its secrets', () => {
    for (const vendor of IDENTITY_VENDORS) {
      const errors = validateSync(plainToInstance(IdentityConfig, { [vendor]: 'not a mapping' }), { whitelist: true, forbidNonWhitelisted: true });
      // A property the class does not know would be "should not exist"; a known one complains about its shape.
      expect(errors.map((e) => e.property)).toEqual([vendor]);
      expect(Object.values(errors[0].constraints ?? {}).join()).not.toMatch(/should not exist/);
    }
    expect(IDENTITY_SECRET_PATHS).toEqual([
      'bots.*.identity.zendesk.keys.*.secret',
      'bots.*.identity.intercom.secret',
      'bots.*.identity.chatbase.secret',
    ]);
  });
});
