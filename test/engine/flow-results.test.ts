import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowResultDraft } from '../../src/core/flow-results.js';
import { FlowResultStore } from '../../src/engine/flow-result-store.js';
import { SessionConflictError, type SessionState } from '../../src/engine/session-store.js';
import { TurnCommitter } from '../../src/engine/turn-committer.js';
import { TestClock } from '../support/test-clock.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let database: TestDatabase;
let store: FlowResultStore;
let committer: TurnCommitter;

const noOutbox = { draft: () => [], dispatch: async () => undefined };

beforeAll(async () => {
  database = await createTestDatabase();
  store = new FlowResultStore(database.prisma);
  committer = new TurnCommitter(database.sql, new TestClock(), noOutbox);
});

afterAll(() => database.drop());

/** A parent with a child in their family, and a child of another family. */
async function parentWithChild(): Promise<{ parentId: string; childId: string; otherChildId: string }> {
  const db = database.prisma;
  const parent = await db.person.create({ data: { displayName: 'Mei' } });
  const family = await db.family.create({ data: { name: 'Wang', members: { create: { personId: parent.id, role: 'parent' } } } });
  const child = await db.child.create({ data: { familyId: family.id, name: 'Lili', birthDate: new Date('2023-05-01') } });
  const otherFamily = await db.family.create({ data: { name: 'Li' } });
  const otherChild = await db.child.create({ data: { familyId: otherFamily.id, name: 'Bao', birthDate: new Date('2022-01-01') } });
  return { parentId: parent.id, childId: child.id, otherChildId: otherChild.id };
}

function draft(name: string, value: unknown, childId: string | null, minute: number): FlowResultDraft {
  return { flowId: 'call-nudge', flowVersion: 'abc123', name, value, category: typeof value === 'string' ? value : null, childId, recordedAt: new Date(Date.UTC(2026, 10, 23, 11, minute)) };
}

/** A turn that keeps `results`, ending the person's session (none yet) or, with `staleVersion`, saving over one that changed. */
function commitTurn(personId: string, results: readonly FlowResultDraft[], staleVersion?: number): Promise<void> {
  const state: SessionState = { personId, flowId: 'call-nudge', flowVersion: 'abc123', stepId: 'ask', vars: {}, waitToken: null, choiceToken: null, retries: 0, stack: [] };
  const session = staleVersion === undefined ? { personId, loaded: { state: null, version: null }, state: null } : { personId, loaded: { state, version: staleVersion }, state };
  return committer.commit({ session, outbox: [], results });
}

describe('flow results', () => {
  it('are written with the turn and read back by features, oldest first', async () => {
    const { parentId, childId } = await parentWithChild();
    await commitTurn(parentId, [draft('nudge_answer', 'later', childId, 5)]);
    await commitTurn(parentId, [draft('nudge_answer', { kind: 'voice', channel: 'telegram', fileId: 'v1' }, null, 9)]);
    const kept = await store.of(parentId, 'call-nudge', 'nudge_answer');
    expect(kept.map(({ value, category, childId: about }) => ({ value, category, about }))).toEqual([
      { value: 'later', category: 'later', about: childId },
      { value: { kind: 'voice', channel: 'telegram', fileId: 'v1' }, category: null, about: null },
    ]);
    expect(kept[0]).toMatchObject({ personId: parentId, flowId: 'call-nudge', flowVersion: 'abc123', recordedAt: new Date('2026-11-23T11:05:00Z') });
    expect((await store.latest(parentId, 'call-nudge', 'nudge_answer'))?.recordedAt).toEqual(new Date('2026-11-23T11:09:00Z'));
    expect(await store.latest(parentId, 'call-nudge', 'other')).toBeUndefined();
  });

  it('name only a child of the person\'s own families: an answer about another family\'s child is kept without it', async () => {
    const { parentId, otherChildId } = await parentWithChild();
    await commitTurn(parentId, [draft('nudge_answer', 'talked', otherChildId, 1), draft('forged', 'talked', 'not-a-uuid', 2)]);
    expect((await store.of(parentId, 'call-nudge', 'nudge_answer')).map((result) => result.childId)).toEqual([null]);
    expect((await store.of(parentId, 'call-nudge', 'forged')).map((result) => result.childId)).toEqual([null]);
    expect(await database.prisma.flowResult.count({ where: { childId: otherChildId } })).toBe(0);
  });

  it('are not written when the turn is rolled back (its session changed under it)', async () => {
    const { parentId, childId } = await parentWithChild();
    await expect(commitTurn(parentId, [draft('nudge_answer', 'skip', childId, 3)], 7)).rejects.toBeInstanceOf(SessionConflictError);
    expect(await store.of(parentId, 'call-nudge', 'nudge_answer')).toEqual([]);
  });

  it('go with the person row (which /forget deletes) and with the child', async () => {
    const db = database.prisma;
    const { parentId, childId } = await parentWithChild();
    await commitTurn(parentId, [draft('nudge_answer', 'talked', childId, 4)]);
    const caregiver = await db.person.create({ data: { displayName: 'Nainai', memberships: { create: { familyId: (await db.child.findUniqueOrThrow({ where: { id: childId } })).familyId, role: 'caregiver' } } } });
    await commitTurn(caregiver.id, [draft('nudge_answer', 'later', childId, 6)]);
    await db.person.deleteMany({ where: { id: parentId } });
    expect(await store.of(parentId, 'call-nudge', 'nudge_answer')).toEqual([]);
    expect(await store.of(caregiver.id, 'call-nudge', 'nudge_answer')).toHaveLength(1);
    await db.child.delete({ where: { id: childId } });
    expect(await store.of(caregiver.id, 'call-nudge', 'nudge_answer')).toEqual([]);
  });
});
