import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JWKS_MAX_AGE_SECONDS } from './signing-key-admin.service.js';
import { SigningKeyRing, type JsonWebKeySet } from './signing-key-ring.service.js';

const EXAMPLE: JsonWebKeySet = {
  keys: [
    { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'es256-Yk3dQ8pL', alg: 'ES256', use: 'sig' },
  ],
};

/**
 * GET /.well-known/jwks.json (RFC 7517 §5): the public signing keys, for
 * verifiers of the JWTs chatwarden signs (identity proofs, gateway
 * assertions). Pending keys are published before they sign and retiring keys
 * until their JWTs expired, so a verifier that caches this for max-age never
 * meets an unknown kid across a rotation. Public data: no API key, any origin.
 */
@ApiTags('operations')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly ring: SigningKeyRing) {}

  @Get('jwks.json')
  @Header('content-type', 'application/json; charset=utf-8')
  @Header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  @Header('access-control-allow-origin', '*')
  @ApiOperation({ summary: 'Public keys of the signing key set (pending, active and retiring), for verifying the JWTs chatwarden signs' })
  @ApiOkResponse({ description: 'A JWK Set; never any private key member', schema: { type: 'object', example: EXAMPLE } })
  jwks(): JsonWebKeySet {
    return this.ring.jwks();
  }
}
