import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Options } from 'pino-http';
import { isProbePath, stripQuery } from '../http/probe-paths';

const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
}

interface SerializedResponse {
  statusCode?: number;
}

/**
 * pino-http options: one line per request with method, path (no query string), status and
 * duration. Headers, query and params are left out because they may carry tokens or personal data.
 */
export function requestLoggingOptions(logger: Logger): Options {
  return {
    logger,
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const incoming = request.headers[REQUEST_ID_HEADER];
      const id =
        typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      response.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    autoLogging: { ignore: (request: IncomingMessage) => isProbePath(request.url) },
    serializers: {
      req: (request: SerializedRequest) => ({
        id: request.id,
        method: request.method,
        url: request.url === undefined ? undefined : stripQuery(request.url),
      }),
      res: (response: SerializedResponse) => ({ statusCode: response.statusCode }),
    },
  };
}
