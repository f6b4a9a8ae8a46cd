/**
 * The optional per-bot source address allow-list (`webhook.allowIps`),
 * e.g. Inbenta's static egress IP. Entries are CIDRs or single addresses,
 * IPv4 or IPv6; an IPv4-mapped IPv6 client address (`::ffff:203.0.113.9`)
 * is compared as the IPv4 address it carries.
 */
import ipaddr from 'ipaddr.js';

type Address = ReturnType<typeof ipaddr.parse>;
type Range = [Address, number];

/** The parsed range, or undefined when `entry` is neither a CIDR nor an address. */
export function parseAllowEntry(entry: string): Range | undefined {
  try {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const address = ipaddr.parse(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

/** True when `ip` lies in one of `entries`; an unparseable `ip` is never allowed. */
export function isIpAllowed(ip: string | undefined, entries: readonly string[]): boolean {
  if (!ip) return false;
  let address: Address;
  try {
    address = ipaddr.process(ip);
  } catch {
    return false;
  }
  return entries.some((entry) => {
    const range = parseAllowEntry(entry);
    if (!range) return false;
    let [network] = range;
    const [, bits] = range;
    // An IPv4 range also admits the IPv4-mapped form, already unwrapped above;
    // ipaddr's match() throws on mixed kinds, so compare like with like.
    if (network.kind() === 'ipv6' && (network as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
      network = (network as ipaddr.IPv6).toIPv4Address();
      return address.kind() === 'ipv4' && address.match(network, bits - 96);
    }
    return address.kind() === network.kind() && address.match(network, bits);
  });
}
