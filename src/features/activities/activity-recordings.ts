import type { Database } from '../../storage/prisma.js';
import type { Curriculum } from './curriculum.js';

/** A voice note as the platform keeps it; re-sent by its file id, so only people on that platform can get it. */
export interface RecordedVoice {
  readonly fileId: string;
}

/** Coordinators' and teachers' own voices reading activities, in their language or dialect. */
export class ActivityRecordingService {
  constructor(
    private readonly db: Database,
    private readonly curriculum: Curriculum,
  ) {}

  /** Only a coordinator of a cohort or a teacher in a family records reminders. */
  async mayRecord(personId: string): Promise<boolean> {
    const [coordinates, teaches] = await Promise.all([
      this.db.cohortCoordinator.count({ where: { personId } }),
      this.db.familyMember.count({ where: { personId, role: 'teacher' } }),
    ]);
    return coordinates + teaches > 0;
  }

  /** Keeps the recording for the activity and language, replacing an earlier one; false when not allowed or unknown. */
  async save(personId: string, activityId: string, locale: string, voice: RecordedVoice, channel: string | undefined): Promise<boolean> {
    if (!this.curriculum.has(activityId) || !this.curriculum.languages.has(locale) || !(await this.mayRecord(personId))) return false;
    const data = { recordedById: personId, media: { fileId: voice.fileId }, channel: channel ?? null };
    await this.db.activityRecording.upsert({ where: { activityId_locale: { activityId, locale } }, create: { activityId, locale, ...data }, update: data });
    return true;
  }

  /** The recording of an activity in a language that a person on `channel` can be sent. */
  async find(activityId: string, locale: string, channel: string | undefined): Promise<RecordedVoice | undefined> {
    const row = await this.db.activityRecording.findUnique({ where: { activityId_locale: { activityId, locale } } });
    if (!row || (row.channel && row.channel !== channel)) return undefined;
    const fileId = (row.media as { fileId?: unknown }).fileId;
    return typeof fileId === 'string' ? { fileId } : undefined;
  }
}
