import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { ProbeEmittedSchema } from '@clement/contracts';
import { encodeCorrectedPayload, parseHeaderOptions } from './corrected-payload';

describe('corrected payloads for a replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clement-cli-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('encodes protobuf JSON of the event type to protobuf binary', () => {
    const payload = encodeCorrectedPayload(
      'clement.platform.v1.ProbeEmitted',
      file('ok.json', '{"probeId":"p-1","sequence":"12"}'),
    );
    expect(fromBinary(ProbeEmittedSchema, payload)).toMatchObject({
      probeId: 'p-1',
      sequence: 12n,
    });
  });

  it('explains what is wrong', () => {
    expect(() => encodeCorrectedPayload(undefined, file('a.json', '{}'))).toThrow(
      'pass --header ce_type',
    );
    expect(() => encodeCorrectedPayload('clement.nope.v1.Nothing', file('b.json', '{}'))).toThrow(
      'unknown event type clement.nope.v1.Nothing',
    );
    expect(() =>
      encodeCorrectedPayload('clement.platform.v1.ProbeEmitted', file('c.json', '{')),
    ).toThrow('as JSON');
    expect(() =>
      encodeCorrectedPayload(
        'clement.platform.v1.ProbeEmitted',
        file('d.json', '{"sequence":"twelve"}'),
      ),
    ).toThrow('is not a valid clement.platform.v1.ProbeEmitted');
  });

  it('parses repeated --header name=value options', () => {
    expect(parseHeaderOptions(['ce_type=a.b.v1.C', 'x=1=2'])).toEqual({
      ce_type: 'a.b.v1.C',
      x: '1=2',
    });
    expect(() => parseHeaderOptions(['novalue'])).toThrow('--header expects name=value');
  });
});
