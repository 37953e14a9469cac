import { Logger } from '@nestjs/common';
import type { MessagingLogger } from '../logger';

/**
 * A MessagingLogger writing through Nest's Logger, so the library's lines go wherever the app's
 * logger goes (JSON via nestjs-pino in a service, with `context` set).
 */
export function nestMessagingLogger(context = 'Messaging'): MessagingLogger {
  const logger = new Logger(context);
  return {
    info: (fields, message) => logger.log({ ...fields, msg: message }),
    warn: (fields, message) => logger.warn({ ...fields, msg: message }),
    error: (fields, message) => logger.error({ ...fields, msg: message }),
  };
}
