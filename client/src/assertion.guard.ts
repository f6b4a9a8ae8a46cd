/**
 * NestJS guard for handlers behind the webhook gateway (Express or Fastify
 * adapter): `@UseGuards(new ChatwardenAssertionGuard({ jwksUrl, audience, issuer }))`.
 * A pass sets `request.chatwardenUser`; a refusal is an HttpException with
 * `{ error, message }` (401, or 503 when the JWKS cannot be fetched).
 */
import { HttpException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AssertionError, verifyAssertion, type AssertedUser, type AssertionOptions } from './assertion.js';

export class ChatwardenAssertionGuard implements CanActivate {
  constructor(private readonly options: AssertionOptions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; chatwardenUser?: AssertedUser }>();
    try {
      request.chatwardenUser = await verifyAssertion(request.headers, this.options);
      return true;
    } catch (error) {
      if (error instanceof AssertionError) throw new HttpException({ error: error.code, message: error.message }, error.status);
      throw error;
    }
  }
}
