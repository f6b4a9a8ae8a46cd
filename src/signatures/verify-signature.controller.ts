import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../clients/api-key.guard.js';
import { ApiErrorResponses } from '../common/api-docs.js';
import { SignatureCheckService } from './signature-check.service.js';
import { SignatureVerificationDto, VerifySignatureDto } from './dto/verify-signature.dto.js';

export const SIGNATURE_ERROR_CODES = [
  'invalid_request',
  'request_invalid',
  'unknown_bot',
  'webhook_not_configured',
  'client_ip_required',
  'signature_missing',
  'signature_invalid',
  'timestamp_invalid',
  'replayed',
  'ip_not_allowed',
  'body_too_large',
  'payload_too_large',
  'webhook_misconfigured',
  'signature_keys_unavailable',
  'store_unavailable',
  'api_key_missing',
  'api_key_invalid',
  'scope_missing',
] as const;

@ApiTags('verify')
@Controller()
export class VerifySignatureController {
  constructor(private readonly signatures: SignatureCheckService) {}

  @Post('v1/verify/signature')
  @HttpCode(200)
  @RequireScope('verify')
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Check that a webhook call really came from the bot's chat vendor",
    description:
      'Forward the request exactly as received. Every live secret of the bot is tried; the answer names the one that matched. ' +
      'A signed delivery id is accepted once. A vendor handshake is answered with `challenge`, to send back as-is.',
  })
  @ApiOkResponse({ type: SignatureVerificationDto })
  @ApiErrorResponses(...SIGNATURE_ERROR_CODES)
  verify(@Body() request: VerifySignatureDto): Promise<SignatureVerificationDto> {
    return this.signatures.verify(request);
  }
}
