import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ObservabilityModule, provideReadinessCheck } from '@clement/observability';
import { DataSource } from 'typeorm';
import { serviceDataSourceOptions } from './data-source/create-service-data-source';
import { databaseReadinessCheck } from './health/database-readiness-check';

const DATABASE_URL = process.env['DATABASE_URL'];
if (!DATABASE_URL) {
  throw new Error(
    'DATABASE_URL must point at the test PostgreSQL (set by the integration globalSetup)',
  );
}

// The wiring a service uses: TypeORM through @nestjs/typeorm with the service's options, and the
// database check contributed to /health/ready by the module that owns the DataSource.
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () => ({
        ...serviceDataSourceOptions({ url: DATABASE_URL, schema: 'wiring_probe' }),
        retryAttempts: 0,
      }),
    }),
  ],
  providers: [
    provideReadinessCheck({
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => databaseReadinessCheck(dataSource),
    }),
  ],
})
class DatabaseModule {}

@Module({
  imports: [
    ObservabilityModule.forRoot({ serviceName: 'wiring', logLevel: 'silent' }),
    DatabaseModule,
  ],
})
class AppModule {}

describe('persistence wired into a Nest service', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => app?.close());

  it('reports the database in /health/ready, and its outage as 503', async () => {
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toEqual({
      status: 'ok',
      checks: { database: { status: 'up' } },
    });

    await app.get(DataSource).destroy();
    const notReady = await fetch(`${baseUrl}/health/ready`);

    expect(notReady.status).toBe(503);
    await expect(notReady.json()).resolves.toEqual({
      status: 'error',
      checks: { database: { status: 'down', reason: 'database connection is not initialized' } },
    });
  });
});
