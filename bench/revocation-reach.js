// node bench/revocation-reach.js (after npm run build; npm run bench runs it
// when BENCH_STORE=redis) — how long a revocation takes to reach another
// instance. Two instances share one Redis; for each sample a token is issued
// on A and verified on B until B holds the session locally, then the session
// is revoked on A and B is polled until it refuses the token. Prints the
// median, p90 and the worst of BENCH_SAMPLES samples (default 50), in ms from
// the revoke's answer to B's first refusal (each poll is one verify round trip
// over loopback, so the figure includes one request's latency), and how often
// the very first poll after the revoke was already refused.
import { benchStore, startBenchService } from './bench-support.js';

const samples = Number(process.env.BENCH_SAMPLES ?? 50);
const store = benchStore();
if (store === 'memory://') {
  console.log('\nrevocation reach: needs a shared store (BENCH_STORE=redis); skipped with memory://');
  process.exit(0);
}

const service = await startBenchService({
  config: [`store: ${store}`, 'roles: { customer: [orders:read] }', 'bots:', '  shop: { origins: [https://shop.example.com], actions: { orders.lookup: [orders:read] } }'],
  prepare: (cli) => cli(['clients', 'add', 'bench', '--scopes', 'verify,issue,revoke']),
});
try {
  const { key } = service.prepared;
  const a = service.url;
  const b = await service.anotherInstance();
  const call = (url, path, body) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const reach = [];
  let refusedAtFirstPoll = 0;
  for (let sample = 0; sample < samples; sample++) {
    const issued = await call(a, '/v1/tokens', { bot: 'shop', subject: `reach-${sample}`, roles: ['customer'] }).then((r) => r.json());
    // Several verifies on B, so B answers from its local copy of the session.
    for (let i = 0; i < 5; i++) {
      const answer = await call(b, '/v1/verify/token', { token: issued.token, bot: 'shop' });
      if (answer.status !== 200) throw new Error(`verify on B answered ${answer.status} before the revoke`);
    }
    const revoked = await call(a, '/v1/sessions/revoke', { sessionId: issued.sessionId });
    if (revoked.status !== 200) throw new Error(`revoke on A answered ${revoked.status}`);
    const revokedAt = performance.now();
    for (let polls = 0; ; polls++) {
      const answer = await call(b, '/v1/verify/token', { token: issued.token, bot: 'shop' });
      if (answer.status === 401) {
        if (polls === 0) refusedAtFirstPoll++;
        break;
      }
      if (polls > 10_000) throw new Error('B never refused the revoked session');
    }
    reach.push(performance.now() - revokedAt);
  }
  reach.sort((x, y) => x - y);
  const at = (q) => reach[Math.min(reach.length - 1, Math.floor(q * reach.length))].toFixed(1);
  console.log(`\nrevocation reach (revoke on A, poll B), ${samples} samples, store ${store}`);
  console.log(`median ${at(0.5)} ms   p90 ${at(0.9)} ms   worst ${reach.at(-1).toFixed(1)} ms   refused at the first poll: ${refusedAtFirstPoll}/${samples}`);
} finally {
  service.stop();
}
