import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/config.loader.js';
import { upstreamProblem } from './gateway-config.js';

describe('bots.<id>.gateway in the config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (gateway: string) => {
    const path = join(dir, 'chatwarden.yaml');
    writeFileSync(path, `publicUrl: https://auth.example.com\nbots:\n  shop:\n    origins: [https://shop.example.com]\n    gateway: ${gateway}\n`);
    return loadConfig({ path, env: {} });
  };
  const problems = (gateway: string): string => {
    try {
      load(gateway);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.join('\n');
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('takes an http(s) upstream with its options', () => {
    const config = load('{ upstream: "https://handlers.internal:8443/chat", actionField: params.action, timeoutSeconds: 4, audience: orders-handlers }');
    expect(config.bots.shop.gateway).toMatchObject({ upstream: 'https://handlers.internal:8443/chat', actionField: 'params.action', timeoutSeconds: 4, audience: 'orders-handlers' });
  });

  it.each([
    ['{ upstream: "ftp://handlers.internal/chat" }', /upstream/],
    ['{ upstream: "not a url" }', /upstream/],
    ['{ upstream: "https://user:pw@handlers.internal/chat" }', /credentials/],
    ['{ upstream: "https://handlers.internal/chat?x=1" }', /query/],
    ['{ upstream: "https://handlers.internal/chat#x" }', /query or fragment/],
    ['{ upstream: "https://h.internal", timeoutSeconds: 0 }', /timeoutSeconds/],
    ['{ upstream: "https://h.internal", actionField: "a..b" }', /actionField/],
    ['{ upstream: "https://h.internal", extra: 1 }', /extra/],
    ['{ actionField: action }', /upstream/],
  ])('refuses %s at load', (gateway, expected) => {
    expect(problems(gateway)).toMatch(expected);
  });

  it('upstreamProblem accepts http and https only', () => {
    expect(upstreamProblem('http://127.0.0.1:8080/x')).toBeUndefined();
    expect(upstreamProblem('javascript:alert(1)')).toMatch(/http/);
    expect(upstreamProblem(42)).toMatch(/http/);
  });
});
