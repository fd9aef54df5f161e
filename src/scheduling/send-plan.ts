/**
 * When each reminder fires, so that the platform's rate is never needed beyond what it allows. Telegram sends about
 * 30 messages a second per bot: 19,103 reminders due in the same second would take ten minutes to go out, and most
 * would arrive late. A reminder that may go a little early (its tolerance) is given a second of its own within
 * [earliest, due], the latest one that still has room, so a burst is spread over the time before it and every
 * message arrives by its due time. Pure: the seconds already taken come in, the choices go out.
 */

/** Epoch milliseconds: the reminder may fire from `earliestMs` on and should by `dueMs`. */
export interface SendWindow {
  readonly earliestMs: number;
  readonly dueMs: number;
}

export class InvalidSendRateError extends Error {
  override readonly name = 'InvalidSendRateError';
}

const SECOND_MS = 1000;

export class SendPlan {
  /**
   * Per second searched down from (or, late, up from): the next second that may still have room. Seconds only fill,
   * so a search never looks at a full second twice: planning a burst of n costs O(n + seconds), not O(n × seconds).
   */
  private readonly nextFreeBelow = new Map<number, number>();
  private readonly nextFreeAbove = new Map<number, number>();

  /**
   * @param perSecond the platform's rate (messages a second) the plan keeps to
   * @param taken how many reminders each epoch second already holds; the plan adds its own choices to it
   */
  constructor(
    private readonly perSecond: number,
    private readonly taken: Map<number, number> = new Map(),
  ) {
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new InvalidSendRateError(`A send rate is a whole number of messages a second, at least 1 (got ${perSecond})`);
  }

  /**
   * The instant the reminder fires: the latest second in its window with room (its due instant itself when that second
   * has room). When the whole window is full it fires in the first second after it with room: late, but never over the
   * rate. A window whose earliest lies after its due time (a reminder already overdue) is its earliest instant alone.
   */
  place(window: SendWindow): number {
    const dueMs = Math.max(window.dueMs, window.earliestMs);
    const first = Math.floor(window.earliestMs / SECOND_MS);
    const last = Math.floor(dueMs / SECOND_MS);
    const inWindow = this.freeSecondDownFrom(last, first);
    if (inWindow !== undefined) return inWindow === last ? dueMs : Math.max(window.earliestMs, inWindow * SECOND_MS);
    return this.freeSecondUpFrom(last + 1) * SECOND_MS;
  }

  /** How many reminders the plan has in an epoch second. */
  countAt(second: number): number {
    return this.taken.get(second) ?? 0;
  }

  private freeSecondDownFrom(from: number, floor: number): number | undefined {
    let second = Math.min(from, this.nextFreeBelow.get(from) ?? from);
    while (second >= floor && this.countAt(second) >= this.perSecond) second--;
    this.nextFreeBelow.set(from, second);
    if (second < floor) return undefined;
    this.take(second);
    return second;
  }

  private freeSecondUpFrom(from: number): number {
    let second = Math.max(from, this.nextFreeAbove.get(from) ?? from);
    while (this.countAt(second) >= this.perSecond) second++;
    this.nextFreeAbove.set(from, second);
    this.take(second);
    return second;
  }

  private take(second: number): void {
    this.taken.set(second, this.countAt(second) + 1);
  }
}
