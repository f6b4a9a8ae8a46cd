/**
 * A JwtSigner for tests only, backed by an RS256 (and ES256) key pair that
 * jose generates, so what it signs can be checked with jose and the public
 * JWK it exposes, independently of chatwarden's own key ring.
 */
import type { DynamicModule } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { JwtSigner, type SignJwtOptions } from '../../src/keys/jwt-signer.js';

export class TestJwtSigner extends JwtSigner {
  private constructor(
    private readonly keys: Record<'RS256' | 'ES256', { kid: string; privateKey: CryptoKey; publicKey: CryptoKey }>,
  ) {
    super();
  }

  static async create(): Promise<TestJwtSigner> {
    const rs = await generateKeyPair('RS256');
    const es = await generateKeyPair('ES256');
    return new TestJwtSigner({ RS256: { kid: 'test-rs256', ...rs }, ES256: { kid: 'test-es256', ...es } });
  }

  /** The public key that verifies `alg`, with its kid. */
  publicKey(alg: 'RS256' | 'ES256'): { kid: string; key: CryptoKey } {
    return { kid: this.keys[alg].kid, key: this.keys[alg].publicKey };
  }

  async publicJwk(alg: 'RS256' | 'ES256'): Promise<JWK> {
    return { ...(await exportJWK(this.keys[alg].publicKey)), kid: this.keys[alg].kid, alg, use: 'sig' };
  }

  signJwt(claims: Record<string, unknown>, options: SignJwtOptions): Promise<string> {
    const key = this.keys[options.alg];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: options.alg, kid: key.kid, ...(options.typ !== undefined && { typ: options.typ }) })
      .sign(key.privateKey);
  }
}

/** A global module offering `signer` as the JwtSigner, for startTestApp's `imports`. */
export function testSignerModule(signer: TestJwtSigner): DynamicModule {
  return { module: TestSignerModule, global: true, providers: [{ provide: JwtSigner, useValue: signer }], exports: [JwtSigner] };
}

class TestSignerModule {}
