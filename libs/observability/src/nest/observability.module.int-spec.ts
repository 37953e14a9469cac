import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Counter } from '@opentelemetry/api';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { metricsMeter } from '../metrics/meter';
import { getActiveTelemetry, startTelemetry } from '../telemetry/start-telemetry';
import { ObservabilityModule } from './observability.module';
import { provideReadinessCheck } from './provide-readiness-check';

// Jest's module registry bypasses the require hooks auto-instrumentation relies on, so spans of
// real requests are asserted in test/example-service, which runs a service as its own process.
const telemetry = startTelemetry({
  serviceName: 'observability-int',
  instrumentations: false,
  env: {},
});

const logChunks: string[] = [];
const logDestination: DestinationStream = { write: (chunk: string) => void logChunks.push(chunk) };
const logLines = (): Array<Record<string, unknown>> =>
  logChunks
    .join('')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** A dependency another module owns, e.g. a broker connection. */
@Injectable()
class BrokerConnection {
  connected = false;
}

@Module({
  providers: [
    BrokerConnection,
    provideReadinessCheck({
      inject: [BrokerConnection],
      useFactory: (broker: BrokerConnection) => ({
        name: 'broker',
        check: () =>
          broker.connected ? Promise.resolve() : Promise.reject(new Error('broker unreachable')),
      }),
    }),
  ],
  exports: [BrokerConnection],
})
class BrokerModule {}

const SETTINGS = Symbol('settings');

@Module({ providers: [{ provide: SETTINGS, useValue: { loaded: true } }], exports: [SETTINGS] })
class SettingsModule {}

@Controller('cases')
class CasesController {
  private readonly reads: Counter;

  constructor() {
    // Instruments are created after startTelemetry, as the metrics API requires.
    this.reads = metricsMeter('clement.int').createCounter('clement.int.case_reads');
  }

  @Get(':id')
  read(@Param('id') id: string): { id: string } {
    this.reads.add(1, { outcome: 'found' });
    return { id };
  }
}

@Module({
  imports: [
    ObservabilityModule.forRoot({
      serviceName: 'observability-int',
      logDestination,
      readinessTimeoutMs: 500,
      readinessChecks: {
        imports: [SettingsModule],
        inject: [SETTINGS],
        useFactory: (settings: { loaded: boolean }) => [
          {
            name: 'settings',
            check: () =>
              settings.loaded ? Promise.resolve() : Promise.reject(new Error('not loaded')),
          },
        ],
      },
    }),
    BrokerModule,
  ],
  controllers: [CasesController],
})
class AppModule {}

async function eventually<T>(probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('ObservabilityModule in a running Nest app', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app?.close();
    await telemetry.shutdown();
  });

  it('answers liveness with 200', async () => {
    const response = await fetch(`${baseUrl}/health/live`);

    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ status: 'ok' });
  });

  it('answers readiness with 503 naming the failing check, then 200 once it recovers', async () => {
    const notReady = await fetch(`${baseUrl}/health/ready`);

    expect(notReady.status).toBe(503);
    await expect(notReady.json()).resolves.toEqual({
      status: 'error',
      checks: {
        settings: { status: 'up' },
        broker: { status: 'down', reason: 'broker unreachable' },
      },
    });

    app.get(BrokerConnection).connected = true;
    const ready = await fetch(`${baseUrl}/health/ready`);

    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toEqual({
      status: 'ok',
      checks: { settings: { status: 'up' }, broker: { status: 'up' } },
    });
  });

  it('serves Prometheus text with counters incremented through the OpenTelemetry API', async () => {
    const read = await fetch(`${baseUrl}/cases/case-7`);
    expect(read.status).toBe(200);

    const response = await fetch(`${baseUrl}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(text).toMatch(/^clement_int_case_reads_total\{[^}]*outcome="found"[^}]*\} 1$/m);
    expect(text).toMatch(/^target_info\{[^}]*service_name="observability-int"/m);
  });

  it('logs each request once, with its request id and without the query string', async () => {
    const response = await fetch(`${baseUrl}/cases/case-42?email=ada@example.com`, {
      headers: { 'x-request-id': 'req-42' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-42');

    const requestLines = await eventually(() => {
      const lines = logLines().filter(
        (line) => (line['req'] as { id?: string } | undefined)?.id === 'req-42',
      );
      return lines.length > 0 ? lines : undefined;
    });

    expect(requestLines).toEqual([
      expect.objectContaining({
        service: 'observability-int',
        level: 'info',
        msg: 'request completed',
        req: { id: 'req-42', method: 'GET', url: '/cases/case-42' },
        res: { statusCode: 200 },
      }),
    ]);
    expect(logChunks.join('')).not.toContain('ada@example.com');
  });

  it('routes Nest framework logs through the JSON logger', () => {
    expect(logLines()).toContainEqual(
      expect.objectContaining({
        service: 'observability-int',
        context: 'RouterExplorer',
        msg: expect.stringContaining('/cases/:id') as unknown,
      }),
    );
  });

  it('keeps probes out of request logs', async () => {
    await fetch(`${baseUrl}/health/live`);
    await fetch(`${baseUrl}/health/ready`);
    await fetch(`${baseUrl}/metrics`);
    await fetch(`${baseUrl}/cases/after-probes`);
    await eventually(() =>
      logLines().some(
        (line) => (line['req'] as { url?: string } | undefined)?.url === '/cases/after-probes',
      )
        ? true
        : undefined,
    );

    const loggedUrls = logLines().map((line) => (line['req'] as { url?: string } | undefined)?.url);

    expect(loggedUrls).not.toContain('/health/live');
    expect(loggedUrls).not.toContain('/health/ready');
    expect(loggedUrls).not.toContain('/metrics');
  });

  it('flushes and stops telemetry when the app closes', async () => {
    expect(getActiveTelemetry()).toBe(telemetry);

    await app.close();

    expect(getActiveTelemetry()).toBeUndefined();
  });
});

describe('ObservabilityModule without startTelemetry', () => {
  @Module({
    imports: [ObservabilityModule.forRoot({ serviceName: 'no-telemetry', logLevel: 'silent' })],
    controllers: [CasesController],
  })
  class BareAppModule {}

  let app: INestApplication;

  afterAll(() => app?.close());

  it('still serves metrics from a provider of its own', async () => {
    expect(getActiveTelemetry()).toBeUndefined();
    app = await NestFactory.create(BareAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;

    await fetch(`http://127.0.0.1:${port}/cases/case-1`);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);

    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^clement_int_case_reads_total\{[^}]*\} 1$/m);
    expect(text).toMatch(/^target_info\{[^}]*service_name="no-telemetry"/m);
  });
});
