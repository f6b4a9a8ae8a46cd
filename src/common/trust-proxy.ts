import ipaddr from 'ipaddr.js';

/**
 * `trustProxy` CIDRs → Fastify's trust function: X-Forwarded-For is believed
 * only from these hops, so a client cannot pick its own IP for lockout or
 * allow-lists.
 */
export function trustProxyFunction(cidrs: string[]): (address: string, hop: number) => boolean {
  const ranges = cidrs.map((cidr) => ipaddr.parseCIDR(cidr));
  return (address) => {
    if (ranges.length === 0 || !ipaddr.isValid(address)) return false;
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    return ranges.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
  };
}
