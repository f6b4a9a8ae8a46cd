/**
 * What a person who opens the service's address in a browser meets: in dev
 * mode `GET /` leads to the walk-through at /demo; in production `/` is a
 * 404 whose `detail` points at the API documentation (nothing to show there).
 * `/favicon.ico` answers 204 so no page logs a failed favicon request in the
 * console (the pages have no icon of their own).
 */
import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { appError } from '../common/error-catalog.js';
import { AppConfig } from '../config/app-config.js';

@ApiExcludeController()
@Controller()
export class SiteController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  root(@Res() reply: FastifyReply): void {
    if (!this.config.devMode) throw appError('not_found', { detail: 'nothing is served at /: see /docs for the API' });
    void reply.status(302).header('location', '/demo').header('cache-control', 'no-store').send();
  }

  @Get('favicon.ico')
  @HttpCode(204)
  @Header('cache-control', 'public, max-age=86400')
  favicon(): void {}
}
