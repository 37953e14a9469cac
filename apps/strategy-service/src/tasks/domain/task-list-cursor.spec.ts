import { decodeTaskCursor, encodeTaskCursor } from './task-list-cursor';

describe('task list cursor', () => {
  it('round-trips a position, ids with separators included', () => {
    const position = {
      priority: 2,
      dueAt: new Date('2026-12-01T08:30:00.000Z'),
      taskId: 'case:1|odd',
    };
    const cursor = encodeTaskCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTaskCursor(cursor)).toEqual(position);
  });

  it('rejects what it did not make', () => {
    const encode = (text: string) => Buffer.from(text).toString('base64url');
    expect(decodeTaskCursor('garbage')).toBeUndefined();
    expect(decodeTaskCursor(encode('9|2026-12-01T08:30:00.000Z|t1'))).toBeUndefined();
    expect(decodeTaskCursor(encode('1|yesterday|t1'))).toBeUndefined();
    expect(decodeTaskCursor(encode('1|2026-12-01|t1'))).toBeUndefined();
    expect(decodeTaskCursor(encode('1|2026-12-01T08:30:00.000Z|'))).toBeUndefined();
  });
});
