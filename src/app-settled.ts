import { machineTimeMs } from './core/clock.js';

/** One stage of the bot that may still have work: a name for error messages and how much work it has. */
export interface WorkSource {
  readonly name: string;
  pending(includeLater: boolean): Promise<number> | number;
}

export interface SettleOptions {
  /** Also wait for work set for later (timers, delayed sends, handed-over reminders) to come due and be done. */
  readonly includeLater?: boolean;
  readonly timeoutMs?: number;
}

export class NotSettledError extends Error {
  override readonly name = 'NotSettledError';
}

/** Checks between looks: short, since a settled bot answers at once. */
const LOOK_EVERY_MS = 10;

/**
 * Resolves once every stage is idle on two looks in a row — a turn, a job or a send that was starting between the
 * stages of one look shows up in the next. What tests wait for before asserting that something did *not* happen,
 * and what a graceful shutdown can wait for.
 */
export async function waitUntilSettled(sources: readonly WorkSource[], { includeLater = false, timeoutMs = 15_000 }: SettleOptions = {}): Promise<void> {
  const deadline = machineTimeMs() + timeoutMs;
  let idleLooks = 0;
  for (;;) {
    const busy = await busySources(sources, includeLater);
    idleLooks = busy.length === 0 ? idleLooks + 1 : 0;
    if (idleLooks === 2) return;
    if (machineTimeMs() > deadline) throw new NotSettledError(`Still busy after ${timeoutMs} ms: ${busy.join(', ') || 'work kept starting'}`);
    await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
  }
}

async function busySources(sources: readonly WorkSource[], includeLater: boolean): Promise<string[]> {
  const busy: string[] = [];
  for (const source of sources) {
    const pending = await source.pending(includeLater);
    if (pending > 0) busy.push(`${source.name} (${pending})`);
  }
  return busy;
}
