import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ContactChannel, dispatchV1, topicCatalogue } from '@clement/contracts';
import {
  ContentType,
  createKafkajsPort,
  envelopeFromHeaders,
  envelopeToHeaders,
  provisionTopics,
  readTopicToEnd,
} from '@clement/messaging';
import { buildProgram } from '../program';

const run = promisify(execFile);
const main = join(__dirname, '..', 'main.ts');

/** The real entry point as a process: exit codes and stdout as a user sees them. */
function clement(...args: string[]) {
  return run(process.execPath, ['--require', 'tsx/cjs', main, ...args], { env: process.env });
}

describe('clement dispatch (the commands, against a real broker)', () => {
  const kafka = createKafkajsPort({
    clientId: 'cli-dispatch-test',
    brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  });
  const tenant = `cli-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const debtorId = randomUUID();
  const caseId = randomUUID();

  beforeAll(async () => {
    const admin = await kafka.admin();
    await provisionTopics(admin, [topicCatalogue.dispatchCommands, topicCatalogue.dispatchEvents]);
    await admin.disconnect();
  });

  it('send publishes one SendMessage command, keyed and enveloped as dispatch expects', async () => {
    const { stdout } = await clement(
      'dispatch',
      'send',
      '--tenant',
      tenant,
      '--debtor',
      debtorId,
      '--case',
      caseId,
      '--channel',
      'whatsapp',
      '--purpose',
      'payment_request',
      '--tone',
      'supportive',
      '--not-before',
      '2026-11-24T09:30:00Z',
      '--expires-at',
      '2026-11-30T21:00:00Z',
    );
    const dispatchId = stdout.trim();
    expect(dispatchId).toMatch(/^cli-[0-9a-f-]{36}$/);

    const records = (
      await readTopicToEnd(kafka, topicCatalogue.dispatchCommands.name, 60_000)
    ).filter((record) => record.headers['ce_tenantid'] === tenant);
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record.key).toBe(`${tenant}:${debtorId}`);
    const envelope = envelopeFromHeaders(record.headers);
    expect(envelope).toMatchObject({
      source: '/clement/cli',
      type: 'clement.dispatch.v1.SendMessage',
      tenantId: tenant,
      partitionKey: `${tenant}:${debtorId}`,
      contentType: ContentType.protobuf,
    });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(envelope.correlationId).toBe(envelope.id);

    const command = fromBinary(dispatchV1.SendMessageSchema, record.value!);
    expect(command).toMatchObject({
      dispatchId,
      caseId,
      debtorId,
      channel: ContactChannel.WHATSAPP,
      purpose: dispatchV1.MessagePurpose.PAYMENT_REQUEST,
      tone: dispatchV1.MessageTone.SUPPORTIVE,
      templateKey: 'reminder.first',
    });
    expect(timestampDate(command.notBefore!).toISOString()).toBe('2026-11-24T09:30:00.000Z');
    expect(timestampDate(command.expiresAt!).toISOString()).toBe('2026-11-30T21:00:00.000Z');
  });

  it('send explains bad usage with exit code 2 and publishes nothing', async () => {
    const other = `${tenant}-bad`;
    await expect(
      clement('dispatch', 'send', '--tenant', other, '--debtor', debtorId, '--case', caseId),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("required option '--channel <channel>' not specified"),
    });
    await expect(
      clement(
        'dispatch',
        'send',
        '--tenant',
        other,
        '--debtor',
        debtorId,
        '--case',
        caseId,
        '--channel',
        'fax',
      ),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--channel must be one of sms, whatsapp, email'),
    });
    const records = await readTopicToEnd(kafka, topicCatalogue.dispatchCommands.name, 60_000);
    expect(records.filter((record) => record.headers['ce_tenantid'] === other)).toHaveLength(0);
  });

  it("tail prints the tenant's dispatch events, one line each", async () => {
    const partitionKey = `${tenant}:${debtorId}`;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([
      {
        topic: topicCatalogue.dispatchEvents.name,
        key: partitionKey,
        value: Buffer.from(
          toBinary(
            dispatchV1.MessageDeferredSchema,
            create(dispatchV1.MessageDeferredSchema, {
              dispatchId: 'cli-deferred-1',
              debtorId,
              until: timestampFromDate(new Date('2026-11-24T08:00:00Z')),
              reasons: [{ code: 'quiet_hours', detail: 'outside 09:00–21:00' }],
            }),
          ),
        ),
        headers: envelopeToHeaders({
          id: randomUUID(),
          source: '/clement/dispatch-service',
          type: dispatchV1.MessageDeferredSchema.typeName,
          time: '2026-11-23T21:30:00.000Z',
          contentType: ContentType.protobuf,
          tenantId: tenant,
          partitionKey,
          correlationId: randomUUID(),
        }),
      },
    ]);
    await producer.disconnect();

    const lines: string[] = [];
    await buildProgram((line) => lines.push(line)).parseAsync([
      'node',
      'clement',
      'dispatch',
      'tail',
      '--tenant',
      tenant,
      '--from-beginning',
      '--max',
      '1',
      '--idle-timeout',
      '60000',
    ]);
    expect(lines).toEqual([
      `2026-11-23T21:30:00.000Z  ${tenant}  MessageDeferred  cli-deferred-1  ` +
        'until=2026-11-24T08:00:00.000Z  reasons=quiet_hours',
    ]);
  });
});
