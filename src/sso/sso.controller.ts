/**
 * The SSO browser routes (SPEC.md "Browser"). Thin: SsoService holds the
 * rules, SsoAuthGuard runs the passport strategy, SsoPageFilter turns every
 * failure into a friendly page.
 */
import { Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SsoAuthGuard, type SsoCallbackRequest } from './sso-auth.guard.js';
import { SsoPageFilter } from './sso-page.filter.js';
import { sendPage } from './sso-reply.js';
import { SsoStartQueryDto } from './sso-start-query.dto.js';
import { SsoService, type SsoLogin } from './sso.service.js';

// Browser routes answer HTML and redirects, like /login: not part of the API document.
@ApiExcludeController()
@Controller('sso')
@UseFilters(SsoPageFilter)
export class SsoController {
  constructor(private readonly sso: SsoService) {}

  @Get(':provider/start')
  /** 302 to the provider; a 400 page for a wrong bot, origin or provider, 502 when the provider is unreachable. */
  async start(
    @Param('provider') provider: string,
    @Query() query: SsoStartQueryDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const started = await this.sso.start({ provider, ...query, mode: query.mode ?? 'popup', cookieHeader: request.headers.cookie });
    void reply.status(302).headers({ location: started.url, 'set-cookie': started.setCookie, 'cache-control': 'no-store' }).send();
  }

  @Get(':provider/callback')
  @UseGuards(SsoAuthGuard)
  /** Where the provider sends the browser back; ends like POST /login with the page handing the token to the host. */
  async callback(@Req() request: SsoCallbackRequest, @Res() reply: FastifyReply): Promise<void> {
    sendPage(reply, await this.sso.complete(request.user as SsoLogin));
  }
}
