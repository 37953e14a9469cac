import { captureJsonLog } from './json-log-capture';

describe('captureJsonLog', () => {
  it('parses what was written, across chunk boundaries, one object per line', () => {
    const log = captureJsonLog();
    log.write('{"level":30,"msg":"a"}\n{"level":40,');
    log.write('"msg":"b"}\n');
    expect(log.lines()).toEqual([
      { level: 30, msg: 'a' },
      { level: 40, msg: 'b' },
    ]);
  });
});
