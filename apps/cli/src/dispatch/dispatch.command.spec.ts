import { fromBinary } from '@bufbuild/protobuf';
import { dispatchV1 } from '@clement/contracts';
import type { KafkaPort, OutgoingRecord } from '@clement/messaging';
import { UsageError } from '../kafka-from-env';
import { buildProgram } from '../program';

/** The program with stdout captured and a producer that keeps what it was given. */
function program() {
  const stdout: string[] = [];
  const sent: OutgoingRecord[] = [];
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      send: async (records: readonly OutgoingRecord[]) => void sent.push(...records),
      disconnect: async () => undefined,
    }),
  } as unknown as KafkaPort;
  const cli = buildProgram((line) => stdout.push(line), {
    stderr: { isTTY: false, write: () => true },
    kafka: () => kafka,
  });
  return { run: (...args: string[]) => cli.parseAsync(['node', 'clement', ...args]), stdout, sent };
}

const required = ['--tenant', 'demo-bank', '--debtor', 'debtor-1', '--case', 'case-1'];

describe('clement dispatch send (without a broker)', () => {
  it('publishes one SendMessage and prints its dispatch id', async () => {
    const cli = program();
    await cli.run('dispatch', 'send', ...required, '--channel', 'sms');

    expect(cli.sent).toHaveLength(1);
    expect(cli.stdout).toHaveLength(1);
    expect(cli.stdout[0]).toMatch(/^cli-[0-9a-f-]{36}$/);
    const command = fromBinary(dispatchV1.SendMessageSchema, cli.sent[0]!.value);
    expect(command.dispatchId).toBe(cli.stdout[0]);
    expect(command.templateKey).toBe('reminder.first');
    expect(command.purpose).toBe(dispatchV1.MessagePurpose.REMINDER);
    expect(command.tone).toBe(dispatchV1.MessageTone.STANDARD);
  });

  it('prints JSON on --json', async () => {
    const cli = program();
    await cli.run(
      'dispatch',
      'send',
      ...required,
      '--channel',
      'email',
      '--dispatch-id',
      'k-1',
      '--json',
    );
    expect(JSON.parse(cli.stdout[0]!)).toEqual({
      dispatchId: 'k-1',
      tenant: 'demo-bank',
      key: 'demo-bank:debtor-1',
      topic: 'dispatch.internal.commands.v1',
    });
  });

  it.each([
    [['--channel', 'sms', '--tenant', 'demo-bank', '--case', 'c'], /--debtor <id>' not specified/],
    [[...required], /--channel <channel>' not specified/],
    [[...required, '--channel', 'pigeon'], /--channel must be one of sms, whatsapp, email/],
    [[...required, '--channel', 'sms', '--urgent'], /unknown option '--urgent'/],
    [[...required, '--channel', 'sms', '--not-before', 'soon'], /--not-before must be an ISO/],
  ])('refuses %j as bad usage, publishing nothing', async (args, message) => {
    const cli = program();
    const error = await cli.run('dispatch', 'send', ...args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect(cli.sent).toHaveLength(0);
  });

  it('refuses a bad --max on tail', async () => {
    const error = await program()
      .run('dispatch', 'tail', '--max', '0')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
  });
});
