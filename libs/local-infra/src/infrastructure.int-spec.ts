import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';

// KAFKA_BROKERS, DATABASE_URL and STRIPE_MOCK_URL come from the integration global setup
// (libs/testing/src/jest).
describe('the integration infrastructure', () => {
  it('carries a message through the Kafka broker', async () => {
    const kafka = new Kafka({
      clientId: 'local-infra-int-spec',
      brokers: process.env.KAFKA_BROKERS!.split(','),
      logLevel: logLevel.WARN,
    });
    const topic = `local-infra-probe-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: `local-infra-probe-${randomUUID()}` });
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'debtor-1', value: 'hello' }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string }>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              resolve({ key: String(message.key), value: String(message.value) });
            },
          })
          .catch(reject);
      });
      expect(received).toEqual({ key: 'debtor-1', value: 'hello' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.disconnect();
    }
  });

  it('answers queries on the clement PostgreSQL database', async () => {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ one: number; database: string; version: string }>(
        "SELECT 1 AS one, current_database() AS database, current_setting('server_version') AS version",
      );
      expect(rows).toEqual([{ one: 1, database: 'clement', version: expect.any(String) }]);
    } finally {
      await client.end();
    }
  });

  it('answers Stripe API calls on stripe-mock', async () => {
    const response = await fetch(`${process.env.STRIPE_MOCK_URL}/v1/refunds`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_123' },
      body: new URLSearchParams({ payment_intent: 'pi_123', amount: '500' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: 'refund', amount: 500 });
  });
});
