import type { ChildWhereabouts } from '../../core/child-whereabouts.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ReminderScheduler } from '../../core/reminders.js';
import type { Address } from '../../core/messages.js';
import type { SpeechSynthesizer } from '../../speech/speech-synthesizer.js';
import type { MediaStore } from '../../storage/media-store.js';
import type { MediaIntake } from '../updates/media-intake.js';
import type { Database } from '../../storage/prisma.js';
import { ActivityRecordingService } from './activity-recordings.js';
import type { Curriculum } from './curriculum.js';
import { ParentProgressNotes, PlayProgressService, type PlayProgressListener } from './play-progress.js';
import { PlayScheduleService } from './play-schedules.js';
import { PlayWeekService } from './play-weeks.js';
import { ReminderVoice } from './reminder-voice.js';

/** Everything the activities feature's actions use. */
export interface ActivityServices {
  readonly curriculum: Curriculum;
  readonly schedules: PlayScheduleService;
  readonly weeks: PlayWeekService;
  readonly progress: PlayProgressService;
  readonly recordings: ActivityRecordingService;
  readonly voice: ReminderVoice;
  /** Where a person is reached now: a recording made on one platform plays only there. */
  addressOf(personId: string): Promise<Address | null>;
}

export interface ActivityDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly reminders: ReminderScheduler;
  readonly curriculum: Curriculum;
  readonly synthesizer: SpeechSynthesizer;
  readonly logger: Logger;
  /** Recordings come in like shared voice notes (checked, cleaned of metadata) and are kept in the media store. */
  readonly intake: MediaIntake;
  readonly store: MediaStore;
  /** Whether the child lives with a parent now: the reminders go to whoever is with the child. */
  readonly whereabouts: ChildWhereabouts;
  addressOf(personId: string): Promise<Address | null>;
}

/** `progressListeners` replace the default parent notes (the updates feature passes its relay with them). */
export function createActivityServices(deps: ActivityDeps, progressListeners?: (defaults: PlayProgressListener) => readonly PlayProgressListener[]): ActivityServices {
  const { db, clock, reminders, curriculum } = deps;
  const schedules = new PlayScheduleService(db, clock, reminders, deps.whereabouts);
  const weeks = new PlayWeekService(db, clock, reminders, schedules, curriculum);
  const recordings = new ActivityRecordingService(db, curriculum, clock, deps.intake, deps.store);
  const notes = new ParentProgressNotes(reminders, weeks, clock);
  return {
    curriculum,
    schedules,
    weeks,
    progress: new PlayProgressService(db, clock, progressListeners?.(notes) ?? [notes]),
    recordings,
    voice: new ReminderVoice(curriculum, recordings, deps.synthesizer, deps.logger),
    addressOf: deps.addressOf,
  };
}
