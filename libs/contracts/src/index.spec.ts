import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as contracts from './index';

function generatedModulePaths(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return generatedModulePaths(full);
    return entry.name.endsWith('_pb.ts') ? [full] : [];
  });
}

/** Packages exported flat; every other package is a namespace `<domain>V<N>` (see index.ts). */
const FLAT_PACKAGES = ['common', 'platform'];

/** Where index.ts must expose a generated module: the flat exports or a package namespace. */
function exportsOf(modulePath: string): { where: string; exports: Record<string, unknown> } {
  const [, domain, version] = path
    .relative(path.join(__dirname, 'gen'), modulePath)
    .split(path.sep);
  const all = contracts as unknown as Record<string, unknown>;
  if (FLAT_PACKAGES.includes(domain)) return { where: 'flat', exports: all };
  const namespace = `${domain}V${version.replace(/^v/, '')}`;
  return { where: namespace, exports: (all[namespace] ?? {}) as Record<string, unknown> };
}

describe('@clement/contracts', () => {
  it('re-exports every generated module, flat or under its package namespace', async () => {
    const modulePaths = generatedModulePaths(path.join(__dirname, 'gen'));
    expect(modulePaths.length).toBeGreaterThan(0);
    for (const modulePath of modulePaths) {
      const generated = (await import(modulePath)) as Record<string, unknown>;
      const { where, exports } = exportsOf(modulePath);
      const missing = Object.keys(generated).filter((name) => exports[name] !== generated[name]);
      expect({ module: path.relative(__dirname, modulePath), where, missing }).toEqual({
        module: path.relative(__dirname, modulePath),
        where,
        missing: [],
      });
    }
  });

  it('exports the CRM and case packages as namespaces, so event names may repeat', () => {
    expect(contracts.crmV1.HoldLiftedSchema.typeName).toBe('clement.crm.v1.HoldLifted');
    expect(contracts.caseV1.HoldLiftedSchema.typeName).toBe('clement.case.v1.HoldLifted');
    expect(contracts.crmV1.CaseResolvedSchema).not.toBe(contracts.caseV1.CaseResolvedSchema);
    expect(Object.keys(contracts)).not.toContain('HoldLiftedSchema');
  });

  it('exports the topic catalogue and the registry', () => {
    expect(contracts.topicCatalogue.platformProbes.name).toBe('platform.internal.probes.v1');
    expect(contracts.schemaForType('clement.platform.v1.ProbeEmitted')).toBe(
      contracts.ProbeEmittedSchema,
    );
    expect(contracts.schemaForType('clement.crm.v1.DebtorUpserted')).toBe(
      contracts.crmV1.DebtorUpsertedSchema,
    );
    expect(contracts.schemaForType('clement.case.v1.CasePlaced')).toBe(
      contracts.caseV1.CasePlacedSchema,
    );
  });
});
