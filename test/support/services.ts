/**
 * Tests that need a real Redis or Chromium run against the real thing.
 * Outside CI a missing dependency is reported loudly and the suite is skipped;
 * with CI=true it is a failure, so CI can never pass by skipping.
 */
import { createConnection } from 'node:net';
import { existsSync } from 'node:fs';

export const inCi = process.env.CI === 'true';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function portAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function missing(what: string): false {
  if (inCi) throw new Error(`${what} is required when CI=true but is not available`);
  console.warn(`\n!!! ${what} is not available: SKIPPING the tests that need it !!!\n`);
  return false;
}

/** True when Redis answers at REDIS_URL (default 127.0.0.1:6379). */
export async function redisAvailable(): Promise<boolean> {
  return (await portAnswers(redisUrl)) || missing(`Redis at ${redisUrl}`);
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when Debian's Chromium is installed. */
export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath) || missing(`Chromium at ${chromiumPath}`);
}
