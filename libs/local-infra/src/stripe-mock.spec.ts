import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  checkStripeMockPrerequisites,
  ensureStripeMock,
  findGo,
  parseHttpListenAddress,
  parseStripeMockUrl,
  stripeMockBinaryStatus,
  STRIPE_MOCK_VERSION,
} from './stripe-mock';

// No program may run here: every child_process call is a mock that says "not installed".
jest.mock('node:child_process', () => ({
  ...jest.requireActual<object>('node:child_process'),
  spawn: jest.fn(() => {
    throw new Error('unexpected child_process.spawn');
  }),
  spawnSync: jest.fn(() => ({ error: new Error('spawnSync ENOENT'), status: null })),
}));

const EMPTY_CACHE = { CLEMENT_CACHE_DIR: '/nonexistent/clement-cache' };

describe('ensureStripeMock with STRIPE_MOCK_URL set', () => {
  it('uses it as given and starts nothing', async () => {
    const lines: string[] = [];
    const stripeMock = await ensureStripeMock({
      env: { STRIPE_MOCK_URL: ' http://stripe-mock.internal:12111/ ' },
      log: (line) => lines.push(line),
    });

    expect(stripeMock.url).toBe('http://stripe-mock.internal:12111');
    expect(stripeMock.started).toBe(false);
    await stripeMock.stop();
    expect(spawn).not.toHaveBeenCalled();
    expect(lines.join('\n')).toContain('not starting one');
  });

  it('rejects a value that is not an http(s) URL', () => {
    expect(() => parseStripeMockUrl('localhost:12111')).toThrow('STRIPE_MOCK_URL must be');
    expect(() => parseStripeMockUrl('not a url')).toThrow('STRIPE_MOCK_URL must be');
    expect(parseStripeMockUrl('  ')).toBeUndefined();
  });
});

describe('the stripe-mock binary cache', () => {
  beforeEach(() => jest.mocked(spawnSync).mockClear());

  it('keeps the pinned version under CLEMENT_CACHE_DIR, next to the Kafka jars', () => {
    expect(stripeMockBinaryStatus({ CLEMENT_CACHE_DIR: '/cache/clement' })).toEqual({
      versionDir: join('/cache/clement', `stripe-mock-${STRIPE_MOCK_VERSION}`),
      binary: join('/cache/clement', `stripe-mock-${STRIPE_MOCK_VERSION}`, 'stripe-mock'),
      present: false,
    });
  });

  it('without a cached binary and without Go, fails at once and says what to install', () => {
    expect(() => checkStripeMockPrerequisites({ ...EMPTY_CACHE, GOROOT: '/opt/go' })).toThrow(
      /no Go toolchain was found to build it.*Install Go 1\.22\+.*or point STRIPE_MOCK_URL at a running stripe-mock/s,
    );
    const tried = jest.mocked(spawnSync).mock.calls.map(([command]) => command);
    expect(tried).toEqual(['go', '/opt/go/bin/go', '/usr/local/go/bin/go']);
  });

  it('finds Go where it answers', () => {
    jest
      .mocked(spawnSync)
      .mockReturnValueOnce({ error: new Error('ENOENT') } as never)
      .mockReturnValueOnce({ status: 0, stdout: 'go version go1.26.8 linux/amd64' } as never);
    expect(findGo({})).toBe('/usr/local/go/bin/go');
  });
});

describe('parseHttpListenAddress', () => {
  it('reads the HTTP address stripe-mock prints on start-up', () => {
    const output = [
      'stripe-mock master',
      'Routing to 419 path(s) and 594 endpoint(s) with 594 validator(s)',
      'Listening for HTTP at address: 127.0.0.1:40167',
      'Listening for HTTPS at address: 127.0.0.1:38595',
    ].join('\n');
    expect(parseHttpListenAddress(output)).toBe('127.0.0.1:40167');
    expect(parseHttpListenAddress('stripe-mock master\n')).toBeUndefined();
  });
});
