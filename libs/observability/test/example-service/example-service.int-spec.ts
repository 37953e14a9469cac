import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// Auto-instrumentation hooks Node's real `require`, which Jest replaces with its own module
// registry; so this test runs the example service as a separate process (via tsx), the way a
// service runs in production, and receives its telemetry over OTLP like a collector would.

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const MAIN = join(__dirname, 'main.ts');
const SPAN_KIND_SERVER = 2;

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
}
interface OtlpTraces {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}
interface ExportedSpan extends OtlpSpan {
  service: string | undefined;
}

const attribute = (attributes: OtlpAttribute[] | undefined, key: string): string | undefined => {
  const value = attributes?.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : String(value.intValue));
};

/** Just enough of an OTLP/HTTP collector: records every JSON payload by path. */
async function startCollector(): Promise<{
  server: Server;
  url: string;
  received: Map<string, string[]>;
}> {
  const received = new Map<string, string[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      received.set(path, [...(received.get(path) ?? []), Buffer.concat(chunks).toString('utf8')]);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('example service process (telemetry first, then Nest)', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let service: ChildProcess;
  const stdout: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    collector = await startCollector();
    service = spawn(process.execPath, ['--require', 'tsx/cjs', MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: '0',
        SERVICE_VERSION: '9.9.9',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        // Long intervals: anything the collector receives was flushed by the graceful shutdown.
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_METRIC_EXPORT_INTERVAL: '600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exit = new Promise((resolve) =>
      service.once('exit', (code, signal) => resolve({ code, signal })),
    );
    createInterface({ input: service.stdout! }).on('line', (line) => {
      try {
        stdout.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        stderr.push(`non-JSON stdout: ${line}`);
      }
    });
    createInterface({ input: service.stderr! }).on('line', (line) => stderr.push(line));
  });

  afterAll(async () => {
    if (service.exitCode === null && service.signalCode === null) {
      service.kill('SIGKILL');
    }
    await new Promise<void>((resolve) => collector.server.close(() => resolve()));
  });

  it('serves traffic, logs JSON with trace ids, and flushes spans and metrics over OTLP on SIGTERM', async () => {
    const listening = await until(
      () => stdout.find((line) => /^listening on port \d+$/.test(String(line['msg']))),
      `the service to listen (stderr: ${stderr.join('\n')})`,
    );
    const baseUrl = `http://127.0.0.1:${String(listening['msg']).split(' ').pop()}`;

    const read = await fetch(`${baseUrl}/cases/case-9?phone=%2B4412345`);
    const scrape = await fetch(`${baseUrl}/metrics`);
    const ready = await fetch(`${baseUrl}/health/ready`);

    expect(read.status).toBe(200);
    expect(scrape.status).toBe(200);
    await expect(scrape.text()).resolves.toMatch(/^clement_example_case_reads_total\{[^}]*\} 1$/m);
    expect(ready.status).toBe(200);
    const requestLine = await until(
      () =>
        stdout.find(
          (line) => (line['req'] as { url?: string } | undefined)?.url === '/cases/case-9',
        ),
      'the request log line',
    );

    service.kill('SIGTERM');
    const exited = await exit;

    expect(exited.signal ?? exited.code).toMatch(/^(SIGTERM|0)$/);
    const spans: ExportedSpan[] = (collector.received.get('/v1/traces') ?? []).flatMap((body) =>
      (JSON.parse(body) as OtlpTraces).resourceSpans.flatMap((resourceSpans) =>
        resourceSpans.scopeSpans.flatMap((scope) =>
          scope.spans.map((span) => ({
            ...span,
            service: attribute(resourceSpans.resource.attributes, 'service.name'),
          })),
        ),
      ),
    );
    const serverSpans = spans.filter((span) => span.kind === SPAN_KIND_SERVER);
    expect(serverSpans.map((span) => attribute(span.attributes, 'http.route'))).toEqual([
      '/cases/:id',
    ]);
    const [serverSpan] = serverSpans;
    expect(serverSpan!.service).toBe('example-service');
    // Nest instrumentation worked, i.e. @nestjs/core was loaded after startTelemetry.
    expect(
      spans.some(
        (span) =>
          span.traceId === serverSpan!.traceId &&
          attribute(span.attributes, 'nestjs.type') === 'handler',
      ),
    ).toBe(true);
    expect(requestLine).toMatchObject({
      service: 'example-service',
      level: 'info',
      trace_id: serverSpan!.traceId,
      res: { statusCode: 200 },
    });
    expect(JSON.stringify(stdout)).not.toContain('4412345');

    const metricPayloads = (collector.received.get('/v1/metrics') ?? []).join('\n');
    expect(metricPayloads).toContain('clement.example.case_reads');
    expect(metricPayloads).toContain('"stringValue":"9.9.9"');
  });
});
