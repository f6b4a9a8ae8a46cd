// node bench/signature.js (npm run bench runs it after bench/run.js) —
// verify-signature throughput of the built service for an HMAC scheme
// (Slack: HMAC-SHA256 over `v0:{timestamp}:{body}`) with a 2 KB body, against
// a bare Fastify handler doing the same required work (API-key check, HMAC,
// timestamp window, JSON answer), measured in the same run, same machine,
// same load (autocannon, 32 connections). Prints req/s, p50/p99, the ratio
// service ÷ baseline and each round's own ratio (the spread is the machine's
// noise), and each server's CPU time per request from the kernel's
// accounting: the load generator shares the cores, so req/s alone swings with
// it, while CPU per request is the server's own cost. BENCH_SECONDS sets each round's duration,
// BENCH_ROUNDS the number of rounds (default 5).
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { CONNECTIONS, freePort, loadWithCpu, median, medianCpu, root, row, start, startBenchService } from './bench-support.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const SECRET = 'bench-slack-signing-secret-8f2a61c0';

/** A webhook body of about 2 KB, as a chat vendor would send it. */
function webhookBody() {
  const messages = Array.from({ length: 12 }, (_, i) => ({ id: `m-${i}`, user: 'U024BE7LH', text: `message ${i}: where is my order? ¿dónde está?` }));
  const body = JSON.stringify({ type: 'event_callback', team_id: 'T024BE7LD', api_app_id: 'A0123456', event: { type: 'message', channel: 'C024BE91L' }, messages });
  return body + ' '.repeat(Math.max(0, 2048 - Buffer.byteLength(body)));
}

const service = await startBenchService({
  config: ['store: memory://', 'bots:', '  shop:', '    origins: [https://shop.example.com]', '    webhook: { scheme: slack, secrets: [{ env: BENCH_SLACK_SECRET }] }'],
  env: { BENCH_SLACK_SECRET: SECRET },
  prepare: (cli) => cli(['clients', 'add', 'bench', '--scopes', 'verify']),
});
let baselineServer;
try {
  const { key } = service.prepared;
  const serviceUrl = service.url;
  const baselinePort = await freePort();
  baselineServer = await start(join(root, 'bench/signature-baseline-server.js'), { PORT: String(baselinePort), BENCH_SECRET: SECRET, BENCH_API_KEY: key }, `http://127.0.0.1:${baselinePort}/`);

  // Slack allows five minutes of skew: one signed request serves the whole run.
  const body = webhookBody();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const request = JSON.stringify({
    bot: 'shop',
    headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
    body,
  });
  // Rounds alternate between the two servers and the medians are compared,
  // so a burst of load from elsewhere on the machine does not decide the ratio.
  const baselineRuns = [];
  const serviceRuns = [];
  for (let round = 0; round < rounds; round++) {
    baselineRuns.push(await loadWithCpu(baselineServer.pid, `http://127.0.0.1:${baselinePort}/v1/verify/signature`, request, { authorization: `Bearer ${key}` }, seconds));
    serviceRuns.push(await loadWithCpu(service.pid, `${serviceUrl}/v1/verify/signature`, request, { authorization: `Bearer ${key}` }, seconds));
  }
  const baseline = median(baselineRuns);
  const measured = median(serviceRuns);

  console.log(`\nverify-signature (slack HMAC-SHA256, ${Buffer.byteLength(body)} B body), ${CONNECTIONS} connections, median of ${rounds} alternating ${seconds} s rounds`);
  console.log(row('baseline (Fastify + HMAC)', baseline));
  console.log(row('chatwarden', measured));
  console.log(`ratio service / baseline: ${(measured.rps / baseline.rps).toFixed(2)}  (target >= 0.8)`);
  // The shared machine's noise, in plain sight: each round's ratio to the baseline round just before it.
  console.log(`per-round ratios: ${serviceRuns.map((run, i) => (run.rps / baselineRuns[i].rps).toFixed(2)).join(' ')}`);
  const cpu = (runs) => runs.map((run) => run.cpuPerRequestUs.toFixed(0)).join(' ');
  console.log(`CPU per request (µs), per round: baseline ${cpu(baselineRuns)} · chatwarden ${cpu(serviceRuns)}`);
  console.log(`CPU per request, median: baseline ${medianCpu(baselineRuns).toFixed(0)} µs, chatwarden ${medianCpu(serviceRuns).toFixed(0)} µs, ratio baseline / service ${(medianCpu(baselineRuns) / medianCpu(serviceRuns)).toFixed(2)}  (target >= 0.8)`);
} finally {
  baselineServer?.kill('SIGTERM');
  service.stop();
}
