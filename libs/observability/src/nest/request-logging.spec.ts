import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino } from 'pino';
import { requestLoggingOptions } from './request-logging';

type Serializer = (value: unknown) => unknown;

describe('requestLoggingOptions', () => {
  const options = requestLoggingOptions(pino({ enabled: false }));
  const genReqId = options.genReqId as (
    request: IncomingMessage,
    response: ServerResponse,
  ) => string;

  const call = (header: string | undefined): { id: string; echoed: unknown } => {
    let echoed: unknown;
    const request = { headers: header === undefined ? {} : { 'x-request-id': header } };
    const response = { setHeader: (_: string, value: unknown) => (echoed = value) };
    const id = genReqId(request as IncomingMessage, response as unknown as ServerResponse);
    return { id, echoed };
  };

  it('keeps a well-formed incoming request id and echoes it', () => {
    expect(call('req-1.abc:2')).toEqual({ id: 'req-1.abc:2', echoed: 'req-1.abc:2' });
  });

  it('replaces a missing or unsafe request id with a UUID', () => {
    for (const header of [undefined, 'has spaces', 'x'.repeat(129), 'line\nbreak']) {
      const { id, echoed } = call(header);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(echoed).toBe(id);
    }
  });

  it('serializes requests as id, method and path only', () => {
    const serializeRequest = options.serializers!['req'] as Serializer;

    expect(
      serializeRequest({
        id: 'r-1',
        method: 'POST',
        url: '/debtors/d-1/contact?email=ada@example.com&token=abc',
        headers: { authorization: 'Bearer abc' },
        query: { email: 'ada@example.com' },
        remoteAddress: '10.0.0.1',
      }),
    ).toEqual({ id: 'r-1', method: 'POST', url: '/debtors/d-1/contact' });
  });

  it('skips automatic logging for probes only', () => {
    const { ignore } = options.autoLogging as { ignore: (request: IncomingMessage) => boolean };

    expect(ignore({ url: '/health/ready' } as IncomingMessage)).toBe(true);
    expect(ignore({ url: '/metrics?x=1' } as IncomingMessage)).toBe(true);
    expect(ignore({ url: '/cases/health' } as IncomingMessage)).toBe(false);
  });
});
