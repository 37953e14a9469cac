import { readdirSync } from 'node:fs';
import path from 'node:path';
import { create, fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, ActorSchema } from './gen/clement/common/v1/actor_pb';
import { MoneySchema } from './gen/clement/common/v1/money_pb';
import { ProbeEmittedSchema } from './gen/clement/platform/v1/probe_pb';
import { contractFiles, contractsRegistry, eventTypeOf, schemaForType } from './registry';

const genDir = path.join(__dirname, 'gen');

function generatedModulePaths(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return generatedModulePaths(full);
    return entry.name.endsWith('_pb.ts') ? [full] : [];
  });
}

/** Every value a generated module exports that describes a file, message or enum. */
async function generatedDescriptors(): Promise<{ kind: string; name: string; value: unknown }[]> {
  const modules = await Promise.all(
    generatedModulePaths(genDir).map(async (file) => (await import(file)) as object),
  );
  return modules.flatMap((exports) =>
    Object.entries(exports).flatMap(([name, value]) => {
      const kind = (value as { kind?: unknown } | null)?.kind;
      return typeof kind === 'string' ? [{ kind, name, value }] : [];
    }),
  );
}

describe('contractsRegistry', () => {
  it('lists every generated proto file', async () => {
    const files = (await generatedDescriptors()).filter((d) => d.kind === 'file');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect({ [file.name]: contractFiles.includes(file.value as never) }).toEqual({
        [file.name]: true,
      });
    }
    expect(contractFiles).toHaveLength(files.length);
  });

  it('resolves every generated message and enum by its full name', async () => {
    for (const { kind, value } of await generatedDescriptors()) {
      if (kind === 'message' || kind === 'enum') {
        const typeName = (value as { typeName: string }).typeName;
        expect(contractsRegistry.get(typeName)).toBe(value);
      }
    }
  });
});

describe('schemaForType', () => {
  it('finds a schema by the protobuf full name used as ce_type', () => {
    expect(schemaForType('clement.platform.v1.ProbeEmitted')).toBe(ProbeEmittedSchema);
    expect(schemaForType('clement.common.v1.Money')).toBe(MoneySchema);
  });

  it('returns undefined for unknown types and for enums', () => {
    expect(schemaForType('clement.platform.v1.Unknown')).toBeUndefined();
    expect(schemaForType('clement.common.v1.ActorKind')).toBeUndefined();
  });
});

describe('eventTypeOf', () => {
  it('is the protobuf full name', () => {
    const eventType: 'clement.platform.v1.ProbeEmitted' = eventTypeOf(ProbeEmittedSchema);
    expect(eventType).toBe('clement.platform.v1.ProbeEmitted');
  });
});

describe('generated code', () => {
  const probe = create(ProbeEmittedSchema, {
    probeId: '0b0f6a8e-5d0c-4f55-9a7e-3f0a3a1f9c2d',
    sequence: 42n,
    emittedAt: timestampFromDate(new Date('2026-01-15T08:30:00.000Z')),
    note: 'canary',
  });

  it('round-trips a probe through protobuf binary', () => {
    expect(fromBinary(ProbeEmittedSchema, toBinary(ProbeEmittedSchema, probe))).toEqual(probe);
  });

  it('round-trips a probe through the protobuf JSON mapping (int64 as a string)', () => {
    const json = toJson(ProbeEmittedSchema, probe);
    expect(json).toEqual({
      probeId: '0b0f6a8e-5d0c-4f55-9a7e-3f0a3a1f9c2d',
      sequence: '42',
      emittedAt: '2026-01-15T08:30:00Z',
      note: 'canary',
    });
    expect(fromJson(ProbeEmittedSchema, json)).toEqual(probe);
  });

  it('keeps money in integer minor units and actors typed by kind', () => {
    const money = create(MoneySchema, { amountMinor: 12_345n, currency: 'GBP' });
    expect(toJson(MoneySchema, money)).toEqual({ amountMinor: '12345', currency: 'GBP' });
    const actor = create(ActorSchema, { kind: ActorKind.DEBTOR, id: 'debtor-1' });
    expect(toJson(ActorSchema, actor)).toEqual({ kind: 'ACTOR_KIND_DEBTOR', id: 'debtor-1' });
  });
});
