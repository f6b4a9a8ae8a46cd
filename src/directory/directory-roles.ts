/**
 * Directory groups → chatwarden roles through `login.directory.roleMap`.
 * Only mapped groups count, and only roles configured under `roles` (as for
 * SSO): a group the operator did not map grants nothing. DNs are compared in
 * one spelling: lower case, no spaces around unescaped `,` `=` `+`, so
 * `CN=Support, OU=Groups,DC=example,DC=com` matches a roleMap key written
 * `cn=support,ou=groups,dc=example,dc=com`.
 */
export function directoryRoles(groups: string[], roleMap: Record<string, string>, configuredRoles: Record<string, string[]>): string[] {
  const byGroup = new Map(Object.entries(roleMap).map(([group, role]) => [normalizeDn(group), role]));
  const roles = new Set<string>();
  for (const group of groups) {
    const role = byGroup.get(normalizeDn(group));
    if (role !== undefined && Object.hasOwn(configuredRoles, role)) roles.add(role);
  }
  return [...roles].sort();
}

export function normalizeDn(dn: string): string {
  // An escaped separator (`\,`) or an escaped space stays as it is.
  return dn
    .trim()
    .replace(/(?<!\\)\s*([,=+])\s*/g, '$1')
    .toLowerCase();
}
