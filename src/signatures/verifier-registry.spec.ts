import { ChatbaseVerifier } from './schemes/chatbase.verifier.js';
import { createVerifierRegistry } from './verifier-registry.js';
import { WEBHOOK_SCHEMES } from './webhook-scheme.js';

describe('verifier registry', () => {
  it('has exactly one verifier for every scheme of the config contract', () => {
    const registry = createVerifierRegistry();
    expect([...registry.keys()].sort()).toEqual([...WEBHOOK_SCHEMES].sort());
    for (const [scheme, verifier] of registry) expect(verifier.scheme).toBe(scheme);
  });

  it('refuses two verifiers for one scheme', () => {
    expect(() => createVerifierRegistry([new ChatbaseVerifier(), new ChatbaseVerifier()])).toThrow(/chatbase/);
  });
});
