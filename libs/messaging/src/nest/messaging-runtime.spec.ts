import { setTimeout as sleep } from 'node:timers/promises';
import { topicCatalogue } from '@clement/contracts';
import type { DataSource } from 'typeorm';
import { handlersFor } from '../consumer/event-handlers';
import type { KafkaAdminPort, KafkaPort, RecordConsumerOptions } from '../kafka/kafka-port';
import type { MessagingLogger } from '../logger';
import { Outbox } from '../outbox/outbox';
import { MessagingMetrics } from '../telemetry/messaging-metrics';
import type { MessagingModuleOptions } from './messaging-module-options';
import { MessagingRuntime } from './messaging-runtime';

const probes = handlersFor(topicCatalogue.platformProbes).on(
  topicCatalogue.platformProbes.messages[0],
  async () => undefined,
);

interface Harness {
  runtime: MessagingRuntime;
  /** What happened to the fake connections, in order. */
  log: string[];
  errors: { fields: Record<string, unknown>; message: string }[];
}

function harness(
  options: {
    relayEnabled?: boolean;
    failingRun?: string;
    failingDisconnect?: string;
  } = {},
): Harness {
  const log: string[] = [];
  const errors: Harness['errors'] = [];
  const logger: MessagingLogger = {
    info: () => undefined,
    warn: () => undefined,
    error: (fields, message) => errors.push({ fields, message }),
  };
  const admin: KafkaAdminPort = {
    ensureTopics: () => Promise.resolve([]),
    topicOffsets: () => Promise.resolve([]),
    groupOffsets: () => Promise.resolve([]),
    describeCluster: () => Promise.resolve({ brokers: 1, controller: 1 }),
    deleteGroup: () => Promise.resolve(),
    disconnect: async () => void log.push('admin disconnected'),
  };
  const kafka: KafkaPort = {
    producer: () => ({
      connect: () => Promise.resolve(),
      send: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
    }),
    consumer: ({ groupId }: RecordConsumerOptions) => ({
      run: async () => {
        if (groupId === options.failingRun) throw new Error(`${groupId} cannot join`);
        log.push(`${groupId} running`);
      },
      disconnect: async () => {
        // Slow on purpose: whatever is stopped after the consumers must wait for this.
        await sleep(30);
        if (groupId === options.failingDisconnect) throw new Error(`${groupId} lost the broker`);
        log.push(`${groupId} stopped`);
      },
    }),
    admin: async () => {
      log.push('admin connected');
      return admin;
    },
  };
  const moduleOptions: MessagingModuleOptions = {
    clientId: 'runtime-spec',
    brokers: ['unused:9092'],
    schema: 'runtime_spec',
    source: '/clement/runtime-spec',
    relay: { enabled: options.relayEnabled },
    logger,
  };
  const relay = {
    start: async () => void log.push('relay started'),
    stop: async () => void log.push('relay stopped'),
  };
  const runtime = new MessagingRuntime(
    moduleOptions,
    kafka,
    {} as DataSource,
    new Outbox({ schema: moduleOptions.schema, source: moduleOptions.source }),
    relay,
    new MessagingMetrics(),
  );
  return { runtime, log, errors };
}

describe('MessagingRuntime', () => {
  it('starts the relay and consumers on bootstrap and stops consumers, then the relay, then the admin client', async () => {
    const { runtime, log } = harness();
    runtime.addConsumer({ groupId: 'payments' }, [probes]);
    runtime.addConsumer({ groupId: 'contacts' }, [probes]);
    const readiness = runtime.readinessCheck();

    await runtime.onApplicationBootstrap();
    await readiness.check();
    expect(log).toEqual([
      'relay started',
      'payments running',
      'contacts running',
      'admin connected',
    ]);

    log.length = 0;
    await runtime.beforeApplicationShutdown();

    expect(log.slice(0, 2).sort()).toEqual(['contacts stopped', 'payments stopped']);
    expect(log.slice(2)).toEqual(['relay stopped', 'admin disconnected']);
    await expect(readiness.check()).rejects.toThrow('messaging is shut down');
  });

  it('leaves a disabled relay alone', async () => {
    const { runtime, log } = harness({ relayEnabled: false });
    runtime.addConsumer({ groupId: 'payments' }, [probes]);

    await runtime.onApplicationBootstrap();
    await runtime.beforeApplicationShutdown();

    expect(log).toEqual(['payments running', 'payments stopped']);
  });

  it('fails the bootstrap when a consumer cannot start, after stopping what did start', async () => {
    const { runtime, log, errors } = harness({ failingRun: 'contacts' });
    runtime.addConsumer({ groupId: 'payments' }, [probes]);
    runtime.addConsumer({ groupId: 'contacts' }, [probes]);

    await expect(runtime.onApplicationBootstrap()).rejects.toThrow('contacts cannot join');

    expect(log).toContain('payments stopped');
    expect(log[log.length - 1]).toBe('relay stopped');
    expect(errors.map((entry) => entry.message)).toEqual(['messaging failed to start']);
  });

  it('logs a consumer that fails to stop and still stops the relay', async () => {
    const { runtime, log, errors } = harness({ failingDisconnect: 'payments' });
    runtime.addConsumer({ groupId: 'payments' }, [probes]);
    await runtime.onApplicationBootstrap();

    await expect(runtime.beforeApplicationShutdown()).resolves.toBeUndefined();

    expect(log).toContain('relay stopped');
    expect(errors).toEqual([
      {
        fields: {
          consumerGroup: 'payments',
          err: { type: 'Error', message: 'payments lost the broker' },
        },
        message: 'messaging failed to stop',
      },
    ]);
  });

  it('rejects consumer declarations it could not honour', async () => {
    const { runtime } = harness();
    runtime.addConsumer({ groupId: 'payments' }, [probes]);

    expect(() => runtime.addConsumer({ groupId: 'payments' }, [probes])).toThrow(
      'consumer group payments is declared twice',
    );
    expect(() => runtime.addConsumer({ groupId: 'contacts' }, [])).toThrow(
      'consumer group contacts subscribes to no topic',
    );
    await runtime.onApplicationBootstrap();
    expect(() => runtime.addConsumer({ groupId: 'late' }, [probes])).toThrow(
      'consumer group late was declared after the application bootstrapped',
    );
    await runtime.beforeApplicationShutdown();
  });

  it('closes the readiness admin client of an app that never bootstrapped', async () => {
    const { runtime, log } = harness();
    const readiness = runtime.readinessCheck();
    await readiness.check();

    await runtime.beforeApplicationShutdown();

    expect(log).toEqual(['admin connected', 'admin disconnected']);
    await expect(readiness.check()).rejects.toThrow('messaging is shut down');
  });
});
