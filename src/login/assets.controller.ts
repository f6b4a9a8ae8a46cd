import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { completePageScript, loginPageScript } from './assets/page-scripts.js';
import { LOGIN_CSS, themeCss } from './assets/login-style.js';

/** A function's source as a standalone script (see page-scripts.ts). */
export function scriptSource(main: () => void): string {
  return `'use strict';\n(${main.toString()})();\n`;
}

const LOGIN_JS = scriptSource(loginPageScript);
const COMPLETE_JS = scriptSource(completePageScript);
const CACHE = 'public, max-age=300';

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/** The login pages' stylesheets and scripts: same origin, so the CSP needs no inline allowances. */
@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  constructor(private readonly config: AppConfig) {}

  @Get('login.css')
  css(@Res() reply: FastifyReply): void {
    send(reply, CSS, LOGIN_CSS);
  }

  @Get('theme/:file')
  theme(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const bot = file.endsWith('.css') ? file.slice(0, -'.css'.length) : '';
    const color = Object.hasOwn(this.config.bots, bot) ? this.config.bots[bot].primaryColor : undefined;
    if (!color) throw new NotFoundException();
    send(reply, CSS, themeCss(color));
  }

  @Get('login.js')
  loginScript(@Res() reply: FastifyReply): void {
    send(reply, JS, LOGIN_JS);
  }

  @Get('complete.js')
  completeScript(@Res() reply: FastifyReply): void {
    send(reply, JS, COMPLETE_JS);
  }
}

/** Headers are set only on success: an error answer keeps the JSON content type of the error filter. */
function send(reply: FastifyReply, contentType: string, body: string): void {
  void reply.header('content-type', contentType).header('cache-control', CACHE).send(body);
}
