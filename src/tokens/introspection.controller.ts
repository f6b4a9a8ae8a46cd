/** RFC 7662 token introspection for tools that speak OAuth rather than chatwarden's verify API. */
import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope, type RequestWithClient } from '../clients/api-key.guard.js';
import { AppError } from '../common/app-error.js';
import { ApiErrorResponses } from '../common/api-docs.js';
import { TokenService } from './token.service.js';
import { IntrospectDto } from './dto/token.dto.js';

@ApiTags('verify')
@ApiBearerAuth()
@Controller('oauth')
export class IntrospectionController {
  constructor(private readonly tokens: TokenService) {}

  @Post('introspect')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @RequireScope('verify')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'RFC 7662 introspection: `{active:false}` for anything not valid',
    description: "`bot` is required unless the API key is bound to exactly one bot; a token of another bot is inactive. An unknown bot (`unknown_bot`) or one outside the key's list (`bot_not_allowed`) is an error, not an inactive token.",
  })
  @ApiOkResponse({ schema: { example: { active: true, sub: 'alice', aud: 'shop', scope: 'orders:read', exp: 1795000000, iat: 1794999100, client_id: 'shop', token_type: 'chatwarden', sid: 'pQ2m9xY0aB3cD4eF' } } })
  @ApiErrorResponses('invalid_request', 'unknown_bot', 'store_unavailable', 'api_key_missing', 'api_key_invalid', 'scope_missing', 'bot_not_allowed')
  async introspect(@Body() request: IntrospectDto, @Req() http: RequestWithClient): Promise<Record<string, unknown>> {
    // The guard has authorized the key (RequireScope) and set apiClient; errors about the request itself come before any token verdict.
    const bot = http.apiClient!.access.require(request.bot);
    try {
      const verified = await this.tokens.verify(request.token, { bot, conversationId: request.conversationId });
      const { claims } = await this.tokens.inspect(request.token!);
      return {
        active: true,
        sub: verified.subject,
        aud: verified.bot,
        client_id: verified.bot,
        scope: verified.permissions.join(' '),
        exp: claims.exp,
        iat: claims.iat,
        nbf: claims.nbf,
        iss: claims.iss,
        jti: claims.jti,
        sid: verified.sessionId,
        token_type: 'chatwarden',
        amr: [verified.authMethod],
      };
    } catch (error) {
      // §2.2: an invalid token is not an error, it is inactive. Our own failure (the store down) is: fail closed, loudly.
      // An unknown bot is the caller's mistake, not the token's.
      if (error instanceof AppError && error.code === 'unknown_bot') throw error;
      if (error instanceof AppError && error.status < 500) return { active: false };
      throw error;
    }
  }
}
