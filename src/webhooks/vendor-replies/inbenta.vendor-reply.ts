/**
 * Inbenta action webhooks (developers.inbenta.io, "Understanding webhooks"):
 * success is `{"status":"success","chatbot_response":"<text>"}`. On failure
 * we answer `"status":"error"` with the same `chatbot_response`: an error
 * status makes a webhook inside a dialog end that dialog, which is what a
 * refused action should do. The error reply's exact shape is UNCONFIRMED.
 */
import { displayText, type ReplyMessage, type VendorReply, type VendorReplyBuilder } from './vendor-reply.js';

const MAX_TEXT = 2000;

export class InbentaVendorReply implements VendorReplyBuilder {
  readonly vendor = 'inbenta';

  build(reply: ReplyMessage): VendorReply {
    return {
      status: 200,
      body: {
        status: reply.outcome === 'success' ? 'success' : 'error',
        chatbot_response: displayText(reply.message, MAX_TEXT),
      },
    };
  }
}
