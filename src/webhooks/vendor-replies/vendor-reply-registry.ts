/**
 * Vendor reply builders by vendor name (the `chat.vendor` / scheme names of
 * VENDORS.md), provided under the VENDOR_REPLIES token.
 */
import type { Provider } from '@nestjs/common';
import { ChatbotcomVendorReply } from './chatbotcom.vendor-reply.js';
import { ConvokraftVendorReply } from './convokraft.vendor-reply.js';
import { InbentaVendorReply } from './inbenta.vendor-reply.js';
import type { ReplyMessage, VendorReply, VendorReplyBuilder } from './vendor-reply.js';

export type VendorReplyRegistry = ReadonlyMap<string, VendorReplyBuilder>;

/** The vendors whose reply format is known: the values `/v1/verify/webhook` accepts as `reply`. */
export const REPLY_VENDORS = ['inbenta', 'chatbotcom', 'convokraft'] as const;
export type ReplyVendor = (typeof REPLY_VENDORS)[number];

export const VENDOR_REPLIES = Symbol('VENDOR_REPLIES');

export function createVendorReplyRegistry(
  builders: readonly VendorReplyBuilder[] = [new InbentaVendorReply(), new ChatbotcomVendorReply(), new ConvokraftVendorReply()],
): VendorReplyRegistry {
  return new Map(builders.map((builder) => [builder.vendor, builder]));
}

const defaultRegistry = createVendorReplyRegistry();

/** The vendor-shaped reply, or undefined for a vendor without a known format (the caller sends its generic JSON). */
export function buildVendorReply(vendor: string, reply: ReplyMessage, registry: VendorReplyRegistry = defaultRegistry): VendorReply | undefined {
  return registry.get(vendor)?.build(reply);
}

export const vendorReplyRegistryProvider: Provider = {
  provide: VENDOR_REPLIES,
  useFactory: (): VendorReplyRegistry => createVendorReplyRegistry(),
};
