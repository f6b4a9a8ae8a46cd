// node bench/startup.js (after npm run build; npm run bench runs it) — time
// from process start to the first answer of GET /health/live, and resident
// memory once idle, for the built service (production mode, memory store,
// one bot) against a bare NestJS + Fastify app with one route, alternating
// BENCH_STARTS times (default 5). Prints the median and the spread of each.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, root, startBenchService } from './bench-support.js';

const starts = Number(process.env.BENCH_STARTS ?? 5);

/** Resident set size of a process (MiB), from /proc. */
function rssMiB(pid) {
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return kib / 1024;
}

/** Starts `command`, answers { readyMs, rssMiB } once /health/live answers and the process has idled for a second. */
async function measure(command, env) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [command], { env: { ...process.env, ...env, PORT: String(port) }, stdio: 'ignore' });
  try {
    for (const deadline = Date.now() + 60_000; ; ) {
      if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`${command} did not start`);
      const ok = await fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1000));
    return { readyMs, rssMiB: rssMiB(child.pid) };
  } finally {
    child.kill('SIGTERM');
  }
}

const summary = (values, unit) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ${unit} (${sorted[0].toFixed(0)}–${sorted.at(-1).toFixed(0)})`;
};

// The service's config and keys dir, prepared once; the first instance is only there to create them.
const service = await startBenchService({
  config: ['store: memory://', 'roles: { customer: [orders:read] }', 'bots:', '  shop: { origins: [https://shop.example.com], actions: { orders.lookup: [orders:read] } }'],
});
try {
  const configPath = join(service.keysDir, '..', 'chatwarden.yaml');
  const bare = [];
  const chatwarden = [];
  for (let i = 0; i < starts; i++) {
    bare.push(await measure(join(root, 'bench/bare-nest-server.js'), {}));
    chatwarden.push(await measure(join(root, 'dist/main.js'), { CHATWARDEN_CONFIG: configPath, NODE_ENV: 'production' }));
  }
  console.log(`\nstart-up to first answer and idle RSS, ${starts} alternating starts`);
  console.log(`bare NestJS + Fastify   ready ${summary(bare.map((r) => r.readyMs), 'ms')}   RSS ${summary(bare.map((r) => r.rssMiB), 'MiB')}`);
  console.log(`chatwarden              ready ${summary(chatwarden.map((r) => r.readyMs), 'ms')}   RSS ${summary(chatwarden.map((r) => r.rssMiB), 'MiB')}`);
} finally {
  service.stop();
}
