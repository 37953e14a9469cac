import {
  assertDocumentSize,
  documentFormat,
  documentSha256,
  MAX_DOCUMENT_BYTES,
} from './strategy-document-text';
import { StrategyErrorCode } from './strategy-errors';

describe('documentFormat', () => {
  it('calls a JSON object json and everything else yaml', () => {
    expect(documentFormat('{"schemaVersion": 1}')).toBe('json');
    expect(documentFormat('  {\n "a": [1, 2]\n}\n')).toBe('json');
    expect(documentFormat('schemaVersion: 1\nname: x\n')).toBe('yaml');
    expect(documentFormat('{schemaVersion: 1}')).toBe('yaml'); // YAML flow mapping, not JSON
    expect(documentFormat('[1, 2]')).toBe('yaml');
  });
});

describe('documentSha256', () => {
  it('hashes the UTF-8 text exactly as given', () => {
    expect(documentSha256('')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(documentSha256('name: a\n')).not.toBe(documentSha256('name: a'));
    expect(documentSha256('café')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('assertDocumentSize', () => {
  it('accepts up to 256 KiB of UTF-8 and refuses more, counting bytes not characters', () => {
    expect(() => assertDocumentSize('a'.repeat(MAX_DOCUMENT_BYTES))).not.toThrow();
    expect(() => assertDocumentSize('a'.repeat(MAX_DOCUMENT_BYTES + 1))).toThrow(
      expect.objectContaining({ code: StrategyErrorCode.DocumentTooLarge }),
    );
    // 2 bytes per "é": half as many characters already reach the limit.
    expect(() => assertDocumentSize('é'.repeat(MAX_DOCUMENT_BYTES / 2 + 1))).toThrow(
      /limit is 262144 bytes/,
    );
  });
});
