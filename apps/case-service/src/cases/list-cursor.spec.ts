import { BadRequestException } from '@nestjs/common';
import { decodeCursor, encodeCursor } from './list-cursor';

describe('list cursor', () => {
  it('round-trips the last case of a page', () => {
    const position = {
      openedAt: new Date('2026-11-29T10:00:00.123Z'),
      id: '7d0f4d2e-3b1a-4c55-9d7e-0a1b2c3d4e5f',
    };

    const cursor = encodeCursor(position);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    'bm9wZQ',
    Buffer.from('2026-11-29T10:00:00Z|not-a-uuid').toString('base64url'),
    Buffer.from('yesterday|7d0f4d2e-3b1a-4c55-9d7e-0a1b2c3d4e5f').toString('base64url'),
  ])('answers 400 for a cursor it did not issue (%s)', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(BadRequestException);
  });
});
