/**
 * Does Redis keep what chatwarden writes across a restart? Revocations,
 * logouts and lockouts live in Redis; a Redis that restarts from an older RDB
 * snapshot (or from nothing) brings revoked sessions back. Only the
 * append-only file with `appendfsync everysec` (or `always`) keeps them, so
 * the service warns at start when it is off (redis-persistence-check.ts;
 * docs/operations.md, "Redis persistence").
 *
 * Read with `CONFIG GET append*` where allowed; managed Redis services often
 * refuse CONFIG, and then `INFO persistence` (`aof_enabled`) answers whether
 * the append-only file is on, though not its fsync policy. When both are
 * refused the answer is `unknown`, and the warning says it could not check.
 */

/** Sends one keyless command to one Redis node. */
export type NodeCommandSender = (args: string[]) => Promise<unknown>;

export type PersistenceState = 'on' | 'off' | 'weak' | 'unknown';

export interface RedisPersistence {
  /** on: AOF with fsync everysec/always; weak: AOF with `appendfsync no`; off: no AOF; unknown: not readable. */
  state: PersistenceState;
  /** What was read, for the log line: e.g. `appendonly no`, `aof_enabled:0 (INFO persistence)`. */
  detail: string;
}

const RANK: Readonly<Record<PersistenceState, number>> = { on: 0, weak: 1, unknown: 2, off: 3 };

/** `CONFIG GET` replies: a flat name/value array (RESP2) or a map (RESP3). */
function configEntries(reply: unknown): Map<string, string> {
  const entries = new Map<string, string>();
  if (Array.isArray(reply)) {
    for (let index = 0; index + 1 < reply.length; index += 2) entries.set(String(reply[index]), String(reply[index + 1]));
  } else if (reply instanceof Map) {
    for (const [name, value] of reply) entries.set(String(name), String(value));
  } else if (typeof reply === 'object' && reply !== null) {
    for (const [name, value] of Object.entries(reply)) entries.set(name, String(value));
  }
  return entries;
}

async function nodePersistence(send: NodeCommandSender): Promise<RedisPersistence> {
  try {
    const config = configEntries(await send(['CONFIG', 'GET', 'append*']));
    const appendonly = config.get('appendonly');
    if (appendonly === 'no') return { state: 'off', detail: 'appendonly no' };
    if (appendonly === 'yes') {
      const fsync = config.get('appendfsync') ?? 'everysec';
      return fsync === 'no' ? { state: 'weak', detail: 'appendonly yes, appendfsync no' } : { state: 'on', detail: `appendonly yes, appendfsync ${fsync}` };
    }
  } catch {
    // CONFIG renamed, disabled or not allowed for this user: ask INFO instead.
  }
  try {
    const info = String(await send(['INFO', 'persistence']));
    const enabled = /^aof_enabled:(\d)/m.exec(info)?.[1];
    if (enabled === '0') return { state: 'off', detail: 'aof_enabled:0 (INFO persistence; CONFIG refused)' };
    if (enabled === '1') return { state: 'on', detail: 'aof_enabled:1 (INFO persistence; CONFIG refused, fsync policy not readable)' };
  } catch {
    // Neither is allowed: say so rather than guess.
  }
  return { state: 'unknown', detail: 'CONFIG GET and INFO persistence were both refused' };
}

/** The weakest persistence among the nodes that hold data. */
export async function readPersistence(nodes: readonly NodeCommandSender[]): Promise<RedisPersistence> {
  const reports = await Promise.all(nodes.map(nodePersistence));
  return reports.reduce<RedisPersistence>((worst, report) => (RANK[report.state] > RANK[worst.state] ? report : worst), {
    state: 'on',
    detail: 'no data node',
  });
}

/** The one start-up log line for a persistence that can lose revocations, or undefined when it is fine. */
export function persistenceWarning(persistence: RedisPersistence): string | undefined {
  const fix = 'run Redis with --appendonly yes --appendfsync everysec (docs/operations.md, "Redis persistence")';
  switch (persistence.state) {
    case 'on':
      return undefined;
    case 'off':
      return `Redis persistence is off (${persistence.detail}): after a Redis restart revoked sessions can come back; ${fix}`;
    case 'weak':
      return `Redis fsyncs its append-only file only when the OS decides (${persistence.detail}): a crash can lose recent revocations; ${fix}`;
    case 'unknown':
      return `Redis persistence could not be checked (${persistence.detail}): make sure the append-only file is on, or revoked sessions can come back after a Redis restart; ${fix}`;
  }
}
