import {
  createTestTopics,
  testKafka,
  testTopic,
  uniqueSuffix,
} from '../__fixtures__/pipeline-fixture';
import { readTopicToEnd } from './dead-letter-tools';

describe('readTopicToEnd on real Kafka', () => {
  const kafka = testKafka('read-topic-test');
  const topic = testTopic(`test.internal.read-${uniqueSuffix()}.v1`, 2);

  it('reads partitions that hold more than one fetch (1 MB) to their end', async () => {
    await createTestTopics(kafka, topic);
    const producer = kafka.producer();
    await producer.connect();
    // 2,400 records of 2 KB over 2 partitions: about 2.4 MB each.
    for (let batch = 0; batch < 6; batch++) {
      await producer.send(
        Array.from({ length: 400 }, (_, index) => ({
          topic: topic.name,
          key: `key-${index % 7}`,
          value: Buffer.alloc(2_048, batch),
          headers: { n: String(batch * 400 + index) },
        })),
      );
    }
    await producer.disconnect();

    const records = await readTopicToEnd(kafka, topic.name, 60_000);

    expect(records).toHaveLength(2_400);
    expect(new Set(records.map((record) => record.headers['n'])).size).toBe(2_400);
  });
});
