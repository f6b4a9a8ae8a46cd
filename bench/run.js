// npm run bench — verify-token throughput of the built service against a bare
// Fastify + jose baseline measured in the same run, same machine, same load
// (autocannon, 32 connections, one valid token). Prints req/s, p50/p99 and
// the ratio service ÷ baseline. Set BENCH_STORE=redis://127.0.0.1:6379 to
// measure with Redis instead of the memory store; BENCH_SECONDS for duration.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONNECTIONS, freePort, load, row, start } from './bench-support.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const store = process.env.BENCH_STORE ?? 'memory://';


const dir = mkdtempSync(join(tmpdir(), 'chatwarden-bench-'));
const children = [];
try {
  const keysDir = join(dir, 'keys');
  const configPath = join(dir, 'chatwarden.yaml');
  const servicePort = await freePort();
  writeFileSync(
    configPath,
    [
      'publicUrl: http://127.0.0.1:' + servicePort,
      `store: ${store}`,
      `keysDir: ${keysDir}`,
      'logLevel: warn',
      'roles: { customer: [orders:read, account:read] }',
      'bots:',
      '  shop: { origins: [https://shop.example.com], actions: { orders.lookup: [orders:read] } }',
      '',
    ].join('\n'),
  );
  const cli = (...args) => JSON.parse(execFileSync(process.execPath, [join(root, 'dist/cli.js'), '--config', configPath, '--json', ...args], { env: { ...process.env, CHATWARDEN_LOG_LEVEL: 'warn' } }).toString());
  const { key } = cli('clients', 'add', 'bench', '--scopes', 'verify,issue');

  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  children.push(await start(join(root, 'dist/main.js'), { CHATWARDEN_CONFIG: configPath, PORT: String(servicePort), NODE_ENV: 'production' }, `${serviceUrl}/health/live`));
  const issued = await fetch(`${serviceUrl}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ bot: 'shop', subject: 'alice', roles: ['customer'] }),
  }).then((r) => r.json());

  const tokenKey = JSON.parse(readFileSync(join(keysDir, 'token-keys.json'), 'utf8')).keys[0].secret;
  const baselinePort = await freePort();
  children.push(await start(join(root, 'bench/baseline-server.js'), { PORT: String(baselinePort), BENCH_KEY: tokenKey }, `http://127.0.0.1:${baselinePort}/`));

  const body = JSON.stringify({ token: issued.token, bot: 'shop', action: 'orders.lookup' });
  const baseline = await load(`http://127.0.0.1:${baselinePort}/v1/verify/token`, body, {}, seconds);
  const service = await load(`${serviceUrl}/v1/verify/token`, body, { authorization: `Bearer ${key}` }, seconds);

  console.log(`\nverify-token, ${CONNECTIONS} connections, ${seconds} s, store ${store}`);
  console.log(row('baseline (Fastify + jose)', baseline));
  console.log(row('chatwarden', service));
  console.log(`ratio service / baseline: ${(service.rps / baseline.rps).toFixed(2)}  (target >= 1.5, p99 <= 10 ms)`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
