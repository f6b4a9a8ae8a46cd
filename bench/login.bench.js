// node bench/login.bench.js (after npm run build) — password logins against
// the built service in its own process:
//  1. argon2id verifies per second on one thread (the per-core figure);
//  2. full password logins per second (GET /login for a form token, then
//     POST /login), LOGIN_CONCURRENCY at a time;
//  3. verify-token latency (autocannon, 10 connections) idle, then while the
//     logins of step 2 run: hashing runs on the libuv pool, so the event loop
//     that answers verify must stay responsive.
// BENCH_SECONDS sets each phase's duration (default 10).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import autocannon from 'autocannon';
import { root, startBenchService } from './bench-support.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const loginConcurrency = Number(process.env.LOGIN_CONCURRENCY ?? 8);
const ORIGIN = 'https://shop.example.com';
const PASSWORD = 'correct horse battery staple';
// The service's own parameters (argon2id, OWASP: m=19456 KiB, t=2, p=1), from the build.
const { PASSWORD_HASH_OPTIONS: ARGON2 } = await import(join(root, 'dist/users/password-hasher.js'));

async function argon2PerThread() {
  const encoded = await hash(PASSWORD, ARGON2);
  const until = Date.now() + Math.min(seconds, 5) * 1000;
  let count = 0;
  while (Date.now() < until) {
    await verify(encoded, PASSWORD);
    count++;
  }
  return count / Math.min(seconds, 5);
}

async function loginOnce(url) {
  const page = await fetch(`${url}/login?bot=shop&origin=${encodeURIComponent(ORIGIN)}&mode=popup`).then((r) => r.text());
  const formToken = /name="formToken" value="([^"]+)"/.exec(page)[1];
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ formToken, username: 'bench', password: PASSWORD }).toString(),
  });
  const html = await response.text();
  if (response.status !== 200 || !html.includes('id="result"')) throw new Error(`login failed with ${response.status}`);
}

async function logins(url, durationSeconds) {
  const until = Date.now() + durationSeconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: loginConcurrency }, async () => {
      while (Date.now() < until) {
        await loginOnce(url);
        count++;
      }
    }),
  );
  return count / durationSeconds;
}

function verifyLoad(url, body, key, duration) {
  return autocannon({
    url: `${url}/v1/verify/token`,
    method: 'POST',
    connections: 10,
    duration,
    body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  }).then((result) => {
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`verify: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max };
  });
}

const service = await startBenchService({
  logLevel: 'info',
  config: [
    'store: memory://',
    'login: { local: true, lockout: { maxFailures: 5, windowSeconds: 900, banSeconds: 900 } }',
    'roles: { customer: [orders:read, account:read] }',
    'bots:',
    `  shop: { origins: [${ORIGIN}], actions: { orders.lookup: [orders:read] } }`,
  ],
  prepare: (cli) => {
    cli(['users', 'add', 'bench', '--roles', 'customer', '--password-stdin'], PASSWORD);
    return cli(['clients', 'add', 'bench', '--scopes', 'verify,issue']);
  },
});
try {
  const { url } = service;
  const { key } = service.prepared;
  const issued = await fetch(`${url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ bot: 'shop', subject: 'alice', roles: ['customer'] }),
  }).then((r) => r.json());
  const body = JSON.stringify({ token: issued.token, bot: 'shop', action: 'orders.lookup' });

  const perThread = await argon2PerThread();
  await logins(url, 2); // warm-up
  const loginRate = await logins(url, seconds);
  await verifyLoad(url, body, key, 2); // warm-up
  const idle = await verifyLoad(url, body, key, seconds);
  const [busy, concurrentLogins] = await Promise.all([verifyLoad(url, body, key, seconds), logins(url, seconds)]);

  const cores = availableParallelism();
  const row = (name, r) => `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   max ${String(r.max).padStart(4)} ms`;
  console.log(`\nargon2id m=19456 KiB t=2 p=1, ${cores} cores, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}, ${seconds} s per phase`);
  console.log(`argon2id verifies on one thread      ${perThread.toFixed(1)} /s   (per-core figure; target >= 30)`);
  console.log(`password logins (${loginConcurrency} concurrent)       ${loginRate.toFixed(1)} /s   (GET /login + POST /login, whole service)`);
  console.log(row('verify-token, idle', idle));
  console.log(row(`verify-token, logins running`, busy));
  console.log(`logins during that phase             ${concurrentLogins.toFixed(1)} /s`);
  console.log(`p99 ratio busy / idle: ${(busy.p99 / Math.max(idle.p99, 1)).toFixed(2)}`);
} finally {
  service.stop();
}
