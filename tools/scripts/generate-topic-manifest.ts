/**
 * Writes deploy/kafka/topics.txt from the topic catalogue, so docker-compose's kafka-init (and
 * Helm) create exactly the topics the code declares. Run through tools/scripts/codegen.sh.
 *
 *   npx tsx tools/scripts/generate-topic-manifest.ts [--out <file>]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allTopicDefinitions, type TopicDefinition } from '@clement/contracts';

const repoRoot = path.resolve(__dirname, '../..');
const defaultOut = path.join(repoRoot, 'deploy/kafka/topics.txt');

function renderTopicManifest(topics: readonly TopicDefinition[]): string {
  const header = [
    '# Generated from libs/contracts/src/topics.ts by tools/scripts/generate-topic-manifest.ts.',
    '# Do not edit: change the catalogue and run tools/scripts/codegen.sh.',
    '# <name> <partitions> <retention.ms> <cleanup.policy>',
  ];
  const lines = topics.map((topic) =>
    [topic.name, topic.partitions, topic.retentionMs, topic.cleanupPolicy].join(' '),
  );
  return [...header, ...lines].join('\n') + '\n';
}

function outputPath(args: readonly string[]): string {
  const flag = args.indexOf('--out');
  if (flag === -1) return defaultOut;
  const value = args[flag + 1];
  if (value === undefined || value.startsWith('--')) {
    throw new Error('--out needs a file path');
  }
  return path.resolve(value);
}

const out = outputPath(process.argv.slice(2));
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, renderTopicManifest(allTopicDefinitions()));
console.log(`wrote ${path.relative(process.cwd(), out) || out}`);
