import type { SqlRunner } from '../persistence/sql-runner';
import { TenantScope } from '../tenancy/tenant-scope';
import { ContactProjection, type ContactProjectionStore } from './contact-projection';
import type { ContactPointRecord } from './domain/debtor-projection';

const db: SqlRunner = { query: jest.fn() };
const scope = TenantScope.of('acme');
const at = (iso: string) => new Date(iso);

function fakeStore(debtor?: { erasedAt?: Date }): jest.Mocked<ContactProjectionStore> {
  return {
    debtor: jest.fn().mockResolvedValue(debtor),
    upsertDebtor: jest.fn().mockResolvedValue(undefined),
    markErased: jest.fn().mockResolvedValue(undefined),
    replaceContactPoints: jest.fn().mockResolvedValue(undefined),
    deleteContactPoints: jest.fn().mockResolvedValue(undefined),
    upsertHold: jest.fn().mockResolvedValue(undefined),
    liftHold: jest.fn().mockResolvedValue(undefined),
    replaceVulnerability: jest.fn().mockResolvedValue(undefined),
    upsertCaseStatus: jest.fn().mockResolvedValue(undefined),
    recordPayment: jest.fn().mockResolvedValue(undefined),
    projection: jest.fn(),
  };
}

const points: ContactPointRecord[] = [
  {
    contactPointId: 'cp-1',
    kind: 'mobile',
    value: new Uint8Array([1]),
    consents: [],
    preferred: true,
  },
];

describe('ContactProjection', () => {
  it('replaces the contact points and the preferred language of a debtor', async () => {
    const store = fakeStore();

    const outcome = await new ContactProjection(store).contactPointsChanged(db, scope, {
      debtorId: 'd-1',
      contactPoints: points,
      preferredLanguage: 'es-ES',
    });

    expect(outcome).toBe('applied');
    expect(store.upsertDebtor).toHaveBeenCalledWith(db, scope, 'd-1', 'es-ES');
    expect(store.replaceContactPoints).toHaveBeenCalledWith(db, scope, 'd-1', points);
  });

  it('keeps no address for an erased debtor', async () => {
    const store = fakeStore({ erasedAt: at('2026-11-01T00:00:00Z') });

    const outcome = await new ContactProjection(store).contactPointsChanged(db, scope, {
      debtorId: 'd-1',
      contactPoints: points,
    });

    expect(outcome).toBe('ignored');
    expect(store.replaceContactPoints).not.toHaveBeenCalled();
    expect(store.upsertDebtor).not.toHaveBeenCalled();
  });

  it('drops the contact points and marks the debtor erased', async () => {
    const store = fakeStore();
    const erasedAt = at('2026-11-30T10:00:00Z');

    await new ContactProjection(store).debtorErased(db, scope, { debtorId: 'd-1', erasedAt });

    expect(store.deleteContactPoints).toHaveBeenCalledWith(db, scope, 'd-1');
    expect(store.markErased).toHaveBeenCalledWith(db, scope, 'd-1', erasedAt);
  });

  it('records creditor payments but not their reversals', async () => {
    const store = fakeStore();
    const projection = new ContactProjection(store);
    const payment = { caseId: 'c-1', debtorId: 'd-1', paidAt: at('2026-11-30T09:00:00Z') };

    await expect(
      projection.creditorPaymentReported(db, scope, { ...payment, reversed: true }),
    ).resolves.toBe('ignored');
    expect(store.recordPayment).not.toHaveBeenCalled();

    await expect(
      projection.creditorPaymentReported(db, scope, { ...payment, reversed: false }),
    ).resolves.toBe('applied');
    expect(store.recordPayment).toHaveBeenCalledWith(db, scope, {
      ...payment,
      reversed: false,
    });
  });

  it('passes holds, lifts, vulnerability and case states through with the tenant', async () => {
    const store = fakeStore();
    const projection = new ContactProjection(store);
    const hold = { holdId: 'h-1', caseId: 'c-1', kind: 'dispute' as const };
    const lift = {
      debtorId: 'd-1',
      caseId: 'c-1',
      holdId: 'h-1',
      liftedAt: at('2026-11-30T00:00:00Z'),
    };
    const vulnerability = { categories: [] };
    const state = { caseId: 'c-1', debtorId: 'd-1', status: 'CASE_STATUS_ACTIVE' };

    await projection.holdPlaced(db, scope, { debtorId: 'd-1', hold });
    await projection.holdLifted(db, scope, lift);
    await projection.vulnerabilityFlagged(db, scope, { debtorId: 'd-1', vulnerability });
    await projection.caseStatusChanged(db, scope, state);

    expect(store.upsertHold).toHaveBeenCalledWith(db, scope, 'd-1', hold);
    expect(store.liftHold).toHaveBeenCalledWith(db, scope, lift);
    expect(store.replaceVulnerability).toHaveBeenCalledWith(db, scope, 'd-1', vulnerability);
    expect(store.upsertCaseStatus).toHaveBeenCalledWith(db, scope, state);
  });
});
