import { machineTimeMs } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { InboundMessage } from '../core/messages.js';
import { UpdateAlreadyHandledError, UpdateOutOfOrderError, type InboundJournal, type JournaledUpdate } from './inbound-journal.js';
import { IdleLeases } from './idle-leases.js';
import type { HeldLease, SenderLease } from './sender-lease.js';

export interface InboundDispatcherOptions {
  readonly journal: InboundJournal;
  readonly lease: SenderLease;
  /**
   * Handles one update completely (its turn commits and marks it handled), or throws to leave it for a retry; throws
   * UpdateOutOfOrderError, before doing anything, when an older update of the sender is still unhandled.
   */
  readonly handle: (update: JournaledUpdate) => Promise<void>;
  /** Where a worker hears of updates other processes journaled; without it, the sweep finds them. */
  readonly notifications?: SenderNotifications;
  readonly logger: Logger;
  /** How often updates nobody handled (a worker died, a gateway without workers) are looked for (default 1 s). */
  readonly sweepEveryMs?: number;
  /** How long an update waits before the sweep takes it up (default 2 s). */
  readonly stalledAfterMs?: number;
  /** How long handled updates are remembered to recognise redeliveries (default 2 days). */
  readonly rememberHandledMs?: number;
  /**
   * How long a sender's lease is kept after their updates ran out (default 5 s): in a conversation the next message
   * usually follows within that, and is then handled without taking the lease again and letting it go (two Redis
   * round trips). Another process that journals an update of theirs meanwhile knocks (see SenderNotifications); without
   * notifications, the update waits at most this long.
   */
  readonly keepLeaseIdleMs?: number;
}

/** What workers hear of one another (PostgreSQL LISTEN, see PostgresSenderNotifications). */
export interface SenderListeners {
  /** A sender has a new update in the journal. */
  readonly onSender: (key: string) => void;
  /** Another process wanted a sender's lease: whoever keeps it idle drains the journal now. */
  readonly onKnock: (key: string) => void;
}

export interface SenderNotifications {
  listen(listeners: SenderListeners): Promise<void>;
  /** Tells the holder of a sender's lease, wherever it runs, that an update of theirs waits in the journal. */
  knock(key: string): Promise<void>;
  close(): Promise<void>;
}

interface Drain {
  again: boolean;
  /** Look in the journal on the next round: updates this process did not journal itself may be waiting. */
  fromJournal: boolean;
  /** Updates this process journaled, oldest first, handed over without reading them back. */
  readonly received: JournaledUpdate[];
  /** This drain holds the sender's lease (it may be running without it, about to find the lease taken). */
  holdsLease?: boolean;
  finished?: Promise<void>;
}

const STALLED_SENDERS_PER_SWEEP = 200;
/** One sender's updates read from the journal at a time; the drain reads again until it is empty. */
const UPDATES_PER_LOOK = 20;
/** How long a gateway keeps trying to journal one delivery (a database restart) before handing the error back. */
const JOURNAL_RETRY_MS = 60_000;
/** The journal is pruned on one sweep in this many. */
const PRUNE_EVERY_SWEEPS = 600;
const DEFAULT_KEEP_LEASE_IDLE_MS = 5_000;

/**
 * Hands journaled updates to turns: people concurrently, one sender's updates one at a time in the order received,
 * across processes (a lease per sender). A gateway acknowledges the platform once `receive` has journaled its updates,
 * so a slow turn (a photo being processed, a flood from one person) holds up nobody else.
 */
export class InboundDispatcher {
  private readonly draining = new Map<string, Drain>();
  private readonly idle: IdleLeases;
  private closing = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeps = 0;

  constructor(private readonly options: InboundDispatcherOptions) {
    this.idle = new IdleLeases(options.keepLeaseIdleMs ?? DEFAULT_KEEP_LEASE_IDLE_MS, (key, lease) => this.idleEnded(key, lease));
  }

  /** Senders this process is draining now. */
  get busy(): number {
    return this.draining.size;
  }

  isDraining(key: string): boolean {
    return this.draining.has(key);
  }

  /**
   * Journals the updates of one delivery (in one statement); `drainHere` also starts handling them in this process (a
   * gateway with a worker in it), otherwise the workers are notified. Resolves once all are journaled.
   */
  async receive(messages: readonly InboundMessage[], drainHere: boolean): Promise<void> {
    const updates = await this.journaled(messages, !drainHere);
    if (updates.length < messages.length) {
      this.options.logger.debug({ channel: messages[0]?.channel, redelivered: messages.length - updates.length }, 'inbound updates delivered again; handled once already');
    }
    // In the order received: a sender's second update of the delivery queues behind its first (see `drain`).
    if (drainHere) for (const update of updates) this.drain(update.senderKey, update);
  }

  /**
   * Until the updates are journaled the platform must not count them delivered: through a database restart the gateway
   * keeps trying (long polling waits meanwhile), and past that the error reaches the adapter (it leaves the delivery
   * unconfirmed: long polling asks for it again, a webhook answers 5xx).
   */
  private async journaled(messages: readonly InboundMessage[], notify: boolean): Promise<JournaledUpdate[]> {
    const deadline = machineTimeMs() + JOURNAL_RETRY_MS;
    for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        return await this.options.journal.record(messages, { notify, readContext: !notify });
      } catch (error) {
        if (machineTimeMs() > deadline) throw error;
        this.options.logger.warn({ err: error, channel: messages[0]?.channel, updates: messages.length }, 'could not journal inbound updates; trying again');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Drains the senders gateways name on INBOUND_CHANNEL, and starts the sweep for updates no worker took up. */
  async start(): Promise<void> {
    await this.options.notifications?.listen({ onSender: (key) => this.drain(key), onKnock: (key) => this.onKnock(key) });
    const every = this.options.sweepEveryMs ?? 1_000;
    this.sweepTimer = setInterval(() => void this.sweep().catch((error: unknown) => this.options.logger.warn({ err: error }, 'inbound sweep failed')), every);
  }

  /** Only the holder acts on a knock: draining now, or about to keep the lease idle, it looks in the journal. */
  private onKnock(key: string): void {
    if (this.idle.has(key) || this.draining.get(key)?.holdsLease) this.drain(key);
  }

  /** Nothing starts after this: work left behind would outlive the database connections it needs. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweepTimer);
    await this.options.notifications?.close();
    await Promise.all([...this.draining.values()].map((drain) => drain.finished));
    await this.idle.close();
  }

  async sweep(): Promise<void> {
    const { journal } = this.options;
    for (const key of await journal.stalledSenders(this.options.stalledAfterMs ?? 2_000, STALLED_SENDERS_PER_SWEEP)) this.drain(key);
    this.sweeps += 1;
    if (this.sweeps % PRUNE_EVERY_SWEEPS === 0) await journal.prune(this.options.rememberHandledMs ?? 2 * 86_400_000);
  }

  /**
   * Drains the sender here unless this process does already; then it just goes round once more. `received` is an
   * update this process just journaled; without it (a notification, the sweep) the journal is read.
   */
  private drain(key: string, received?: JournaledUpdate): void {
    if (this.closing) return;
    const running = this.draining.get(key);
    if (running) {
      running.again = true;
      // Its context was read before the turns ahead of it changed the session: it is read again when its turn comes.
      if (received) running.received.push({ ...received, context: undefined });
      else running.fromJournal = true;
      return;
    }
    const drain: Drain = { again: false, fromJournal: !received, received: received ? [received] : [] };
    this.draining.set(key, drain);
    drain.finished = this.drainLoop(key, drain).catch((error: unknown) => this.options.logger.warn({ err: error }, 'inbound drain stopped; the sweep takes it up again'));
  }

  private async drainLoop(key: string, drain: Drain): Promise<void> {
    try {
      do {
        drain.again = false;
        await this.drainOnce(key, drain);
      } while (drain.again);
    } finally {
      // Synchronously after the last look at `again`: a `drain` call in between cannot be lost.
      this.draining.delete(key);
    }
  }

  /**
   * Handles the sender's updates oldest first while holding their lease: those this process journaled as they came,
   * the journal's when told to look there. Without the lease another process drains them (it was knocked, so it looks
   * in the journal before letting go).
   */
  private async drainOnce(key: string, drain: Drain): Promise<void> {
    const held = this.idle.take(key) ?? (await this.options.lease.acquire(key));
    if (!held) {
      drain.received.length = 0;
      drain.fromJournal = false;
      // The holder may be keeping the lease idle: it drains at once rather than when it would have let go.
      await this.options.notifications?.knock(key);
      return;
    }
    let kept = false;
    drain.holdsLease = true;
    try {
      for (;;) {
        const batch = await this.nextBatch(key, drain);
        if (batch.length === 0) {
          this.idle.keep(key, held);
          kept = true;
          return;
        }
        for (const update of batch) {
          if (!(await this.handleOnce(update))) {
            drain.fromJournal = true;
            break;
          }
          await held.keep();
        }
      }
    } finally {
      drain.holdsLease = false;
      if (!kept) await held.release();
    }
  }

  /**
   * A lease's idle time is up: it is let go, unless another process knocked meanwhile: then the journal holds an update
   * of the sender, drained here with the lease still held.
   */
  private async idleEnded(key: string, lease: HeldLease): Promise<void> {
    try {
      if ((await lease.release()) === 'released') return;
      // Knocked: the knock is taken, so a closing worker can let go for good; the sweep finds the update elsewhere.
      if (this.closing) await lease.release();
      else {
        this.idle.keep(key, lease);
        this.drain(key);
      }
    } catch (error) {
      // Unreleased, the lease expires after its term and the sweep takes the sender up.
      this.options.logger.warn({ err: error }, 'could not let go of a sender lease');
    }
  }

  /** What to handle next: the journal's oldest when told to look there (it holds what was received here too), else what was received here. */
  private async nextBatch(key: string, drain: Drain): Promise<JournaledUpdate[]> {
    if (!drain.fromJournal) return drain.received.splice(0);
    const batch = await this.options.journal.next(key, UPDATES_PER_LOOK);
    // A full batch may have more behind it.
    drain.fromJournal = batch.length === UPDATES_PER_LOOK;
    const last = batch.at(-1)?.seq;
    // Received here and read from the journal: handled once, from the batch.
    const newer = drain.received.filter((update) => last === undefined || update.seq > last);
    drain.received.splice(0, drain.received.length, ...newer);
    return batch;
  }

  /**
   * False when an older update of the sender must go first (the journal is read for it). A worker that outlived its
   * lease may find an update handled by the next one: that is its due, not an error.
   */
  private async handleOnce(update: JournaledUpdate): Promise<boolean> {
    try {
      await this.options.handle(update);
    } catch (error) {
      if (error instanceof UpdateOutOfOrderError) return false;
      if (!(error instanceof UpdateAlreadyHandledError)) throw error;
      this.options.logger.debug({ seq: update.seq }, 'inbound update handled meanwhile by another worker');
    }
    return true;
  }
}
