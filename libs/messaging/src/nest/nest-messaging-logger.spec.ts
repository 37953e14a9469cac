import { Logger, type LoggerService } from '@nestjs/common';
import { nestMessagingLogger } from './nest-messaging-logger';

describe('nestMessagingLogger', () => {
  const calls: { level: string; message: unknown; params: unknown[] }[] = [];
  const capture: LoggerService = {
    log: (message: unknown, ...params: unknown[]) => calls.push({ level: 'log', message, params }),
    warn: (message: unknown, ...params: unknown[]) =>
      calls.push({ level: 'warn', message, params }),
    error: (message: unknown, ...params: unknown[]) =>
      calls.push({ level: 'error', message, params }),
  };

  beforeAll(() => Logger.overrideLogger(capture));
  afterAll(() => Logger.overrideLogger(true));

  it('writes structured lines through the app logger with the context and message', () => {
    const logger = nestMessagingLogger('Relay');

    logger.info({ schema: 'case_service' }, 'outbox relay is the leader');
    logger.warn({ attempt: 2 }, 'event handling failed; retrying');
    logger.error({ topic: 't' }, 'event dead-lettered');

    expect(calls).toEqual([
      {
        level: 'log',
        message: { schema: 'case_service', msg: 'outbox relay is the leader' },
        params: ['Relay'],
      },
      {
        level: 'warn',
        message: { attempt: 2, msg: 'event handling failed; retrying' },
        params: ['Relay'],
      },
      {
        level: 'error',
        message: { topic: 't', msg: 'event dead-lettered' },
        params: [undefined, 'Relay'],
      },
    ]);
  });
});
