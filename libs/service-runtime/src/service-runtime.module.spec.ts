import 'reflect-metadata';
import { createServer } from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@clement/messaging/nest';
import { ObservabilityModule } from '@clement/observability';
import { ServiceRuntimeModule, type ServiceRuntimeOptions } from './service-runtime.module';

const options: ServiceRuntimeOptions = {
  serviceName: 'runtime-spec',
  logLevel: 'silent',
  databaseUrl: 'postgres://clement:clement@127.0.0.1:5432/clement',
  schema: 'runtime_spec',
  migrations: [],
  kafkaBrokers: ['127.0.0.1:9092'],
  cloudEventsSource: '/clement/runtime-spec',
};

/** A local port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('expected a TCP address');
  }
  return address.port;
}

describe('ServiceRuntimeModule', () => {
  it('imports observability, TypeORM and messaging once, each registered globally', () => {
    const runtime = ServiceRuntimeModule.forRoot(options);
    const imports = runtime.imports as DynamicModule[];

    expect(imports.map((imported) => imported.module)).toEqual([
      ObservabilityModule,
      TypeOrmModule,
      MessagingModule,
    ]);
    // Feature modules inject DataSource, Outbox, MessagingRuntime and ReadinessRegistry without
    // importing this module; that holds only while what provides them stays global.
    expect(imports[0]?.global).toBe(true);
    expect(imports[2]?.global).toBe(true);
    const typeOrmCore = imports[1]?.imports?.[0] as DynamicModule;
    expect(Reflect.getMetadata('__module:global__', typeOrmCore.module)).toBe(true);
  });

  it('fails the boot on the first refused database connection instead of retrying', async () => {
    const port = await closedPort();
    const started = Date.now();

    await expect(
      NestFactory.createApplicationContext(
        ServiceRuntimeModule.forRoot({
          ...options,
          databaseUrl: `postgres://clement:clement@127.0.0.1:${port}/clement`,
        }),
        { logger: false, abortOnError: false },
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
    // @nestjs/typeorm's default is 9 attempts 3 s apart.
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});
