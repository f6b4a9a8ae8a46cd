import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ChatApi,
  ChatApiError,
  type ChatConfig,
  type ClearChatVariableRequest,
  type SetChatVariableRequest,
} from './chat-api.js';
import {
  CHAT_API_ADAPTERS,
  CHAT_VENDORS,
  chatApiProviders,
  ChatApiRegistry,
  createChatApiAdapters,
} from './chat-api.registry.js';
import { InbentaAdapter } from './inbenta.adapter.js';

class RecordingChatApi extends ChatApi {
  readonly calls: string[] = [];

  async setVariable(request: SetChatVariableRequest): Promise<void> {
    this.calls.push(`set ${request.chat.vendor} ${request.value}`);
  }

  async clearVariable(request: ClearChatVariableRequest): Promise<void> {
    this.calls.push(`clear ${request.chat.vendor}`);
  }
}

const chat = (vendor: string): ChatConfig => ({ vendor, variable: 'user_token', apiKey: 'k', secret: 's' });

describe('ChatApiRegistry', () => {
  it('knows every vendor that has an adapter', () => {
    expect(CHAT_VENDORS).toEqual(['inbenta']);
    expect(createChatApiAdapters().map(({ vendor, api }) => [vendor, api instanceof InbentaAdapter])).toEqual([
      ['inbenta', true],
    ]);
  });

  it("hands each call to the adapter of the bot's vendor", async () => {
    const first = new RecordingChatApi();
    const second = new RecordingChatApi();
    const registry = new ChatApiRegistry([
      { vendor: 'first', api: first },
      { vendor: 'second', api: second },
    ]);

    await registry.setVariable({ chat: chat('second'), sessionToken: 'sess', value: 'v1' });
    await registry.clearVariable({ chat: chat('first'), sessionToken: 'sess' });

    expect(first.calls).toEqual(['clear first']);
    expect(second.calls).toEqual(['set second v1']);
  });

  it('rejects an unknown vendor with chat_api_rejected', async () => {
    const registry = new ChatApiRegistry([]);
    const error = await registry
      .setVariable({ chat: chat('nobody'), sessionToken: 'sess', value: 'v' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ code: 'chat_api_rejected' });
  });

  it('provides ChatApi through Nest, backed by the registry and its adapters', async () => {
    @Module({ providers: chatApiProviders, exports: [ChatApi] })
    class ChatTestModule {}

    const context = await NestFactory.createApplicationContext(ChatTestModule, { logger: false });
    try {
      const api = context.get(ChatApi);
      expect(api).toBeInstanceOf(ChatApiRegistry);
      expect((api as ChatApiRegistry).adapterFor('inbenta')).toBeInstanceOf(InbentaAdapter);
      expect(context.get(CHAT_API_ADAPTERS)).toHaveLength(1);
    } finally {
      await context.close();
    }
  });
});
