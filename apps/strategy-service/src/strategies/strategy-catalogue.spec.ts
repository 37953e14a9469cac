import type {
  ActivePointer,
  StoredStrategyVersion,
  StrategiesRepository,
} from './strategies.repository';
import { CachedStrategyCatalogue } from './strategy-catalogue';

const documentNamed = (name: string, challenger = '') => `schemaVersion: 1
name: ${name}
${challenger}reactions:
  vulnerability:
    path: main
segments:
  - id: everyone
    path: main
paths:
  main:
    steps:
      - id: stop
        end: {}
`;

function storedVersion(
  strategyId: string,
  version: number,
  document: string,
): StoredStrategyVersion {
  return {
    strategyId,
    version,
    name: strategyId,
    format: 'yaml',
    documentSha256: 'x',
    createdAt: new Date(0),
    createdBy: 'admin',
    document,
  };
}

/** A repository in memory that counts its reads. */
function fakeRepository() {
  const versions = new Map<string, StoredStrategyVersion>();
  const active = new Map<string, ActivePointer>();
  const reads = { versions: 0, active: 0 };
  const repository = {
    findVersion: (_db: unknown, tenantId: string, strategyId: string, version: number) => {
      reads.versions += 1;
      return Promise.resolve(versions.get(`${tenantId}/${strategyId}/${version}`));
    },
    findActive: (_db: unknown, tenantId: string) => {
      reads.active += 1;
      return Promise.resolve(active.get(tenantId));
    },
  } as unknown as StrategiesRepository;
  return {
    repository,
    reads,
    store: (tenantId: string, version: StoredStrategyVersion) =>
      versions.set(`${tenantId}/${version.strategyId}/${version.version}`, version),
    activate: (
      tenantId: string,
      pointer: Partial<ActivePointer> & { strategyId: string; version: number },
    ) =>
      active.set(tenantId, {
        challenger: null,
        activationId: 'a',
        activatedAt: new Date(0),
        activatedBy: 'admin',
        ...pointer,
      }),
  };
}

describe('CachedStrategyCatalogue', () => {
  it('compiles each stored version once and keeps tenants apart', async () => {
    const fake = fakeRepository();
    fake.store('t1', storedVersion('gentle', 1, documentNamed('Gentle')));
    const catalogue = new CachedStrategyCatalogue({ query: jest.fn() }, fake.repository);

    const first = await catalogue.version('t1', { strategyId: 'gentle', version: 1 });
    const again = await catalogue.version('t1', { strategyId: 'gentle', version: 1 });
    expect(first?.document.name).toBe('Gentle');
    expect(first?.ref).toEqual({ strategyId: 'gentle', version: 1 });
    expect(again).toBe(first);
    expect(fake.reads.versions).toBe(1);
    expect(catalogue.cachedVersion('t1', { strategyId: 'gentle', version: 1 })).toBe(first);
    expect(await catalogue.version('t2', { strategyId: 'gentle', version: 1 })).toBeUndefined();
  });

  it('returns champion and challenger with its share, and reuses the pointer for its TTL only', async () => {
    const fake = fakeRepository();
    fake.store('t1', storedVersion('gentle', 1, documentNamed('Gentle')));
    fake.store(
      't1',
      storedVersion(
        'gentle',
        2,
        documentNamed(
          'Gentle 2',
          'challenger:\n  strategyId: gentle\n  version: 1\n  share: 0.25\n',
        ),
      ),
    );
    let now = 1_000;
    const catalogue = new CachedStrategyCatalogue({ query: jest.fn() }, fake.repository, {
      activePointerTtlMs: 1_000,
      now: () => now,
    });
    expect(await catalogue.active('t1')).toBeUndefined();

    fake.activate('t1', {
      strategyId: 'gentle',
      version: 2,
      challenger: { strategyId: 'gentle', version: 1, shareBps: 2_500 },
    });
    now += 999;
    expect(await catalogue.active('t1')).toBeUndefined(); // still the cached "none"
    now += 1;
    const active = await catalogue.active('t1');
    expect(active?.champion.document.name).toBe('Gentle 2');
    expect(active?.challenger?.strategy.document.name).toBe('Gentle');
    expect(active?.challenger?.shareBps).toBe(2_500);
    expect(fake.reads.active).toBe(2);

    fake.activate('t1', { strategyId: 'gentle', version: 1 });
    catalogue.forgetActive('t1');
    expect((await catalogue.active('t1'))?.champion.ref.version).toBe(1);
  });
});
