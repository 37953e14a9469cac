import { uniqueName } from './unique-name';

describe('uniqueName', () => {
  it('starts with the prefix and differs on every call', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('orders')));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^orders_[a-z0-9]+_[0-9a-f]{6}$/);
  });

  it('is a valid Kafka topic and unquoted PostgreSQL identifier', () => {
    const name = uniqueName('Payment-Events.v1 test!'.repeat(5));
    expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
    expect(name.length).toBeLessThanOrEqual(63);
  });

  it('copes with a prefix that has no usable characters', () => {
    expect(uniqueName('123-')).toMatch(/^t_[a-z0-9]+_[0-9a-f]{6}$/);
  });
});
