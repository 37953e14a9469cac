import { BadRequestException } from '@nestjs/common';
import { errorBody } from '@clement/staff-api';

/** Keyset cursor: the last case's (openedAt, id), opaque to clients. */
export function encodeCursor(position: { openedAt: Date; id: string }): string {
  return Buffer.from(`${position.openedAt.toISOString()}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { openedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const openedAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(openedAt.getTime())) {
    throw new BadRequestException(
      errorBody(400, 'validation_failed', 'Request validation failed', [
        { field: 'cursor', reason: 'cursor is not a cursor this API returned' },
      ]),
    );
  }
  return { openedAt, id };
}
