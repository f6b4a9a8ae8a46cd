// Shared by the benches: free ports, server processes, the built service
// with a config of its own, and one load run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

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
  // Generous: a loaded 2-core machine can take many seconds to boot a service.
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}`);
    const up = await fetch(readyUrl, { method: 'POST' }).then(() => true, () => false);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`${command} did not start`);
}

/**
 * The built service (dist/) in production mode on a free port, with a config
 * and keys dir of its own in a temporary directory: `config` holds the YAML
 * lines after publicUrl, keysDir and logLevel; `prepare(cli)` runs CLI
 * commands (`cli(args, stdin)` answers their --json output) before the
 * service starts, and what it returns is handed back. `env` reaches the CLI
 * and the service. `anotherInstance()` starts a second instance sharing it
 * all and answers its URL. `stop()` ends them and removes the directory.
 */
export async function startBenchService({ config, env = {}, logLevel = 'warn', prepare = () => ({}) }) {
  const dir = mkdtempSync(join(tmpdir(), 'chatwarden-bench-'));
  try {
    const port = await freePort();
    const keysDir = join(dir, 'keys');
    const configPath = join(dir, 'chatwarden.yaml');
    writeFileSync(configPath, [`publicUrl: http://127.0.0.1:${port}`, `keysDir: ${keysDir}`, `logLevel: ${logLevel}`, ...config, ''].join('\n'));
    const cli = (args, input) =>
      JSON.parse(
        execFileSync(process.execPath, [join(root, 'dist/cli.js'), '--config', configPath, '--json', ...args], {
          input,
          env: { ...process.env, ...env, CHATWARDEN_LOG_LEVEL: 'warn' },
        }).toString(),
      );
    const prepared = prepare(cli);
    const instances = [];
    /** Starts one more instance of the same service (same config, keys dir and store) on a port of its own. */
    const startInstance = async (instancePort) => {
      const url = `http://127.0.0.1:${instancePort}`;
      instances.push(await start(join(root, 'dist/main.js'), { ...env, CHATWARDEN_CONFIG: configPath, PORT: String(instancePort), NODE_ENV: 'production' }, `${url}/health/live`));
      return url;
    };
    const url = await startInstance(port);
    const stop = () => {
      for (const child of instances) child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    };
    return { url, pid: instances[0].pid, keysDir, prepared, stop, anotherInstance: async () => startInstance(await freePort()) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A 2 s warm-up (JIT, caches), then `seconds` of load; any non-2xx answer fails the bench. */
export async function load(url, body, headers, seconds, afterWarmUp = () => undefined) {
  const options = { url, method: 'POST', connections: CONNECTIONS, duration: seconds, body, headers: { 'content-type': 'application/json', ...headers } };
  await autocannon({ ...options, duration: 2 });
  afterWarmUp();
  const result = await autocannon(options);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/**
 * CPU seconds (user + system) a process has used so far, from the kernel's own
 * accounting (/proc/PID/stat, in clock ticks of 1/100 s on Linux).
 */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ": state is field 3, so utime (14) and stime (15) sit at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** `load()` that also reports the server's CPU time per request (µs) over the measured run, warm-up excluded. */
export async function loadWithCpu(pid, url, body, headers, seconds) {
  let before = 0;
  const result = await load(url, body, headers, seconds, () => {
    before = cpuSeconds(pid);
  });
  const cpuPerRequestUs = ((cpuSeconds(pid) - before) / (result.rps * seconds)) * 1e6;
  return { ...result, cpuPerRequestUs };
}

/** The median CPU time per request (µs) of runs made with loadWithCpu. */
export function medianCpu(runs) {
  return [...runs].map((run) => run.cpuPerRequestUs).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
}

/** The run with the median throughput. */
export function median(runs) {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)];
}

/**
 * BENCH_STORE: `memory` (default), `redis` (REDIS_URL or redis://127.0.0.1:6379)
 * or any store URL the service accepts.
 */
export function benchStore() {
  const chosen = process.env.BENCH_STORE ?? 'memory';
  if (chosen === 'memory') return 'memory://';
  if (chosen === 'redis') return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  return chosen;
}

export const row = (name, r) => `${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms`;
