/**
 * Provider claim values → chatwarden roles. Only values listed in the
 * provider's `roleMap` count, and only roles configured under `roles`; any
 * other value (a group we do not know) is ignored, so an identity provider
 * can never grant a permission the operator did not map.
 */
export function mapRoles(
  claimValue: unknown,
  roleMap: Record<string, string> | undefined,
  configuredRoles: Record<string, string[]>,
): string[] {
  if (!roleMap) return [];
  // Providers send groups as an array; some send a single value as a string.
  const values = Array.isArray(claimValue) ? claimValue : [claimValue];
  const roles = new Set<string>();
  for (const value of values) {
    if (typeof value !== 'string' || !Object.hasOwn(roleMap, value)) continue;
    const role = roleMap[value];
    if (Object.hasOwn(configuredRoles, role)) roles.add(role);
  }
  return [...roles].sort();
}
