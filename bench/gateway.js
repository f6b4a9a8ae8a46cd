// node bench/gateway.js (after npm run build) — the webhook gateway
// (POST /hooks/:bot/:action: Slack HMAC-SHA256 over a 2 KB body, the user
// token in it, permissions of the action, an ES256 Chatwarden-Assertion,
// forwarding) against a bare Fastify + @fastify/reply-from proxy with no
// checks, both in front of the same trivial upstream, same run, alternating
// rounds, 32 connections. Targets (issue 14): throughput ratio >= 0.7 and the
// gateway's added p99 <= 3 ms. Prints each round's figures so the shared
// machine's noise is in plain sight, and each server's CPU per request.
// BENCH_SECONDS sets each round's duration, BENCH_ROUNDS the rounds (default 5).
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { CONNECTIONS, freePort, loadWithCpu, median, root, row, start, startBenchService } from './bench-support.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const SECRET = 'bench-slack-signing-secret-5c19e0aa';

const upstreamPort = await freePort();
const upstream = await start(join(root, 'bench/gateway-upstream-server.js'), { PORT: String(upstreamPort) }, `http://127.0.0.1:${upstreamPort}/`);
let service;
let baselineServer;
try {
  service = await startBenchService({
    config: [
      'store: memory://',
      'roles: { customer: [orders:read] }',
      'bots:',
      '  shop:',
      '    origins: [https://shop.example.com]',
      '    actions: { orders.lookup: [orders:read] }',
      '    webhook: { scheme: slack, secrets: [{ env: BENCH_SLACK_SECRET }] }',
      `    gateway: { upstream: "http://127.0.0.1:${upstreamPort}/chat", timeoutSeconds: 4, audience: orders-handlers }`,
    ],
    env: { BENCH_SLACK_SECRET: SECRET },
    prepare: (cli) => {
      cli(['keys', 'rotate', '--signing']);
      return cli(['clients', 'add', 'bench-issuer', '--scopes', 'issue']);
    },
  });
  const issued = await fetch(`${service.url}/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${service.prepared.key}` },
    body: JSON.stringify({ bot: 'shop', subject: 'alice', roles: ['customer'] }),
  });
  if (issued.status !== 201) throw new Error(`token issue: ${issued.status} ${await issued.text()}`);
  const { token } = await issued.json();

  const baselinePort = await freePort();
  baselineServer = await start(join(root, 'bench/gateway-baseline-server.js'), { PORT: String(baselinePort), UPSTREAM: `http://127.0.0.1:${upstreamPort}` }, `http://127.0.0.1:${baselinePort}/`);

  // A 2 KB webhook body with the user token; Slack allows five minutes of skew, so one signature serves the run.
  const messages = Array.from({ length: 12 }, (_, i) => ({ id: `m-${i}`, text: `message ${i}: where is my order? ¿dónde está?` }));
  let body = JSON.stringify({ type: 'event_callback', user_token: token, event: { type: 'message', channel: 'C024BE91L' }, messages });
  body += ' '.repeat(Math.max(0, 2048 - Buffer.byteLength(body)));
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}` };

  const path = '/hooks/shop/orders.lookup';
  const probe = await fetch(`${service.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  if (probe.status !== 200) throw new Error(`gateway probe: ${probe.status} ${await probe.text()}`);

  const baselineRuns = [];
  const gatewayRuns = [];
  for (let round = 0; round < rounds; round++) {
    baselineRuns.push(await loadWithCpu(baselineServer.pid, `http://127.0.0.1:${baselinePort}${path}`, body, headers, seconds));
    gatewayRuns.push(await loadWithCpu(service.pid, `${service.url}${path}`, body, headers, seconds));
  }
  const baseline = median(baselineRuns);
  const measured = median(gatewayRuns);
  const p99 = (runs) => [...runs].map((r) => r.p99).sort((a, b) => a - b)[Math.floor(runs.length / 2)];

  console.log(`\nwebhook gateway (slack HMAC-SHA256, ${Buffer.byteLength(body)} B body, ES256 assertion), ${CONNECTIONS} connections, median of ${rounds} alternating ${seconds} s rounds`);
  console.log(row('baseline (Fastify+reply-from)', baseline));
  console.log(row('chatwarden gateway', measured));
  console.log(`throughput ratio gateway / baseline: ${(measured.rps / baseline.rps).toFixed(2)}  (target >= 0.7)`);
  console.log(`added p99 (median p99s): ${p99(gatewayRuns) - p99(baselineRuns)} ms  (target <= 3 ms)`);
  console.log(`per-round ratios: ${gatewayRuns.map((run, i) => (run.rps / baselineRuns[i].rps).toFixed(2)).join(' ')}`);
  console.log(`per-round p99 (ms): baseline ${baselineRuns.map((r) => r.p99).join(' ')} · gateway ${gatewayRuns.map((r) => r.p99).join(' ')}`);
  const cpu = (runs) => runs.map((run) => run.cpuPerRequestUs.toFixed(0)).join(' ');
  console.log(`CPU per request (µs), per round: baseline ${cpu(baselineRuns)} · gateway ${cpu(gatewayRuns)}`);
} finally {
  baselineServer?.kill('SIGTERM');
  service?.stop();
  upstream.kill('SIGTERM');
}
