import { trace } from '@opentelemetry/api';
import { captureJsonLog } from '@clement/testing';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTelemetry, type TelemetryHandle } from '../telemetry/start-telemetry';
import { createLogger } from './create-logger';
import { REDACTED } from './redact';

describe('createLogger', () => {
  let telemetry: TelemetryHandle;
  const spans = new InMemorySpanExporter();

  beforeAll(() => {
    telemetry = startTelemetry({
      serviceName: 'logger-spec',
      instrumentations: false,
      spanProcessors: [new SimpleSpanProcessor(spans)],
      env: {},
    });
  });

  afterAll(() => telemetry.shutdown());

  it('writes one JSON object per line with service, level label and ISO time', () => {
    const destination = captureJsonLog();
    createLogger({ name: 'case-service', destination }).info({ caseId: 'case-1' }, 'case opened');

    const [line] = destination.lines();
    expect(line).toMatchObject({
      service: 'case-service',
      level: 'info',
      msg: 'case opened',
      caseId: 'case-1',
    });
    expect(new Date(line!['time'] as string).toISOString()).toBe(line!['time']);
  });

  it('stamps trace_id and span_id of the active span, and nothing outside a span', () => {
    const destination = captureJsonLog();
    const logger = createLogger({ name: 'case-service', destination });

    const ids = trace.getTracer('spec').startActiveSpan('handle-event', (span) => {
      logger.info('inside');
      span.end();
      return span.spanContext();
    });
    logger.info('outside');

    const [inside, outside] = destination.lines();
    expect(inside).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId, trace_flags: '01' });
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });

  it('redacts personal data at any depth, in arrays and in child bindings', () => {
    const destination = captureJsonLog();
    const logger = createLogger({ name: 'crm-sync', destination });

    logger.child({ email: 'child@example.com', tenant: 't-1' }).info(
      {
        debtorId: 'd-1',
        firstName: 'Ada',
        Email: 'ada@example.com',
        phone_number: '+441234567',
        contact: { address: '1 Main St', channel: 'sms' },
        message: { to: '+449876543', body: 'Your balance is 100 EUR', template: 'reminder-1' },
        debtors: [{ fullName: 'Ada Lovelace', dateOfBirth: '1815-12-10', id: 'd-2' }],
        deep: { a: { b: { c: { dob: '1815-12-10' } } } },
      },
      'synced',
    );

    const [line] = destination.lines();
    expect(line).toMatchObject({
      email: REDACTED,
      tenant: 't-1',
      debtorId: 'd-1',
      firstName: REDACTED,
      Email: REDACTED,
      phone_number: REDACTED,
      contact: { address: REDACTED, channel: 'sms' },
      message: { to: REDACTED, body: REDACTED, template: 'reminder-1' },
      debtors: [{ fullName: REDACTED, dateOfBirth: REDACTED, id: 'd-2' }],
      deep: { a: { b: { c: { dob: REDACTED } } } },
    });
    const raw = JSON.stringify(line);
    for (const secret of [
      'ada@example.com',
      'child@example.com',
      'Ada',
      '+44',
      'Main St',
      '1815',
    ]) {
      expect(raw).not.toContain(secret);
    }
  });

  it('keeps errors serialisable and does not mutate the logged object', () => {
    const destination = captureJsonLog();
    const logged = { email: 'ada@example.com', err: new Error('provider timeout') };

    createLogger({ name: 'dispatch', destination }).error(logged, 'send failed');

    const [line] = destination.lines();
    expect(line).toMatchObject({ email: REDACTED, err: { message: 'provider timeout' } });
    expect(logged.email).toBe('ada@example.com');
  });

  it('honours the level', () => {
    const destination = captureJsonLog();
    const logger = createLogger({ name: 'dispatch', level: 'warn', destination });

    logger.info('dropped');
    logger.warn('kept');

    expect(destination.lines().map((line) => line['msg'])).toEqual(['kept']);
  });
});
