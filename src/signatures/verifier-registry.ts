/**
 * All signature schemes, gathered by name. The registry is one provider under
 * the SIGNATURE_VERIFIERS token; SignatureService picks a verifier by the
 * bot's `webhook.scheme`. Verifiers are created once: the Bot Framework one
 * keeps its key cache across requests.
 */
import type { Provider } from '@nestjs/common';
import type { SignatureVerifier } from './signature-verifier.js';
import type { WebhookScheme } from './webhook-scheme.js';
import { BotframeworkVerifier } from './schemes/botframework.verifier.js';
import { ChatbaseVerifier } from './schemes/chatbase.verifier.js';
import { ChatbotcomVerifier } from './schemes/chatbotcom.verifier.js';
import { ConvokraftVerifier } from './schemes/convokraft.verifier.js';
import { FreshchatVerifier } from './schemes/freshchat.verifier.js';
import { HmacVerifier } from './schemes/hmac.verifier.js';
import { InbentaVerifier } from './schemes/inbenta.verifier.js';
import { IngeniousVerifier } from './schemes/ingenious.verifier.js';
import { IntercomVerifier } from './schemes/intercom.verifier.js';
import { MetaVerifier } from './schemes/meta.verifier.js';
import { SlackVerifier } from './schemes/slack.verifier.js';
import { StandardWebhooksVerifier } from './schemes/standard-webhooks.verifier.js';
import { TwilioVerifier } from './schemes/twilio.verifier.js';
import { ZendeskVerifier } from './schemes/zendesk.verifier.js';

export type VerifierRegistry = ReadonlyMap<WebhookScheme, SignatureVerifier>;

export const SIGNATURE_VERIFIERS = Symbol('SIGNATURE_VERIFIERS');

/** A registry of `verifiers`; two verifiers claiming one scheme is a programming error. */
export function createVerifierRegistry(verifiers: readonly SignatureVerifier[] = defaultVerifiers()): VerifierRegistry {
  const registry = new Map<WebhookScheme, SignatureVerifier>();
  for (const verifier of verifiers) {
    if (registry.has(verifier.scheme)) throw new Error(`two verifiers for scheme ${verifier.scheme}`);
    registry.set(verifier.scheme, verifier);
  }
  return registry;
}

export function defaultVerifiers(): SignatureVerifier[] {
  return [
    new ChatbaseVerifier(),
    new ConvokraftVerifier(),
    new IngeniousVerifier(),
    new ChatbotcomVerifier(),
    new InbentaVerifier(),
    new StandardWebhooksVerifier(),
    new SlackVerifier(),
    new MetaVerifier(),
    new ZendeskVerifier(),
    new IntercomVerifier(),
    new TwilioVerifier(),
    new FreshchatVerifier(),
    new BotframeworkVerifier(),
    new HmacVerifier(),
  ];
}

export const verifierRegistryProvider: Provider = {
  provide: SIGNATURE_VERIFIERS,
  useFactory: (): VerifierRegistry => createVerifierRegistry(),
};
