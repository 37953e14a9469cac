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

describe('@clement/contracts', () => {
  it('re-exports every generated module', async () => {
    const modulePaths = generatedModulePaths(path.join(__dirname, 'gen'));
    expect(modulePaths.length).toBeGreaterThan(0);
    for (const modulePath of modulePaths) {
      const generated = (await import(modulePath)) as Record<string, unknown>;
      const missing = Object.keys(generated).filter(
        (name) => (contracts as Record<string, unknown>)[name] !== generated[name],
      );
      expect({ module: path.relative(__dirname, modulePath), missing }).toEqual({
        module: path.relative(__dirname, modulePath),
        missing: [],
      });
    }
  });

  it('exports the topic catalogue and the registry', () => {
    expect(contracts.topicCatalogue.platformProbes.name).toBe('platform.internal.probes.v1');
    expect(contracts.schemaForType('clement.platform.v1.ProbeEmitted')).toBe(
      contracts.ProbeEmittedSchema,
    );
  });
});
