export { findFreePort } from './free-port';
export {
  ensureInfrastructure,
  parseBrokerList,
  type EnsureInfrastructureOptions,
  type Infrastructure,
} from './infrastructure';
export { startKafka, type KafkaBroker, type StartKafkaOptions } from './kafka';
export {
  clementCacheDir,
  fetchKafkaJars,
  type FetchKafkaJarsOptions,
  type KafkaDistribution,
} from './kafka-distribution';
export { startPostgres, type PostgresServer, type StartPostgresOptions } from './postgres';
export {
  checkStripeMockPrerequisites,
  ensureStripeMock,
  fetchStripeMock,
  startStripeMock,
  STRIPE_MOCK_VERSION,
  type StripeMock,
  type StripeMockServer,
} from './stripe-mock';
