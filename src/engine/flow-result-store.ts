import type { FlowResult, FlowResultDraft, FlowResults } from '../core/flow-results.js';
import type { Prisma } from '../storage/generated/client.js';
import type { Database, DatabaseTransaction } from '../storage/prisma.js';

type FlowResultRow = Omit<FlowResult, 'value'> & { value: Prisma.JsonValue };

/** Kept flow answers in PostgreSQL: written inside a turn's transaction, read by features. */
export class FlowResultStore implements FlowResults {
  constructor(private readonly db: Database) {}

  /**
   * Writes a turn's answers. An answer names a child only if the child is in one of the person's families: one about
   * any other child (a flow's bug, a forged id) is kept without the child rather than lost or failing the turn.
   */
  async write(tx: DatabaseTransaction, personId: string, drafts: readonly FlowResultDraft[]): Promise<void> {
    if (drafts.length === 0) return;
    const ownChildren = await childrenInFamilies(tx, personId, drafts);
    await tx.flowResult.createMany({
      data: drafts.map((draft) => ({
        ...draft,
        personId,
        childId: draft.childId !== null && ownChildren.has(draft.childId) ? draft.childId : null,
        value: draft.value as Prisma.InputJsonValue,
      })),
    });
  }

  async of(personId: string, flowId: string, name: string): Promise<FlowResult[]> {
    const rows = await this.db.flowResult.findMany({ where: { personId, flowId, name }, orderBy: { recordedAt: 'asc' }, select: resultFields });
    return rows.map(asResult);
  }

  async latest(personId: string, flowId: string, name: string): Promise<FlowResult | undefined> {
    const row = await this.db.flowResult.findFirst({ where: { personId, flowId, name }, orderBy: { recordedAt: 'desc' }, select: resultFields });
    return row ? asResult(row) : undefined;
  }
}

const resultFields = { personId: true, childId: true, flowId: true, flowVersion: true, name: true, value: true, category: true, recordedAt: true } as const;

function asResult(row: FlowResultRow): FlowResult {
  return row;
}

async function childrenInFamilies(tx: DatabaseTransaction, personId: string, drafts: readonly FlowResultDraft[]): Promise<Set<string>> {
  const childIds = [...new Set(drafts.flatMap((draft) => (draft.childId !== null && UUID.test(draft.childId) ? [draft.childId] : [])))];
  if (childIds.length === 0) return new Set();
  const own = await tx.child.findMany({ where: { id: { in: childIds }, family: { members: { some: { personId } } } }, select: { id: true } });
  return new Set(own.map((child) => child.id));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
