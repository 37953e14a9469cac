/** The process's KafkaPort (kafkajs behind the library's own interface). */
export const KAFKA_PORT = Symbol('clement.messaging.kafka-port');

/** The resolved MessagingModuleOptions. */
export const MESSAGING_OPTIONS = Symbol('clement.messaging.options');
