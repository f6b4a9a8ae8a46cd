import { applyDecorators, Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, type ApiResponseOptions } from '@nestjs/swagger';
import { RequireScope, type RequestWithClient } from '../clients/api-key.guard.js';
import { errorResponsesFor } from '../common/api-docs.js';
import { SIGNATURE_ERROR_CODES } from '../signatures/verify-signature.route.js';
import { TOKEN_REFUSAL_CODES } from '../tokens/token-errors.js';
import { VerifyWebhookDto, WebhookVerificationDto } from './dto/verify-webhook.dto.js';
import { WebhookVerificationService } from './webhook-verification.service.js';

const REFUSAL_EXAMPLE = {
  valid: false,
  error: 'token_expired',
  message: 'Your login has expired. Please log in again.',
  requestId: 'req-1',
  stage: 'token',
  signature: { valid: true, scheme: 'chatbotcom', secretId: 'headers' },
  token: { valid: false, error: 'token_expired', message: 'Your login has expired. Please log in again.' },
  vendorReply: {
    responses: [{ type: 'text', message: 'Your login has expired. Please log in again.' }],
    attributes: { chatwarden_error: 'token_expired' },
  },
};

/** The error responses of every step, with the refusal shape (stage, signature, token, vendorReply) as the 401 example. */
function WebhookErrorResponses(): MethodDecorator {
  const responses = errorResponsesFor([
    ...SIGNATURE_ERROR_CODES,
    'body_malformed',
    'token_field_invalid',
    ...TOKEN_REFUSAL_CODES,
  ]);
  const unauthorized = responses[401]?.content['application/json'];
  if (unauthorized) unauthorized.examples = { refusal_with_vendor_reply: { value: REFUSAL_EXAMPLE }, ...unauthorized.examples };
  return applyDecorators(
    ...Object.entries(responses).map(([status, response]) => ApiResponse({ status: Number(status), ...response } as ApiResponseOptions)),
  );
}

@ApiTags('verify')
@Controller()
export class VerifyWebhookController {
  constructor(private readonly webhooks: WebhookVerificationService) {}

  @Post('v1/verify/webhook')
  @HttpCode(200)
  @RequireScope('verify')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Check a webhook call in one go: vendor signature, then the user token in its body, then the permissions of the action',
    description:
      'A refusal keeps the status of the step that failed (401 signature or token, 403 ip_not_allowed or permission_denied, 400 bad input, 503 store) ' +
      'and names it in `stage`; `signature` and `token` say what each step concluded (`token` is null when it was not reached). ' +
      'With `reply`, a refusal also carries `vendorReply`: send it to the vendor as the webhook answer, with status 200, so the chat shows the message.',
  })
  @ApiOkResponse({ type: WebhookVerificationDto })
  @WebhookErrorResponses()
  verify(@Body() request: VerifyWebhookDto, @Req() http: RequestWithClient): Promise<WebhookVerificationDto> {
    // The guard has authorized the key (RequireScope) and set apiClient.
    return this.webhooks.verify(request, http.apiClient!.access);
  }
}
