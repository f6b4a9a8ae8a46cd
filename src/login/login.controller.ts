import { Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from './browser-reply.js';
import { LocalLoginGuard } from './local-login.guard.js';
import type { PasswordLogin } from './local-password.strategy.js';
import { LoginCompletionService } from './login-completion.service.js';
import { LoginPageFilter } from './login-page.filter.js';
import { LoginPageService } from './login-page.service.js';

/** GET /login shows the form; POST /login checks it (LocalLoginGuard) and completes the login. */
@ApiExcludeController()
@UseFilters(LoginPageFilter)
@Controller('login')
export class LoginController {
  constructor(
    private readonly pages: LoginPageService,
    private readonly completion: LoginCompletionService,
  ) {}

  @Get()
  async page(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    sendPage(reply, await this.pages.start(query));
  }

  @Post()
  @ApiConsumes('application/x-www-form-urlencoded')
  @UseGuards(LocalLoginGuard)
  async submit(@Req() request: FastifyRequest & { user: PasswordLogin }, @Res() reply: FastifyReply): Promise<void> {
    const { state, subject, roles, attributes } = request.user;
    sendPage(reply, await this.completion.complete({ ...state, subject, roles, amr: 'pwd', attributes }));
  }
}
