import type { Clock } from '../../core/clock.js';
import type { ReminderScheduler } from '../../core/reminders.js';
import type { Database } from '../../storage/prisma.js';
import { photosAllowed } from '../updates/photo-consent.js';
import type { AssignmentView, PlayWeekService } from './play-weeks.js';

export type ProgressKind = 'done' | 'later' | 'photo' | 'voice';

/** One answer of a caregiver to this week's activity. */
export interface PlayProgressEvent {
  readonly assignment: AssignmentView;
  readonly caregiverId: string;
  readonly kind: Exclude<ProgressKind, 'later'>;
  /** The photo or voice note as the platform holds it (a reference, never bytes). */
  readonly media?: Readonly<Record<string, unknown>>;
}

/**
 * Where play progress goes once recorded. The default tells the parents in a short note; the updates feature
 * (photos and voice notes relayed home with consent) plugs in here to pass the caregiver's photo on as well.
 */
export interface PlayProgressListener {
  progressed(event: PlayProgressEvent): Promise<void>;
}

/** The flow that tells a parent the caregiver played this week's activity. */
export const PROGRESS_NOTE_FLOW = 'play-progress-note';

/** Records answers and marks the week done; "later" is kept as an answer too, so coordinators can see the struggle. */
export class PlayProgressService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly listeners: readonly PlayProgressListener[],
  ) {}

  async record(assignment: AssignmentView, caregiverId: string, kind: ProgressKind, answered?: Readonly<Record<string, unknown>>): Promise<void> {
    const firstTime = assignment.status === 'pending' && kind !== 'later';
    const media = await this.keepable(assignment, kind, answered);
    await this.db.$transaction([
      this.db.playProgress.create({ data: { assignmentId: assignment.id, personId: caregiverId, kind, ...(media ? { media: media as object } : {}) } }),
      ...(kind === 'later' ? [] : [this.db.playAssignment.update({ where: { id: assignment.id }, data: { status: 'done', doneAt: assignment.status === 'done' ? undefined : this.clock.now() } })]),
    ]);
    if (kind === 'later') return;
    // A photo after "done" is news worth passing on; a second "done" is not.
    if (firstTime || kind !== 'done') for (const listener of this.listeners) await listener.progressed({ assignment, caregiverId, kind, ...(media ? { media } : {}) });
  }

  /** A photo of the child is kept only while the parents allow photos of that child; the answer itself always counts. */
  private async keepable(assignment: AssignmentView, kind: ProgressKind, media: Readonly<Record<string, unknown>> | undefined): Promise<Readonly<Record<string, unknown>> | undefined> {
    if (kind !== 'photo' || !media) return media;
    const { child } = assignment.schedule;
    return (await photosAllowed(this.db, child.familyId, child.id)) ? media : undefined;
  }
}

/** The default listener: each other parent of the child gets a short note, through the scheduler (after their quiet hours). */
export class ParentProgressNotes implements PlayProgressListener {
  constructor(
    private readonly reminders: ReminderScheduler,
    private readonly weeks: PlayWeekService,
    private readonly clock: Clock,
  ) {}

  async progressed({ assignment, caregiverId, kind }: PlayProgressEvent): Promise<void> {
    // A parent who played with the child themselves (the child lives with them) is not told of it.
    const parents = (await this.weeks.parentsOf(assignment.schedule)).filter((personId) => personId !== caregiverId);
    const at = { instant: this.clock.now() };
    await this.reminders.schedule(
      parents.map((personId) => ({
        subject: `play-child:${assignment.schedule.child.id}`,
        occurrence: `progress:${assignment.id}:${kind}:${at.instant.toISOString()}:${personId}`,
        personId,
        flowId: PROGRESS_NOTE_FLOW,
        vars: { assignment_id: assignment.id, child_id: assignment.schedule.child.id, caregiver_id: caregiverId, kind },
        at,
      })),
    );
  }
}
