/**
 * ChatBot.com webhooks (chatbot.com/docs/webhooks): the reply is
 * `{"responses":[{"type":"text","message":"…"}],"attributes":{…}}`; a text
 * message is 1 to 1024 characters. Failures use the same shape so the
 * sentence is shown; `attributes` let the story branch on the result.
 */
import { displayText, type ReplyMessage, type VendorReply, type VendorReplyBuilder } from './vendor-reply.js';

const MAX_MESSAGE = 1024;

export class ChatbotcomVendorReply implements VendorReplyBuilder {
  readonly vendor = 'chatbotcom';

  build(reply: ReplyMessage): VendorReply {
    const message = displayText(reply.message, MAX_MESSAGE);
    const body: Record<string, unknown> = {};
    if (message !== '') body.responses = [{ type: 'text', message }];
    if (reply.attributes && Object.keys(reply.attributes).length > 0) body.attributes = { ...reply.attributes };
    return { status: 200, body };
  }
}
