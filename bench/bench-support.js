// Shared by the benches: free ports, server processes, and one load run.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

export const CONNECTIONS = 32;

export const freePort = () =>
  new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

/** Starts a server process and resolves once `readyUrl` answers. */
export async function start(command, env, readyUrl) {
  const child = spawn(process.execPath, [command], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}`);
    const up = await fetch(readyUrl, { method: 'POST' }).then(() => true, () => false);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`${command} did not start`);
}

/** A 2 s warm-up (JIT, caches), then `seconds` of load; any non-2xx answer fails the bench. */
export async function load(url, body, headers, seconds) {
  const options = { url, method: 'POST', connections: CONNECTIONS, duration: seconds, body, headers: { 'content-type': 'application/json', ...headers } };
  await autocannon({ ...options, duration: 2 });
  const result = await autocannon(options);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

export const row = (name, r) => `${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms`;
