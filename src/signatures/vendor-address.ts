/**
 * The address a webhook came from, for `allowIps`. chatwarden does not see
 * the vendor's connection: the webhook handler does, and reports the peer
 * address of its socket as `clientIp` along with the headers it received.
 * When that peer is one of the `trustProxy` hops (the handler sits behind the
 * same load balancer as chatwarden), X-Forwarded-For is walked from the
 * right, past every trusted hop, exactly as chatwarden treats its own
 * callers; the first untrusted address is the vendor's. An entry that is not
 * an address stops the walk and, not being an address, is never allowed.
 */
import type { SignedRequest } from './signature-verifier.js';

const MAX_HOPS = 32;

function forwardedFor(headers: SignedRequest['headers']): string[] {
  const hops: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'x-forwarded-for' || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') hops.push(...item.split(',').map((hop) => hop.trim()));
    }
  }
  return hops.filter(Boolean);
}

export function vendorAddress(peer: string, headers: SignedRequest['headers'], trusted: (address: string, hop: number) => boolean): string {
  const hops = forwardedFor(headers);
  let address = peer;
  for (let hop = 0; hop < MAX_HOPS && hops.length > 0 && trusted(address, hop); hop++) address = hops.pop() as string;
  return address;
}
