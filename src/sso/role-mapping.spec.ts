import { mapRoles } from './role-mapping.js';

const roles = { customer: ['orders:read'], support: ['orders:refund'] };
const roleMap = { 'support-team': 'support', everyone: 'customer', ghosts: 'admin' };

describe('mapRoles', () => {
  it('maps listed values to configured roles, sorted and without duplicates', () => {
    expect(mapRoles(['everyone', 'support-team', 'everyone'], roleMap, roles)).toEqual(['customer', 'support']);
  });

  it('ignores values that are not in roleMap, and roles that are not configured', () => {
    expect(mapRoles(['unknown-group', 'ghosts'], roleMap, roles)).toEqual([]);
  });

  it('accepts a single string value', () => {
    expect(mapRoles('support-team', roleMap, roles)).toEqual(['support']);
  });

  it('ignores non-string values and a missing claim', () => {
    expect(mapRoles([42, { group: 'everyone' }, null], roleMap, roles)).toEqual([]);
    expect(mapRoles(undefined, roleMap, roles)).toEqual([]);
  });

  it('grants nothing without a roleMap, whatever the claim says', () => {
    expect(mapRoles(['customer', 'support'], undefined, roles)).toEqual([]);
  });

  it('is not fooled by inherited object keys', () => {
    expect(mapRoles(['constructor', 'toString', '__proto__'], roleMap, roles)).toEqual([]);
  });
});
