import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../clients/api-key.guard.js';
import { ApiErrorResponses } from '../common/api-docs.js';
import { TokenService } from './token.service.js';
import { VerifiedTokenDto, VerifyTokenDto } from './dto/token.dto.js';

@ApiTags('verify')
@ApiBearerAuth()
@Controller('v1/verify')
export class VerifyController {
  constructor(private readonly tokens: TokenService) {}

  @Post('token')
  @HttpCode(200)
  @RequireScope('verify')
  @ApiOperation({ summary: 'Verify a user token before a webhook action runs' })
  @ApiOkResponse({ type: VerifiedTokenDto })
  @ApiErrorResponses('token_missing', 'token_malformed', 'token_invalid', 'token_expired', 'session_revoked', 'wrong_bot', 'conversation_mismatch', 'permission_denied', 'unknown_action', 'store_unavailable', 'api_key_missing', 'api_key_invalid', 'scope_missing')
  async verifyToken(@Body() request: VerifyTokenDto): Promise<VerifiedTokenDto> {
    const { kid: _kid, ...verified } = await this.tokens.verify(request.token, request);
    return verified;
  }
}
