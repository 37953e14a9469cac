/** Where a page of tasks ended, in listing order (priority, then due time, then id). */
export interface TaskListPosition {
  readonly priority: number;
  readonly dueAt: Date;
  readonly taskId: string;
}

/** Opaque to clients: base64url of `priority|dueAt|taskId`. */
export function encodeTaskCursor(position: TaskListPosition): string {
  return Buffer.from(
    `${position.priority}|${position.dueAt.toISOString()}|${position.taskId}`,
    'utf8',
  ).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this API returned. */
export function decodeTaskCursor(cursor: string): TaskListPosition | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^([1-5])\|([^|]+)\|(.+)$/.exec(text);
  if (!match) return undefined;
  const [, priority, at, taskId] = match;
  const dueAt = new Date(at ?? '');
  if (Number.isNaN(dueAt.getTime()) || dueAt.toISOString() !== at) return undefined;
  return { priority: Number(priority), dueAt, taskId: taskId ?? '' };
}
