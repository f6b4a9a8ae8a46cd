/**
 * Looks a name a caller sent (bot, action, role, SSO provider, vendor …) up
 * in a config record as an OWN key only. `record[name]` would also find what
 * every object inherits — `__proto__`, `constructor`, `toString`,
 * `hasOwnProperty` — and treat it as configured (SPEC.md "Errors for
 * integrators": those are unknown names, never a 500 or a minted token).
 */
export function ownEntry<T>(record: Readonly<Record<string, T>> | undefined, name: unknown): T | undefined {
  return record !== undefined && typeof name === 'string' && Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Whether `name` is an own key of `record` (same rule as ownEntry). */
export function hasOwnName(record: Readonly<Record<string, unknown>> | undefined, name: unknown): name is string {
  return record !== undefined && typeof name === 'string' && Object.hasOwn(record, name);
}
