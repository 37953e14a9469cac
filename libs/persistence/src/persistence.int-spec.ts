import 'reflect-metadata';
import { captureJsonLog } from '@clement/testing';
import { runReadinessChecks } from '@clement/observability';
import {
  Column,
  type DataSource,
  Entity,
  type MigrationInterface,
  PrimaryGeneratedColumn,
  type QueryRunner,
} from 'typeorm';
import { createServiceDataSource } from './data-source/create-service-data-source';
import { databaseReadinessCheck } from './health/database-readiness-check';
import { runMigrateCommand } from './migrations/migrate-command';
import { ensureSchema, runMigrations } from './migrations/run-migrations';

const DATABASE_URL = process.env['DATABASE_URL'];
if (!DATABASE_URL) {
  throw new Error(
    'DATABASE_URL must point at the test PostgreSQL (set by the integration globalSetup)',
  );
}

// Unique per run so parallel or repeated runs against one database never collide.
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const schemas = {
  billing: `billing_${run}`,
  dispatch: `dispatch_${run}`,
  race: `race_${run}`,
  partial: `partial_${run}`,
  command: `command_${run}`,
};

@Entity('invoices')
class Invoice {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;
}

// Unqualified table names on purpose: search_path must put them in the service's schema.
class CreateInvoices1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE invoices (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), amount_minor bigint NOT NULL)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE invoices');
  }
}

class CreateDispatches1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE dispatches (id bigserial PRIMARY KEY, channel text NOT NULL)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE dispatches');
  }
}

class BrokenMigration1700000000003 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE half_done (id int)');
    await queryRunner.query('SELECT * FROM table_that_does_not_exist');
  }

  async down(): Promise<void> {
    // Never applied, so nothing to undo.
  }
}

describe('service data sources against PostgreSQL', () => {
  const opened: DataSource[] = [];
  let admin: DataSource;

  async function open(
    schema: string,
    migrations: Array<new () => MigrationInterface>,
    entities: Array<new () => object> = [],
    url: string = DATABASE_URL!,
  ): Promise<DataSource> {
    const dataSource = createServiceDataSource({ url, schema, migrations, entities });
    opened.push(dataSource);
    await dataSource.initialize();
    return dataSource;
  }

  async function tablesIn(schema: string): Promise<string[]> {
    const rows: Array<{ table_name: string }> = await admin.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    return rows.map((row) => row.table_name);
  }

  beforeAll(async () => {
    admin = createServiceDataSource({ url: DATABASE_URL!, schema: `admin_${run}` });
    await admin.initialize();
  });

  afterAll(async () => {
    await Promise.all(
      opened
        .filter((dataSource) => dataSource.isInitialized)
        .map((dataSource) => dataSource.destroy()),
    );
    for (const schema of Object.values(schemas)) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
    await admin.destroy();
  });

  it('runs each service migration into its own schema, with a migrations table per schema', async () => {
    const billing = await open(schemas.billing, [CreateInvoices1700000000001]);
    const dispatch = await open(schemas.dispatch, [CreateDispatches1700000000002]);

    await expect(runMigrations(billing)).resolves.toEqual(['CreateInvoices1700000000001']);
    await expect(runMigrations(dispatch)).resolves.toEqual(['CreateDispatches1700000000002']);

    await expect(tablesIn(schemas.billing)).resolves.toEqual(['invoices', 'migrations']);
    await expect(tablesIn(schemas.dispatch)).resolves.toEqual(['dispatches', 'migrations']);
    const applied: Array<{ name: string }> = await admin.query(
      `SELECT name FROM "${schemas.billing}".migrations`,
    );
    expect(applied).toEqual([{ name: 'CreateInvoices1700000000001' }]);
  });

  it('applies nothing when run again', async () => {
    const billing = await open(schemas.billing, [CreateInvoices1700000000001]);

    await expect(runMigrations(billing)).resolves.toEqual([]);
    await expect(tablesIn(schemas.billing)).resolves.toEqual(['invoices', 'migrations']);
  });

  it('reads and writes entities in the service schema', async () => {
    const billing = await open(schemas.billing, [], [Invoice]);
    const invoices = billing.getRepository(Invoice);

    const saved = await invoices.save(invoices.create({ amountMinor: '12500' }));
    const rows: Array<{ amount_minor: string }> = await admin.query(
      `SELECT amount_minor FROM "${schemas.billing}".invoices WHERE id = $1`,
      [saved.id],
    );

    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows).toEqual([{ amount_minor: '12500' }]);
  });

  it('lets concurrent runs for one schema wait for each other instead of racing', async () => {
    const first = await open(schemas.race, [CreateInvoices1700000000001]);
    const second = await open(schemas.race, [CreateInvoices1700000000001]);

    const results = await Promise.all([runMigrations(first), runMigrations(second)]);

    expect(results.flat()).toEqual(['CreateInvoices1700000000001']);
    const applied: Array<{ count: string }> = await admin.query(
      `SELECT count(*)::text AS count FROM "${schemas.race}".migrations`,
    );
    expect(applied).toEqual([{ count: '1' }]);
  });

  it('commits each migration on its own and rolls back only the one that fails', async () => {
    const partial = await open(schemas.partial, [
      CreateInvoices1700000000001,
      BrokenMigration1700000000003,
    ]);

    await expect(runMigrations(partial)).rejects.toThrow(/table_that_does_not_exist/);

    await expect(tablesIn(schemas.partial)).resolves.toEqual(['invoices', 'migrations']);
    // The advisory lock was released: a fixed deployment can migrate straight away.
    const fixed = await open(schemas.partial, [CreateInvoices1700000000001]);
    await expect(runMigrations(fixed)).resolves.toEqual([]);
  });

  it('creates the schema on demand', async () => {
    const scratch = await open(`scratch_${run}`, []);

    await ensureSchema(scratch);
    await ensureSchema(scratch);

    const rows: Array<{ schema_name: string }> = await admin.query(
      'SELECT schema_name FROM information_schema.schemata WHERE schema_name = $1',
      [`scratch_${run}`],
    );
    expect(rows).toHaveLength(1);
    await admin.query(`DROP SCHEMA "scratch_${run}"`);
  });

  it('reports ready while the database answers', async () => {
    const billing = await open(schemas.billing, []);

    await expect(runReadinessChecks([databaseReadinessCheck(billing)])).resolves.toEqual({
      status: 'ok',
      checks: { database: { status: 'up' } },
    });
  });

  it('reports not ready, with a clear reason, for a wrong URL', async () => {
    const wrong = new URL(DATABASE_URL!);
    wrong.port = '1';
    const unreachable = createServiceDataSource({
      url: wrong.toString(),
      schema: schemas.billing,
      connectTimeoutMs: 2_000,
    });

    await expect(unreachable.initialize()).rejects.toThrow(/ECONNREFUSED/);
    await expect(runReadinessChecks([databaseReadinessCheck(unreachable)])).resolves.toEqual({
      status: 'error',
      checks: { database: { status: 'down', reason: 'database connection is not initialized' } },
    });
  });

  it('reports not ready with PostgreSQL’s reason when the database goes away after start-up', async () => {
    const databaseName = `readiness_${run}`;
    await admin.query(`CREATE DATABASE "${databaseName}"`);
    const url = new URL(DATABASE_URL!);
    url.pathname = `/${databaseName}`;
    const dataSource = await open(schemas.billing, [], [], url.toString());
    const check = databaseReadinessCheck(dataSource);
    await expect(check.check()).resolves.toBeUndefined();

    try {
      await admin.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [databaseName],
      );

      const report = await runReadinessChecks([check]);

      expect(report.status).toBe('error');
      expect(report.checks['database']).toEqual({
        status: 'down',
        reason: expect.stringMatching(/terminat|not currently accepting connections/) as unknown,
      });
    } finally {
      await dataSource.destroy();
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    }
  });

  it('migrates through the command, logging what it applied, and exits 0', async () => {
    const logs = captureJsonLog();
    const exit = jest.fn();
    const command = {
      schema: schemas.command,
      migrations: [CreateDispatches1700000000002],
      env: { DATABASE_URL },
      logDestination: logs,
      exit,
    };

    await expect(runMigrateCommand(command)).resolves.toBe(0);
    await expect(runMigrateCommand(command)).resolves.toBe(0);

    expect(exit.mock.calls).toEqual([[0], [0]]);
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 'info',
        schema: schemas.command,
        applied: ['CreateDispatches1700000000002'],
        msg: 'migrate: applied 1 migration(s): CreateDispatches1700000000002',
      }),
      expect.objectContaining({
        applied: [],
        msg: 'migrate: schema is up to date, no pending migrations',
      }),
    ]);
    await expect(tablesIn(schemas.command)).resolves.toEqual(['dispatches', 'migrations']);
  });

  it('exits 1 with the reason, and without the password, when the database refuses', async () => {
    const logs = captureJsonLog();
    const url = new URL(DATABASE_URL!);
    url.password = 'definitely-wrong-pw';
    url.username = 'nobody_here';

    const code = await runMigrateCommand({
      schema: schemas.command,
      migrations: [],
      env: { DATABASE_URL: url.toString() },
      logDestination: logs,
      exit: () => undefined,
    });

    expect(code).toBe(1);
    const [line] = logs.lines();
    expect(line).toMatchObject({ level: 'error', schema: schemas.command });
    expect(String(line?.['msg'])).toMatch(/^migrate: failed: .*nobody_here/);
    expect(JSON.stringify(logs.lines())).not.toContain('definitely-wrong-pw');
  });
});
