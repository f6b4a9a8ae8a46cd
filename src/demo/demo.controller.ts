import { Body, Controller, Get, HttpCode, NotFoundException, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { DEMO_CSS, DEMO_HTML, demoPageScript } from './demo-page.js';
import { DEMO_ACTIONS, DemoWebhookService, type DemoAction, type DemoWebhookResult } from './demo-webhook.service.js';
import { DEMO_VENDORS, type DemoVendor } from './demo-vendors.js';

export class DemoWebhookDto {
  @IsIn(Object.keys(DEMO_ACTIONS))
  action: DemoAction;

  @IsOptional() @IsString() @MaxLength(4096)
  token?: string;

  /** The picker's vendor; without it, the plain walk-through (bot `demo`). */
  @IsOptional() @IsIn(Object.keys(DEMO_VENDORS))
  vendor?: DemoVendor;

  /** What the mock widget received from the embed.js adapter, for the mock vendor to send back. */
  @IsOptional() @IsObject()
  carried?: Record<string, unknown>;
}

const DEMO_JS = `'use strict';\n(${demoPageScript.toString()})();\n`;
/** Same strict policy as the login pages; the page frames the login page of its own origin. */
const DEMO_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Dev mode only: the walk-through page that plays the site hosting the chat widget, and its mock webhook. */
@ApiExcludeController()
@Controller('demo')
export class DemoController {
  constructor(
    private readonly config: AppConfig,
    private readonly webhook: DemoWebhookService,
  ) {}

  @Get()
  page(@Res() reply: FastifyReply): void {
    this.devOnly();
    void reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', DEMO_CSP).header('cache-control', 'no-store').send(DEMO_HTML);
  }

  @Get('demo.css')
  css(@Res() reply: FastifyReply): void {
    this.devOnly();
    void reply.header('content-type', 'text/css; charset=utf-8').send(DEMO_CSS);
  }

  @Get('demo.js')
  script(@Res() reply: FastifyReply): void {
    this.devOnly();
    void reply.header('content-type', 'text/javascript; charset=utf-8').send(DEMO_JS);
  }

  /** The mock webhook handler: verifies the token server side with its own API key and answers. */
  @Post('webhook')
  @HttpCode(200)
  runWebhook(@Body() body: DemoWebhookDto): Promise<DemoWebhookResult> {
    this.devOnly();
    if (body.vendor !== undefined) return this.webhook.handleVendor(body.vendor, body.action, body.carried ?? {}, body.token);
    return this.webhook.handle(body.action, body.token);
  }

  private devOnly(): void {
    if (!this.config.devMode) throw new NotFoundException();
  }
}
