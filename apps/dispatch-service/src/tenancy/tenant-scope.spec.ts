import { TenantScope } from './tenant-scope';

describe('TenantScope', () => {
  it.each(['acme-bank', 'a1', 'x'.repeat(63)])('accepts %s', (id) => {
    expect(TenantScope.of(id).tenantId).toBe(id);
  });

  it.each(['', 'A', 'acme bank', 'acme:bank', '-acme', 'x'.repeat(64), 'acme_bank'])(
    'rejects %j',
    (id) => {
      expect(() => TenantScope.of(id)).toThrow(/lower-case letters, digits and hyphens/);
    },
  );

  it('builds the partition key of a debtor', () => {
    expect(TenantScope.of('acme-bank').key('d-1')).toBe('acme-bank:d-1');
  });
});
