/**
 * Zoho ConvoKraft webhooks (docs.catalyst.zoho.com, ConvoKraft "Webhooks:
 * Response Format", case 2): `{"status":"execution","message":"…"}` shows the
 * message to the user. Replies must stay under 100 KB; the message is capped
 * far below that.
 */
import { displayText, type ReplyMessage, type VendorReply, type VendorReplyBuilder } from './vendor-reply.js';

const MAX_MESSAGE = 4000;

export class ConvokraftVendorReply implements VendorReplyBuilder {
  readonly vendor = 'convokraft';

  build(reply: ReplyMessage): VendorReply {
    return { status: 200, body: { status: 'execution', message: displayText(reply.message, MAX_MESSAGE) } };
  }
}
