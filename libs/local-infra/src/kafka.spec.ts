import { readFileSync } from 'node:fs';
import { parseJavaMajorVersion } from './host-tools';
import { generateClusterId, kafkaServerProperties, parseListenerPorts } from './kafka';
import { clementCacheDir, KAFKA_POM_PATH, readPinnedKafkaVersion } from './kafka-distribution';

describe('kafkaServerProperties', () => {
  const properties = kafkaServerProperties({ broker: 39092, controller: 39093 }, '/tmp/k/data');
  const settings = Object.fromEntries(
    properties
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );

  it('describes one combined broker and KRaft controller on loopback', () => {
    expect(settings).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      listeners: 'PLAINTEXT://127.0.0.1:39092,CONTROLLER://127.0.0.1:39093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:39092,CONTROLLER://127.0.0.1:39093',
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.bootstrap.servers': '127.0.0.1:39093',
      'log.dirs': '/tmp/k/data',
    });
  });

  it('fits a single node and fast tests', () => {
    expect(settings).toMatchObject({
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'false',
      'num.partitions': '1',
    });
  });

  it('round-trips the ports for a persistent data dir', () => {
    expect(parseListenerPorts(properties)).toEqual({ broker: 39092, controller: 39093 });
    expect(parseListenerPorts('node.id=1\n')).toBeUndefined();
  });
});

describe('generateClusterId', () => {
  it('has the format of a Kafka Uuid string', () => {
    for (let i = 0; i < 200; i++) {
      const id = generateClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });
});

describe('the pinned Kafka distribution', () => {
  it('is a 4.x release read from the pom', () => {
    expect(readPinnedKafkaVersion(readFileSync(KAFKA_POM_PATH, 'utf8'))).toMatch(/^4\.\d+\.\d+$/);
  });

  it('is cached under CLEMENT_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(clementCacheDir({ CLEMENT_CACHE_DIR: '/cache/x', XDG_CACHE_HOME: '/xdg' })).toBe(
      '/cache/x',
    );
    expect(clementCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/clement');
    expect(clementCacheDir({})).toMatch(/\/\.cache\/clement$/);
  });
});

describe('parseJavaMajorVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_402"', 8],
    ['no version here', undefined],
  ])('reads %j as %p', (output, expected) => {
    expect(parseJavaMajorVersion(output)).toBe(expected);
  });
});
