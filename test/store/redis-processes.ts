/**
 * Throwaway Redis servers for the store's e2e tests: each test starts its own
 * redis-server processes on free loopback ports, so it can kill and restart
 * them or build a Cluster or Sentinel setup without touching a shared Redis.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inCi } from '../support/services.js';

const run = promisify(execFile);

/** True when redis-server and redis-cli are on PATH; loud skip outside CI, failure under CI=true. */
export function redisBinariesAvailable(): boolean {
  const found = ['redis-server', 'redis-cli'].every((binary) => spawnSync(binary, ['--version']).status === 0);
  if (found) return true;
  if (inCi) throw new Error('redis-server and redis-cli are required when CI=true but are not on PATH');
  console.warn('\n!!! redis-server / redis-cli are not on PATH: SKIPPING the tests that start their own Redis !!!\n');
  return false;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retries `attempt` until it resolves, or rethrows its last failure after `timeoutMs`. */
export async function eventually<T>(attempt: () => Promise<T>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(intervalMs);
    }
  }
}

/** Resolves once something on `port` answers PING with PONG (or NOAUTH, which proves a live server too). */
function answersPing(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      const reply = data.toString();
      if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) resolve();
      else reject(new Error(`unexpected reply ${reply}`));
    });
    socket.once('error', reject);
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('timeout'));
    });
  });
}

const running = new Set<ChildProcess>();
// If a test run dies before its afterAll, the servers must not outlive it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** One redis-server process that can be killed and started again on the same port. */
export class RedisServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  /** `configFile`, when given, goes first: redis-server reads it before any option. */
  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
    private readonly configFile?: string,
  ) {}

  async start(): Promise<void> {
    const args = [
      ...(this.configFile ? [this.configFile] : []),
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      ...this.extraArgs,
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(child);
    this.output = '';
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
    child.once('exit', () => running.delete(child));
    try {
      await eventually(() => answersPing(this.port), 10_000, 50);
    } catch {
      throw new Error(`redis-server on port ${this.port} did not start:\n${this.output}`);
    }
  }

  /** SIGSTOP: the server keeps its connections but answers nothing (a hung host or a partition). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** SIGKILL, like a crash: no goodbye to connected clients. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** redis-cli against a local port; resolves with its stdout. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

/** A Redis Cluster of `masters` masters and no replicas, in its own temp dir. */
export class RedisClusterProcesses {
  readonly nodes: RedisServerProcess[] = [];
  private dir: string | undefined;

  async start(masters = 3): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'chatwarden-cluster-'));
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const node = new RedisServerProcess(port, [
        '--cluster-enabled', 'yes',
        '--cluster-config-file', join(this.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout', '2000',
        '--dir', this.dir,
      ]);
      await node.start();
      this.nodes.push(node);
    }
    const addresses = this.nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    // Every node must agree all slots are served before keys can be used anywhere.
    for (const node of this.nodes) {
      await eventually(async () => {
        const info = await redisCli(node.port, 'cluster', 'info');
        if (!info.includes('cluster_state:ok')) throw new Error(`node ${node.port}: ${info}`);
      }, 20_000, 200);
    }
  }

  get ports(): number[] {
    return this.nodes.map((node) => node.port);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.kill()));
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

/** One Redis master watched by one Sentinel (quorum 1), in its own temp dir. */
export class RedisSentinelProcesses {
  master: RedisServerProcess | undefined;
  sentinel: RedisServerProcess | undefined;
  private dir: string | undefined;

  constructor(readonly masterName = 'mymaster') {}

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'chatwarden-sentinel-'));
    this.master = new RedisServerProcess(await freePort());
    await this.master.start();
    const sentinelPort = await freePort();
    // Sentinel rewrites its config file, so it needs one of its own.
    const config = join(this.dir, 'sentinel.conf');
    await writeFile(
      config,
      [
        `sentinel monitor ${this.masterName} 127.0.0.1 ${this.master.port} 1`,
        `sentinel down-after-milliseconds ${this.masterName} 5000`,
        '',
      ].join('\n'),
    );
    this.sentinel = new RedisServerProcess(sentinelPort, ['--sentinel', '--dir', this.dir], config);
    await this.sentinel.start();
    await eventually(async () => {
      const reply = await redisCli(sentinelPort, 'sentinel', 'get-master-addr-by-name', this.masterName);
      if (!reply.includes(String(this.master?.port))) throw new Error(reply);
    }, 10_000, 100);
  }

  async stop(): Promise<void> {
    await this.sentinel?.kill();
    await this.master?.kill();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
