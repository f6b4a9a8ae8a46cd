// npm run bench — verify-token throughput of the built service against a bare
// Fastify + jose baseline measured in the same run, same machine, same load
// (autocannon, 32 connections, one valid token). Rounds alternate between
// the two servers and the medians are compared, so a burst of load from
// elsewhere on the shared machine does not decide the ratio; each round's own
// ratio is printed too (the spread is the machine's noise).
// BENCH_STORE=redis measures with Redis (REDIS_URL or 127.0.0.1:6379) instead
// of the memory store; BENCH_SECONDS sets each round's duration, BENCH_ROUNDS
// the number of rounds (default 3). Each server's CPU time per request (from
// the kernel's accounting) is printed too: unlike req/s, it does not move with
// the load generator sharing the cores.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchStore, CONNECTIONS, freePort, loadWithCpu, median, medianCpu, root, row, start, startBenchService } from './bench-support.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const store = benchStore();

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
  const baselineRuns = [];
  const serviceRuns = [];
  for (let round = 0; round < rounds; round++) {
    baselineRuns.push(await loadWithCpu(baselineServer.pid, `http://127.0.0.1:${baselinePort}/v1/verify/token`, body, {}, seconds));
    serviceRuns.push(await loadWithCpu(service.pid, `${service.url}/v1/verify/token`, body, { authorization: `Bearer ${key}` }, seconds));
  }
  const baseline = median(baselineRuns);
  const measured = median(serviceRuns);

  console.log(`\nverify-token, ${CONNECTIONS} connections, median of ${rounds} alternating ${seconds} s rounds, store ${store}`);
  console.log(row('baseline (Fastify + jose)', baseline));
  console.log(row('chatwarden', measured));
  console.log(`ratio service / baseline: ${(measured.rps / baseline.rps).toFixed(2)}  (target >= 1.5, p99 <= 10 ms)`);
  console.log(`per-round ratios: ${serviceRuns.map((run, i) => (run.rps / baselineRuns[i].rps).toFixed(2)).join(' ')}`);
  // The load generator shares the cores: CPU per request is each server's own cost, whatever else runs.
  console.log(`CPU per request, median: baseline ${medianCpu(baselineRuns).toFixed(0)} µs, chatwarden ${medianCpu(serviceRuns).toFixed(0)} µs (per round: ${serviceRuns.map((r) => r.cpuPerRequestUs.toFixed(0)).join(' ')})`);
} finally {
  baselineServer?.kill('SIGTERM');
  service.stop();
}
