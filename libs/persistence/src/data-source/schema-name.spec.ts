import { assertServiceSchemaName } from './schema-name';

describe('assertServiceSchemaName', () => {
  it.each(['case', 'crm_sync', '_scratch', 'a'.repeat(63)])('accepts %s', (schema) => {
    expect(() => assertServiceSchemaName(schema)).not.toThrow();
  });

  it.each(['Case', '1case', 'case-service', 'case"; DROP SCHEMA public; --', '', 'a'.repeat(64)])(
    'rejects %j as an identifier',
    (schema) => {
      expect(() => assertServiceSchemaName(schema)).toThrow(/Invalid schema name/);
    },
  );

  it.each(['public', 'information_schema', 'pg_temp'])('rejects the reserved %s', (schema) => {
    expect(() => assertServiceSchemaName(schema)).toThrow(/reserved/);
  });
});
