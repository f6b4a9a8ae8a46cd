import { hasOwnName, ownEntry } from './own-entry.js';

describe('ownEntry', () => {
  const record: Record<string, string[]> = { customer: ['orders:read'] };

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])('treats the inherited name %s as unknown', (name) => {
    expect(ownEntry(record, name)).toBeUndefined();
    expect(hasOwnName(record, name)).toBe(false);
  });

  it('finds configured names and refuses non-strings', () => {
    expect(ownEntry(record, 'customer')).toEqual(['orders:read']);
    expect(hasOwnName(record, 'customer')).toBe(true);
    expect(ownEntry(record, ['customer'])).toBeUndefined();
    expect(ownEntry(undefined, 'customer')).toBeUndefined();
  });
});
