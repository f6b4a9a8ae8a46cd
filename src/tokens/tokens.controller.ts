import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope, type RequestWithClient } from '../clients/api-key.guard.js';
import { ApiErrorResponses } from '../common/api-docs.js';
import { RevocationService } from '../sessions/revocation.service.js';
import { TokenService } from './token.service.js';
import { IssuedTokenDto, IssueTokenDto, RevokeSessionsDto, TokenOnlyDto } from './dto/token.dto.js';

@ApiTags('tokens')
@Controller()
export class TokensController {
  constructor(
    private readonly tokens: TokenService,
    private readonly revocation: RevocationService,
  ) {}

  @Post('v1/tokens')
  @RequireScope('issue')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Issue a token for a user of a site with its own login (server to server)' })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @ApiErrorResponses('invalid_request', 'unknown_bot', 'unknown_role', 'identity_not_configured', 'identity_subject_invalid', 'identity_unavailable', 'store_unavailable', 'api_key_missing', 'api_key_invalid', 'scope_missing', 'bot_not_allowed')
  issue(@Body() request: IssueTokenDto, @Req() http: RequestWithClient): Promise<IssuedTokenDto> {
    http.apiClient!.access.assert(request.bot);
    return this.tokens.issue({ ...request, amr: 'trusted' });
  }

  @Post('v1/tokens/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new token for the same live session (embed.js calls this before expiry)' })
  @ApiOkResponse({ type: IssuedTokenDto })
  @ApiErrorResponses('token_missing', 'token_malformed', 'token_invalid', 'token_expired', 'session_revoked', 'store_unavailable')
  refresh(@Body() request: TokenOnlyDto): Promise<IssuedTokenDto> {
    return this.tokens.refresh(request.token ?? '');
  }

  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the session of a token' })
  @ApiOkResponse({ schema: { example: { loggedOut: true } } })
  @ApiErrorResponses('token_missing', 'token_malformed', 'token_invalid', 'store_unavailable')
  async logout(@Body() request: TokenOnlyDto): Promise<{ loggedOut: boolean }> {
    const ended = await this.tokens.logout(request.token ?? '');
    if (ended) await this.revocation.notifyEnded(ended);
    return { loggedOut: ended !== null };
  }

  @Post('v1/sessions/revoke')
  @HttpCode(200)
  @RequireScope('revoke')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke one session, or every session of a subject (optionally for one bot)' })
  @ApiOkResponse({ schema: { example: { revoked: 1, sessionIds: ['pQ2m9xY0aB3cD4eF'] } } })
  @ApiErrorResponses('invalid_request', 'unknown_bot', 'store_unavailable', 'api_key_missing', 'api_key_invalid', 'scope_missing', 'bot_not_allowed')
  async revoke(@Body() request: RevokeSessionsDto, @Req() http: RequestWithClient): Promise<{ revoked: number; sessionIds: string[] }> {
    const ended = await this.revocation.revoke({ ...request, actor: `client:${http.apiClient?.id}`, access: http.apiClient!.access });
    return { revoked: ended.length, sessionIds: ended.map((s) => s.sessionId) };
  }
}
