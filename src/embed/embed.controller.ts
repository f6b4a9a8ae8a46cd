import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { embedScript } from './embed-script.js';

/** GET /embed.js: the host page helper (docs/embedding.md). */
@ApiExcludeController()
@Controller()
export class EmbedController {
  private readonly source: string;

  constructor(config: AppConfig) {
    this.source = `/*! chatwarden embed.js — see docs/embedding.md */\n'use strict';\n(${embedScript.toString()})(${JSON.stringify(new URL(config.publicUrl).origin)});\n`;
  }

  @Get('embed.js')
  script(@Res() reply: FastifyReply): void {
    void reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      // Host pages load it cross-origin, possibly with `crossorigin` for SRI.
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(this.source);
  }
}
