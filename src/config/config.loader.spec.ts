import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.loader.js';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (yaml: string) => {
    const path = join(dir, 'chatwarden.yaml');
    writeFileSync(path, yaml);
    return path;
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
  const minimal = 'publicUrl: https://auth.example.com/\nbots:\n  shop:\n    origins: [https://shop.example.com]\n';

  const inDir = <T>(fn: () => T): T => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      return fn();
    } finally {
      process.chdir(before);
    }
  };

  it('without a file runs dev mode outside production, with the bots of the demo, of the README examples and of the /demo vendor picker', () => {
    const config = inDir(() => loadConfig({ env: {} }));
    expect(config.devMode).toBe(true);
    expect(config.store).toBe('memory://');
    expect(Object.keys(config.bots)).toEqual(['demo', 'shop', 'demo-inbenta', 'demo-chatbotcom', 'demo-chatbase', 'demo-salesiq', 'demo-proofs']);
    expect(config.keysDir).toBe(join(dir, 'keys'));
  });

  it('without a file in production fails and says what to do', () => {
    const problems = problemsOf(() => inDir(() => loadConfig({ env: { NODE_ENV: 'production' } })));
    expect(problems[0]).toMatch(/no config file at .*CHATWARDEN_CONFIG/);
  });

  it('a named file that does not exist is an error, never dev mode (--config or CHATWARDEN_CONFIG)', () => {
    expect(problemsOf(() => loadConfig({ path: join(dir, 'missing.yaml'), env: {} }))[0]).toMatch(/no config file at .*missing\.yaml \(named by --config\)/);
    expect(problemsOf(() => loadConfig({ env: { CHATWARDEN_CONFIG: join(dir, 'gone.yaml') } }))[0]).toMatch(/gone\.yaml \(named by CHATWARDEN_CONFIG\)/);
  });

  it("reads relative keysDir and usersFile from the file's directory; the environment override from the working directory", () => {
    const path = write(`${minimal}keysDir: ./state/keys\nlogin: { usersFile: users/u.json }\n`);
    const config = loadConfig({ path, env: {} });
    expect(config.keysDir).toBe(join(dir, 'state', 'keys'));
    expect(config.login.usersFile).toBe(join(dir, 'users', 'u.json'));
    expect(loadConfig({ path: write(minimal), env: {} }).keysDir).toBe(join(dir, 'keys'));
    expect(loadConfig({ path, env: { CHATWARDEN_KEYS_DIR: 'elsewhere' } }).keysDir).toBe(join(process.cwd(), 'elsewhere'));
  });

  it('judges as production when asked (config check), whatever NODE_ENV says', () => {
    const path = write(minimal.replace('origins', 'webhook: { scheme: chatbase, secrets: [literal] }\n    origins'));
    expect(loadConfig({ path, env: {} }).devMode).toBe(false);
    expect(problemsOf(() => loadConfig({ path, env: {}, production: true })).join('\n')).toMatch(/literal secrets are refused/);
  });

  it('applies defaults, env overrides and normalises publicUrl', () => {
    const config = loadConfig({ path: write(minimal), env: { PORT: '4000', REDIS_URL: 'redis://10.0.0.1:6379', CHATWARDEN_KEYS_DIR: '/k' } });
    expect(config).toMatchObject({ publicUrl: 'https://auth.example.com', port: 4000, store: 'redis://10.0.0.1:6379', keysDir: '/k', devMode: false });
    expect(config.tokens.ttlSeconds).toBe(900);
    expect(config.login.lockout.maxFailures).toBe(5);
  });

  it('resolves { env } and { file } secret references', () => {
    writeFileSync(join(dir, 'secret.txt'), 'from-file\n');
    const path = write(`${minimal}sso:\n  corp:\n    issuer: https://idp.example.com\n    clientId: cw\n    clientSecret: { env: CORP_SECRET }\n  other:\n    issuer: https://idp2.example.com\n    clientId: cw\n    clientSecret: { file: secret.txt }\n`);
    const config = loadConfig({ path, env: { CORP_SECRET: 'from-env' } });
    expect(config.sso.corp.clientSecret).toBe('from-env');
    expect(config.sso.other.clientSecret).toBe('from-file');
  });

  it('runs the cross-field SSO checks too (config check sees what boot would refuse)', () => {
    const path = write(`${minimal}roles: { customer: [orders:read] }\nsso:\n  corp:\n    issuer: http://idp.example.com\n    clientId: cw\n    roleMap: { staff: admin }\n`);
    const text = problemsOf(() => loadConfig({ path, env: {} })).join('\n');
    expect(text).toMatch(/sso\.corp\.issuer: must be https/);
    expect(text).toMatch(/sso\.corp\.roleMap: set roleClaim/);
    expect(text).toMatch(/role "admin" is not configured/);
  });

  it('names every invalid field with its path', () => {
    const problems = problemsOf(() =>
      loadConfig({ path: write('publicUrl: not a url\nport: -1\nstore: mysql://x\nbots:\n  shop:\n    origins: [javascript:alert(1)]\n  bad/name:\n    origins: [https://a.example]\nsurprise: 1\n'), env: {} }),
    );
    const text = problems.join('\n');
    expect(text).toMatch(/publicUrl/);
    expect(text).toMatch(/port/);
    expect(text).toMatch(/store must be memory:\/\//);
    expect(text).toMatch(/bots\.shop\.origins/);
    expect(text).toMatch(/bots\.bad\/name/);
    expect(text).toMatch(/surprise/);
  });

  it('refuses literal secrets and reports unset variables in production, without quoting values', () => {
    const path = write(`${minimal.replace('origins', 'webhook: { scheme: chatbase, secrets: [hunter2-literal] }\n    origins')}sso:\n  corp:\n    issuer: https://idp.example.com\n    clientId: cw\n    clientSecret: { env: NOT_SET }\n`);
    const problems = problemsOf(() => loadConfig({ path, env: { NODE_ENV: 'production' } }));
    expect(problems.join('\n')).toMatch(/bots\.shop\.webhook\.secrets\.0: literal secrets are refused in production/);
    expect(problems.join('\n')).toMatch(/sso\.corp\.clientSecret: environment variable NOT_SET is not set/);
    expect(problems.join('\n')).not.toContain('hunter2-literal');
  });
});
