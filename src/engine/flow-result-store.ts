import type { FlowResult, FlowResultDraft, FlowResults } from '../core/flow-results.js';
import type { Prisma } from '../storage/generated/client.js';
import type { Database } from '../storage/prisma.js';

type FlowResultRow = Omit<FlowResult, 'value'> & { value: Prisma.JsonValue };

/** Kept flow answers in PostgreSQL, as features read them (a turn writes them in its own statement, see TurnCommitter). */
export class FlowResultStore implements FlowResults {
  constructor(private readonly db: Database) {}

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
