/**
 * Gathers the chat vendor adapters and picks one by `bots.*.chat.vendor`.
 * The registry is itself a ChatApi, so callers inject `ChatApi` and never
 * care which vendor a bot uses.
 *
 * Adding a vendor: write `<vendor>.adapter.ts` (a ChatApi subclass with a
 * static `vendor` name and a constructor taking ChatApiOptions) and list its
 * class in CHAT_API_ADAPTER_CLASSES below. Config validation (ChatConfigDto)
 * and the providers follow from that list.
 */
import { Inject, Injectable, type Provider } from '@nestjs/common';
import {
  ChatApi,
  ChatApiError,
  type ChatApiOptions,
  type ClearChatVariableRequest,
  type SetChatVariableRequest,
} from './chat-api.js';
import { InbentaAdapter } from './inbenta.adapter.js';

/** What the registry needs from an adapter class. */
export interface ChatApiAdapterClass {
  readonly vendor: string;
  new (options?: ChatApiOptions): ChatApi;
}

/** Every supported vendor, one adapter file each. */
export const CHAT_API_ADAPTER_CLASSES = [InbentaAdapter] as const satisfies readonly ChatApiAdapterClass[];

export type ChatVendor = (typeof CHAT_API_ADAPTER_CLASSES)[number]['vendor'];

/** The accepted values of `bots.*.chat.vendor`. */
export const CHAT_VENDORS: readonly ChatVendor[] = CHAT_API_ADAPTER_CLASSES.map((adapter) => adapter.vendor);

/** DI token for the adapters, as `ChatApiAdapter[]`. */
export const CHAT_API_ADAPTERS = Symbol('CHAT_API_ADAPTERS');

/** DI token for the ChatApiOptions the adapters are built with (optional). */
export const CHAT_API_OPTIONS = Symbol('CHAT_API_OPTIONS');

export interface ChatApiAdapter {
  readonly vendor: string;
  readonly api: ChatApi;
}

/** One instance of every adapter, sharing `options`. */
export function createChatApiAdapters(options: ChatApiOptions = {}): ChatApiAdapter[] {
  return CHAT_API_ADAPTER_CLASSES.map((Adapter) => ({ vendor: Adapter.vendor, api: new Adapter(options) }));
}

@Injectable()
export class ChatApiRegistry extends ChatApi {
  private readonly byVendor: ReadonlyMap<string, ChatApi>;

  constructor(@Inject(CHAT_API_ADAPTERS) adapters: readonly ChatApiAdapter[]) {
    super();
    this.byVendor = new Map(adapters.map((adapter) => [adapter.vendor, adapter.api]));
  }

  /** The adapter for `vendor`; config validation keeps unknown vendors out, this is the last guard. */
  adapterFor(vendor: string): ChatApi {
    const adapter = this.byVendor.get(vendor);
    if (!adapter) throw new ChatApiError('chat_api_rejected', `No chat adapter for vendor "${safeName(vendor)}"`);
    return adapter;
  }

  setVariable(request: SetChatVariableRequest): Promise<void> {
    return this.call(request.chat.vendor, (adapter) => adapter.setVariable(request));
  }

  clearVariable(request: ClearChatVariableRequest): Promise<void> {
    return this.call(request.chat.vendor, (adapter) => adapter.clearVariable(request));
  }

  private async call(vendor: string, run: (adapter: ChatApi) => Promise<void>): Promise<void> {
    return run(this.adapterFor(vendor));
  }
}

/**
 * Providers for a module that offers `ChatApi`: the adapters (built from
 * CHAT_API_OPTIONS when that token is provided) and the registry behind the
 * ChatApi token.
 */
export const chatApiProviders: Provider[] = [
  {
    provide: CHAT_API_ADAPTERS,
    useFactory: (options?: ChatApiOptions) => createChatApiAdapters(options),
    inject: [{ token: CHAT_API_OPTIONS, optional: true }],
  },
  ChatApiRegistry,
  { provide: ChatApi, useExisting: ChatApiRegistry },
];

function safeName(vendor: string): string {
  return /^[A-Za-z0-9_-]{1,40}$/.test(vendor) ? vendor : '?';
}
