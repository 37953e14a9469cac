import { randomUUID } from 'node:crypto';
import { strategyV1, topicCatalogue } from '@clement/contracts';
import { decodeRecord, readTopicToEnd } from '@clement/messaging';
import type { TaskRequest } from '@clement/strategy-engine';
import { eventually, uniqueName } from '@clement/testing';
import {
  type StaffApiClient,
  startStaffApiClient,
} from '../strategies/__fixtures__/staff-api-client';
import { AgentTaskWriter } from './agent-task-writer';

jest.setTimeout(120_000);

const tenantName = (prefix: string) => uniqueName(prefix).replace(/_/g, '-');

let api: StaffApiClient;
const tenantA = tenantName('tasks-a');
const tenantB = tenantName('tasks-b');
let ann: string;
let bob: string;
let auditorA: string;
let adminA: string;
let agentB: string;

const HOUR = 3_600_000;
const base = Date.parse('2026-12-01T09:00:00Z');

function taskRequest(overrides: Partial<TaskRequest> = {}): TaskRequest {
  return {
    taskId: randomUUID(),
    tenantId: tenantA,
    caseId: randomUUID(),
    debtorId: randomUUID(),
    queue: 'collections',
    reason: 'no_response',
    priority: 3,
    dueAt: base,
    decisionId: randomUUID(),
    ...overrides,
  };
}

async function createTasks(tasks: TaskRequest[]): Promise<void> {
  const writer = api.service.app.get(AgentTaskWriter);
  await api.service.dataSource.transaction((manager) => writer.create(manager, tasks));
}

async function taskEvents(taskId: string) {
  const records = await readTopicToEnd(api.kafka, topicCatalogue.strategyEvents.name);
  return records
    .map((record) => ({ record, ...decodeRecord(topicCatalogue.strategyEvents, record) }))
    .filter(({ message }) => 'taskId' in message && message.taskId === taskId)
    .map(({ record, envelope, message }) => ({ key: record.key, type: envelope.type, message }));
}

beforeAll(async () => {
  api = await startStaffApiClient(uniqueName('agent_tasks_it'));
  ann = await api.token({ tenantId: tenantA, roles: ['agent'], subject: 'ann' });
  bob = await api.token({ tenantId: tenantA, roles: ['agent'], subject: 'bob' });
  auditorA = await api.token({ tenantId: tenantA, roles: ['auditor'] });
  adminA = await api.token({ tenantId: tenantA, roles: ['strategy-admin'] });
  agentB = await api.token({ tenantId: tenantB, roles: ['agent'], subject: 'bea' });
});

afterAll(async () => {
  await api?.close();
});

describe('creating and listing tasks', () => {
  const urgent = taskRequest({
    queue: 'vulnerability-review',
    priority: 1,
    dueAt: base + 5 * HOUR,
  });
  const soon = taskRequest({ priority: 2, dueAt: base + HOUR });
  const later = taskRequest({ priority: 2, dueAt: base + 2 * HOUR });
  const routine = taskRequest({ priority: 4, dueAt: base });

  beforeAll(async () => {
    await createTasks([later, routine]);
    await createTasks([urgent, soon]);
    // A replayed decision: neither a second row nor a second event.
    await createTasks([urgent]);
  });

  it('lists most urgent first, a page at a time, by status and queue', async () => {
    const first = await api.request('GET', '/v1/tasks?status=open&limit=2', { token: ann });
    expect(first.status).toBe(200);
    expect(first.body.items.map((t: { taskId: string }) => t.taskId)).toEqual([
      urgent.taskId,
      soon.taskId,
    ]);
    expect(first.body.items[0]).toMatchObject({
      status: 'open',
      queue: 'vulnerability-review',
      priority: 1,
      caseId: urgent.caseId,
      decisionId: urgent.decisionId,
      dueAt: new Date(urgent.dueAt).toISOString(),
    });
    const second = await api.request(
      'GET',
      `/v1/tasks?status=open&limit=2&cursor=${first.body.nextCursor}`,
      { token: ann },
    );
    expect(second.body.items.map((t: { taskId: string }) => t.taskId)).toEqual([
      later.taskId,
      routine.taskId,
    ]);
    const queue = await api.request('GET', '/v1/tasks?queue=vulnerability-review', {
      token: auditorA,
    });
    expect(queue.body.items.map((t: { taskId: string }) => t.taskId)).toEqual([urgent.taskId]);
    expect(queue.body.nextCursor).toBeNull();

    const bad = await api.request('GET', '/v1/tasks?cursor=bm90LWEtY3Vyc29y', { token: ann });
    expect(bad.status).toBe(400);
    expect((await api.request('GET', '/v1/tasks?status=done', { token: ann })).status).toBe(400);
  });

  it('publishes AgentTaskCreated once per task, keyed by debtor', async () => {
    const events = await eventually(
      async () => {
        const found = await taskEvents(urgent.taskId);
        expect(found.length).toBeGreaterThanOrEqual(1);
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      key: `${tenantA}:${urgent.debtorId}`,
      type: strategyV1.AgentTaskCreatedSchema.typeName,
      message: { queue: 'vulnerability-review', priority: 1, decisionId: urgent.decisionId },
    });
  });
});

describe('claiming and completing', () => {
  it('lets exactly one of two agents claiming at once win', async () => {
    const task = taskRequest();
    await createTasks([task]);
    const [first, second] = await Promise.all([
      api.request('POST', `/v1/tasks/${task.taskId}/claim`, { token: ann }),
      api.request('POST', `/v1/tasks/${task.taskId}/claim`, { token: bob }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.body.code).toBe('task.claimed_by_another_agent');
    const winner = first.status === 200 ? 'ann' : 'bob';
    const detail = await api.request('GET', `/v1/tasks/${task.taskId}`, { token: ann });
    expect(detail.body).toMatchObject({ status: 'claimed', claimedBy: winner });
  });

  it('lets only the claimer complete, with a documented outcome, and publishes both events', async () => {
    const task = taskRequest();
    await createTasks([task]);
    expect(
      (await api.request('POST', `/v1/tasks/${task.taskId}/claim`, { token: ann })).status,
    ).toBe(200);
    // A retried claim by the same agent is still a success.
    expect(
      (await api.request('POST', `/v1/tasks/${task.taskId}/claim`, { token: ann })).status,
    ).toBe(200);

    const byBob = await api.request('POST', `/v1/tasks/${task.taskId}/complete`, {
      token: bob,
      body: { outcome: 'promise_made' },
    });
    expect(byBob.status).toBe(409);
    expect(byBob.body.code).toBe('task.not_claimed_by_you');

    const unknownOutcome = await api.request('POST', `/v1/tasks/${task.taskId}/complete`, {
      token: ann,
      body: { outcome: 'sorted' },
    });
    expect(unknownOutcome.status).toBe(400);
    const otherWithoutNote = await api.request('POST', `/v1/tasks/${task.taskId}/complete`, {
      token: ann,
      body: { outcome: 'other' },
    });
    expect(otherWithoutNote.status).toBe(422);

    const done = await api.request('POST', `/v1/tasks/${task.taskId}/complete`, {
      token: ann,
      body: { outcome: 'promise_made', note: 'pays on Friday' },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      completedBy: 'ann',
      outcome: 'promise_made',
      note: 'pays on Friday',
    });
    const claimAfter = await api.request('POST', `/v1/tasks/${task.taskId}/claim`, { token: bob });
    expect(claimAfter.status).toBe(409);
    expect(claimAfter.body.code).toBe('task.already_closed');

    const events = await eventually(
      async () => {
        const found = await taskEvents(task.taskId);
        expect(found).toHaveLength(3);
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(events.map((e) => e.type)).toEqual([
      strategyV1.AgentTaskCreatedSchema.typeName,
      strategyV1.AgentTaskClaimedSchema.typeName,
      strategyV1.AgentTaskCompletedSchema.typeName,
    ]);
    expect(events.every((e) => e.key === `${tenantA}:${task.debtorId}`)).toBe(true);
    expect(events[1]?.message).toMatchObject({ claimedBy: { id: 'ann' }, caseId: task.caseId });
    expect(events[2]?.message).toMatchObject({
      outcome: 'promise_made',
      completedBy: { id: 'ann' },
    });
  });

  it('releases a claimed task back to the queue, for its claimer only', async () => {
    const task = taskRequest();
    await createTasks([task]);
    await api.request('POST', `/v1/tasks/${task.taskId}/claim`, { token: ann });
    expect(
      (await api.request('POST', `/v1/tasks/${task.taskId}/release`, { token: bob })).status,
    ).toBe(409);
    const released = await api.request('POST', `/v1/tasks/${task.taskId}/release`, { token: ann });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'open', claimedBy: null });
    expect(
      (await api.request('POST', `/v1/tasks/${task.taskId}/claim`, { token: bob })).status,
    ).toBe(200);
    const events = await eventually(
      async () => {
        const found = await taskEvents(task.taskId);
        expect(found).toHaveLength(4);
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(events.map((e) => e.type)).toEqual([
      strategyV1.AgentTaskCreatedSchema.typeName,
      strategyV1.AgentTaskClaimedSchema.typeName,
      strategyV1.AgentTaskReleasedSchema.typeName,
      strategyV1.AgentTaskClaimedSchema.typeName,
    ]);
    expect(events[2]?.message).toMatchObject({ releasedBy: { id: 'ann' } });
  });

  it("cancels a case's open tasks and leaves claimed ones with their agent", async () => {
    const caseId = randomUUID();
    const open = taskRequest({ caseId });
    const claimed = taskRequest({ caseId });
    await createTasks([open, claimed]);
    await api.request('POST', `/v1/tasks/${claimed.taskId}/claim`, { token: ann });
    const writer = api.service.app.get(AgentTaskWriter);
    const cancelled = await api.service.dataSource.transaction((manager) =>
      writer.cancelOpenForCase(manager, tenantA, caseId, 'case_resolved'),
    );
    expect(cancelled).toBe(1);
    const openNow = await api.request('GET', `/v1/tasks/${open.taskId}`, { token: ann });
    expect(openNow.body).toMatchObject({ status: 'cancelled', cancelReason: 'case_resolved' });
    const claim = await api.request('POST', `/v1/tasks/${open.taskId}/claim`, { token: bob });
    expect(claim.status).toBe(409);
    const claimedNow = await api.request('GET', `/v1/tasks/${claimed.taskId}`, { token: ann });
    expect(claimedNow.body.status).toBe('claimed');
    const cancelledEvent = await eventually(
      async () => {
        const found = (await taskEvents(open.taskId)).find(
          (e) => e.type === strategyV1.AgentTaskCancelledSchema.typeName,
        );
        expect(found).toBeDefined();
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(cancelledEvent?.message).toMatchObject({ reason: 'case_resolved', caseId });
    expect((await taskEvents(claimed.taskId)).map((e) => e.type)).not.toContain(
      strategyV1.AgentTaskCancelledSchema.typeName,
    );
  });
});

describe('access', () => {
  it("hides another tenant's tasks", async () => {
    const task = taskRequest();
    await createTasks([task]);
    expect((await api.request('GET', `/v1/tasks/${task.taskId}`, { token: agentB })).status).toBe(
      404,
    );
    const claim = await api.request('POST', `/v1/tasks/${task.taskId}/claim`, { token: agentB });
    expect(claim.status).toBe(404);
    expect(claim.body.code).toBe('task.not_found');
    expect((await api.request('GET', '/v1/tasks', { token: agentB })).body.items).toEqual([]);
    const still = await api.request('GET', `/v1/tasks/${task.taskId}`, { token: ann });
    expect(still.body.status).toBe('open');
  });

  it('answers 401 without a token and 403 to roles that may not act', async () => {
    expect((await api.request('GET', '/v1/tasks')).status).toBe(401);
    expect((await api.request('GET', '/v1/tasks', { token: adminA })).status).toBe(403);
    const task = taskRequest();
    await createTasks([task]);
    expect(
      (await api.request('POST', `/v1/tasks/${task.taskId}/claim`, { token: auditorA })).status,
    ).toBe(403);
    expect((await api.request('GET', `/v1/tasks/${task.taskId}`, { token: auditorA })).status).toBe(
      200,
    );
  });
});
