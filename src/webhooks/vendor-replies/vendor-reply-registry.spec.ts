import { ChatbotcomVendorReply } from './chatbotcom.vendor-reply.js';
import { ConvokraftVendorReply } from './convokraft.vendor-reply.js';
import { InbentaVendorReply } from './inbenta.vendor-reply.js';
import { buildVendorReply, createVendorReplyRegistry } from './vendor-reply-registry.js';
import { displayText } from './vendor-reply.js';

const LOGIN = 'Please log in again to see your orders.';

describe('vendor replies', () => {
  it('Inbenta: status success / error with chatbot_response', () => {
    const inbenta = new InbentaVendorReply();
    expect(inbenta.build({ outcome: 'success', message: 'Done.' })).toEqual({
      status: 200,
      body: { status: 'success', chatbot_response: 'Done.' },
    });
    expect(inbenta.build({ outcome: 'failure', message: LOGIN })).toEqual({
      status: 200,
      body: { status: 'error', chatbot_response: LOGIN },
    });
  });

  it('ChatBot.com: a text response, plus attributes when given', () => {
    const chatbot = new ChatbotcomVendorReply();
    expect(chatbot.build({ outcome: 'failure', message: LOGIN, attributes: { chatwarden_error: 'token_expired' } })).toEqual({
      status: 200,
      body: { responses: [{ type: 'text', message: LOGIN }], attributes: { chatwarden_error: 'token_expired' } },
    });
    expect(chatbot.build({ outcome: 'success', message: '', attributes: { ok: 'yes' } }).body).toEqual({ attributes: { ok: 'yes' } });
  });

  it('ChatBot.com: messages are cut to 1024 characters', () => {
    const body = new ChatbotcomVendorReply().build({ outcome: 'success', message: 'x'.repeat(5000) }).body as {
      responses: { message: string }[];
    };
    expect(Array.from(body.responses[0]?.message ?? '')).toHaveLength(1024);
  });

  it('ConvoKraft: status execution with the message', () => {
    expect(new ConvokraftVendorReply().build({ outcome: 'failure', message: LOGIN })).toEqual({
      status: 200,
      body: { status: 'execution', message: LOGIN },
    });
    const huge = new ConvokraftVendorReply().build({ outcome: 'failure', message: 'é'.repeat(200_000) });
    expect(Buffer.byteLength(JSON.stringify(huge.body))).toBeLessThan(100 * 1024);
  });

  it('strips control characters and cuts at code points', () => {
    expect(displayText('a\u0000b\u001bc\nd', 100)).toBe('abc\nd');
    expect(displayText('😀😀😀', 2)).toBe('😀…');
  });

  it('looks builders up by vendor name', () => {
    expect([...createVendorReplyRegistry().keys()].sort()).toEqual(['chatbotcom', 'convokraft', 'inbenta']);
    expect(buildVendorReply('inbenta', { outcome: 'success', message: 'hi' })?.body).toEqual({ status: 'success', chatbot_response: 'hi' });
    expect(buildVendorReply('unknown', { outcome: 'success', message: 'hi' })).toBeUndefined();
  });
});
