// npm run bench — verify-token throughput of the built service against a bare
// Fastify + jose baseline measured in the same run, same machine, same load
// (autocannon, 32 connections, one valid token). Prints req/s, p50/p99 and
// the ratio service ÷ baseline. Set BENCH_STORE=redis://127.0.0.1:6379 to
// measure with Redis instead of the memory store; BENCH_SECONDS for duration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONNECTIONS, freePort, load, root, row, start, startBenchService } from './bench-support.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const store = process.env.BENCH_STORE ?? 'memory://';

const service = await startBenchService({
  config: [`store: ${store}`, 'roles: { customer: [orders:read, account:read] }', 'bots:', '  shop: { origins: [https://shop.example.com], actions: { orders.lookup: [orders:read] } }'],
  prepare: (cli) => cli(['clients', 'add', 'bench', '--scopes', 'verify,issue']),
});
let baselineServer;
try {
  const { key } = service.prepared;
  const issued = await fetch(`${service.url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ bot: 'shop', subject: 'alice', roles: ['customer'] }),
  }).then((r) => r.json());

  const tokenKey = JSON.parse(readFileSync(join(service.keysDir, 'token-keys.json'), 'utf8')).keys[0].secret;
  const baselinePort = await freePort();
  baselineServer = await start(join(root, 'bench/baseline-server.js'), { PORT: String(baselinePort), BENCH_KEY: tokenKey }, `http://127.0.0.1:${baselinePort}/`);

  const body = JSON.stringify({ token: issued.token, bot: 'shop', action: 'orders.lookup' });
  const baseline = await load(`http://127.0.0.1:${baselinePort}/v1/verify/token`, body, {}, seconds);
  const measured = await load(`${service.url}/v1/verify/token`, body, { authorization: `Bearer ${key}` }, seconds);

  console.log(`\nverify-token, ${CONNECTIONS} connections, ${seconds} s, store ${store}`);
  console.log(row('baseline (Fastify + jose)', baseline));
  console.log(row('chatwarden', measured));
  console.log(`ratio service / baseline: ${(measured.rps / baseline.rps).toFixed(2)}  (target >= 1.5, p99 <= 10 ms)`);
} finally {
  baselineServer?.kill('SIGTERM');
  service.stop();
}
