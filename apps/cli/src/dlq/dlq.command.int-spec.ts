import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { create, fromBinary, toJson } from '@bufbuild/protobuf';
import { ProbeEmittedSchema } from '@clement/contracts';
import {
  ContentType,
  createKafkajsPort,
  deadLetterHeaders,
  dlqTopicName,
  envelopeToHeaders,
  provisionTopics,
  readTopicToEnd,
  REPLAYED_FROM_HEADER,
} from '@clement/messaging';

const run = promisify(execFile);
const main = join(__dirname, '..', 'main.ts');

function clement(...args: string[]) {
  return run(process.execPath, ['--require', 'tsx/cjs', main, ...args], { env: process.env });
}

describe('clement dlq (the command, against a real broker)', () => {
  const topic = `test.internal.cli-${Date.now().toString(36)}.v1`;
  const kafka = createKafkajsPort({
    clientId: 'cli-test',
    brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  });
  const headers = envelopeToHeaders({
    id: 'evt-1',
    source: '/clement/cli-test',
    type: ProbeEmittedSchema.typeName,
    time: '2026-11-23T08:30:00.000Z',
    contentType: ContentType.protobuf,
    tenantId: 'tenant-a',
    partitionKey: 'tenant-a:debtor-1',
    correlationId: 'evt-1',
  });

  beforeAll(async () => {
    const admin = await kafka.admin();
    await provisionTopics(admin, [
      { name: topic, partitions: 1, retentionMs: 3_600_000, cleanupPolicy: 'delete' },
      { name: dlqTopicName(topic), partitions: 1, retentionMs: 3_600_000, cleanupPolicy: 'delete' },
    ]);
    await admin.disconnect();
    // A dead letter exactly as the consumer writes one: the broken record plus the failure headers.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([
      {
        topic: dlqTopicName(topic),
        key: 'tenant-a:debtor-1',
        value: Buffer.from([0x0a, 0xff, 0xff]),
        headers: deadLetterHeaders(
          {
            topic,
            partition: 0,
            offset: '17',
            key: 'tenant-a:debtor-1',
            value: null,
            headers,
            timestamp: '0',
          },
          {
            errorType: 'MalformedEventError',
            reason: 'undecodable-payload: invalid protobuf',
            errorClass: 'permanent',
            attempts: 1,
            consumerGroup: 'case-service',
            failedAt: new Date('2026-11-23T09:00:00Z'),
          },
        ),
      },
    ]);
    await producer.disconnect();
  });

  it('lists dead letters with their reason', async () => {
    const { stdout } = await clement('dlq', 'list', topic, '--json');
    const letters = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(letters).toEqual([
      expect.objectContaining({
        partition: 0,
        offset: '0',
        originalTopic: topic,
        originalOffset: '17',
        eventType: 'clement.platform.v1.ProbeEmitted',
        eventId: 'evt-1',
        errorType: 'MalformedEventError',
        reason: 'undecodable-payload: invalid protobuf',
        attempts: 1,
        consumerGroup: 'case-service',
      }),
    ]);
    const table = await clement('dlq', 'list', dlqTopicName(topic));
    expect(table.stdout).toContain('1 dead letter(s)');
    expect(table.stdout).toContain('MalformedEventError after 1 attempt(s): undecodable-payload');
  });

  it('replays a dead letter with a corrected payload to the original topic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clement-cli-'));
    const fixed = join(dir, 'fixed.json');
    writeFileSync(
      fixed,
      JSON.stringify(
        toJson(ProbeEmittedSchema, create(ProbeEmittedSchema, { probeId: 'p', sequence: 5n })),
      ),
    );

    const { stdout } = await clement(
      'dlq',
      'replay',
      topic,
      '--partition',
      '0',
      '--offset',
      '0',
      '--payload-json',
      fixed,
    );
    rmSync(dir, { recursive: true, force: true });
    expect(stdout).toContain(`to ${topic}`);

    const [replayed] = await readTopicToEnd(kafka, topic);
    expect(replayed.key).toBe('tenant-a:debtor-1');
    expect(fromBinary(ProbeEmittedSchema, replayed.value as Buffer).sequence).toBe(5n);
    expect(replayed.headers).toMatchObject({
      ce_id: 'evt-1',
      ce_type: ProbeEmittedSchema.typeName,
    });
    expect(replayed.headers[REPLAYED_FROM_HEADER]).toBe(`${dlqTopicName(topic)}/0/0`);
    expect(Object.keys(replayed.headers).some((name) => name.startsWith('dlq-'))).toBe(false);
  });

  it('explains bad usage with exit code 2', async () => {
    await expect(
      clement('dlq', 'replay', topic, '--partition', '0', '--offset', '99'),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no dead letter at'),
    });
    await expect(
      run(process.execPath, ['--require', 'tsx/cjs', main, 'dlq', 'list', topic], {
        env: { ...process.env, KAFKA_BROKERS: '' },
      }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('KAFKA_BROKERS is not set'),
    });
  });
});
