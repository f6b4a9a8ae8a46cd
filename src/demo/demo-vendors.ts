/**
 * The /demo vendor picker's bots and credentials (dev mode only). One bot per
 * vendor, because a bot has one webhook scheme: `demo-<vendor>` logs in with
 * that vendor's widget and its webhooks are checked the vendor's way.
 *
 * Both the mock vendor (which signs the webhook) and chatwarden (which checks
 * it) live in this one dev process, so the credentials are made at random
 * when the process first needs them and kept in memory only: never printed,
 * never written, never sent to the browser. Nothing outside the demo can use
 * them, and a restart makes new ones.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/** The vendors the picker offers; `token` vendors carry the token into the chat, `proof` vendors a signed identity proof. */
export const DEMO_VENDORS = {
  inbenta: { kind: 'token', label: 'Inbenta' },
  chatbotcom: { kind: 'token', label: 'ChatBot.com' },
  chatbase: { kind: 'token', label: 'Chatbase' },
  salesiq: { kind: 'token', label: 'Zoho SalesIQ / ConvoKraft' },
  zendesk: { kind: 'proof', label: 'Zendesk Messaging' },
  intercom: { kind: 'proof', label: 'Intercom Messenger' },
  salesforce: { kind: 'proof', label: 'Salesforce Enhanced Web Chat' },
} as const;

export type DemoVendor = keyof typeof DEMO_VENDORS;

/** The bot the picker logs in to for a vendor. Proof vendors share one bot that configures every proof. */
export function demoBotOf(vendor: DemoVendor): string {
  return DEMO_VENDORS[vendor].kind === 'token' ? `demo-${vendor}` : 'demo-proofs';
}

export interface DemoVendorCredentials {
  inbenta: string;
  chatbotcom: string;
  chatbase: string;
  chatbaseIdentity: string;
  zendesk: string;
  intercom: string;
  convokraft: { publicKeyPem: string; privateKey: KeyObject };
}

let credentials: DemoVendorCredentials | undefined;

/** Made once per process, on first use (the DSA pair takes a moment). */
export function demoVendorCredentials(): DemoVendorCredentials {
  if (!credentials) {
    const secret = () => randomBytes(24).toString('base64url');
    const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
    credentials = {
      inbenta: secret(),
      chatbotcom: secret(),
      chatbase: secret(),
      chatbaseIdentity: secret(),
      zendesk: secret(),
      intercom: secret(),
      convokraft: { publicKeyPem: dsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey: dsa.privateKey },
    };
  }
  return credentials;
}

/**
 * The bots, in the config's shape. Each token vendor's `tokenField` is where
 * the mock vendor puts what the widget received (docs/embedding.md: for
 * Chatbase and ConvoKraft that place is unconfirmed and configurable).
 */
export function demoVendorBots(origins: string[]): Record<string, unknown> {
  const c = demoVendorCredentials();
  const actions = { 'orders.lookup': ['orders:read'], 'account.update': ['account:write'] };
  const bot = (title: string, webhook: Record<string, unknown>) => ({ title, origins, actions, webhook });
  return {
    'demo-inbenta': bot('Demo assistant on Inbenta', { scheme: 'inbenta', tokenHeader: 'x-inbenta-webhook-key', secrets: [c.inbenta], tokenField: 'user_token' }),
    'demo-chatbotcom': bot('Demo assistant on ChatBot.com', { scheme: 'chatbotcom', headers: { 'x-chatbot-key': c.chatbotcom }, tokenField: 'attributes.user_token', conversationField: 'chatId' }),
    'demo-chatbase': {
      ...bot('Demo assistant on Chatbase', { scheme: 'chatbase', secrets: [c.chatbase], tokenField: 'payload.user_metadata.user_token', conversationField: 'payload.conversationId' }),
      identity: { chatbase: { secret: c.chatbaseIdentity } },
    },
    'demo-salesiq': bot('Demo assistant on Zoho SalesIQ', { scheme: 'convokraft', publicKey: c.convokraft.publicKeyPem, tokenField: 'sessionData.user_token' }),
    'demo-proofs': {
      title: 'Demo assistant with identity proofs',
      origins,
      actions,
      identity: {
        zendesk: { keys: [{ keyId: 'app_demo', secret: c.zendesk }] },
        intercom: { secret: c.intercom },
        salesforce: { audience: 'https://demo.my.salesforce-scrt.com' },
      },
    },
  };
}
