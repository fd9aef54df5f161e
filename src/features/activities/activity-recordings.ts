import type { Clock } from '../../core/clock.js';
import type { MediaRef, MediaSource } from '../../core/messages.js';
import type { MediaStore } from '../../storage/media-store.js';
import type { Database } from '../../storage/prisma.js';
import type { MediaIntake } from '../updates/media-intake.js';
import type { Curriculum } from './curriculum.js';

/** A recording made before recordings were kept by us: the platform's file id, playable only on that platform. */
export interface RecordedVoice {
  readonly fileId: string;
}

/** A recording in the media store, cleaned of metadata when it came in: any platform can be sent it. */
export type StoredRecording = Extract<MediaSource, { kind: 'file' }>;

/** What the `media` column of a recording holds. */
type RecordingMedia = { storageKey?: unknown; mimeType?: unknown; fileId?: unknown };

export interface CohortChoice {
  readonly id: string;
  readonly label: string;
}

/** A teacher in one of a coordinator's cohorts, who may be allowed to record for it. */
export interface RecorderCandidate {
  readonly cohortId: string;
  readonly cohortName: string;
  readonly teacherId: string;
  readonly teacherName: string;
}

/**
 * Coordinators' and teachers' own voices reading activities, in their language or dialect. Each recording belongs
 * to one cohort: made or replaced only by that cohort's coordinators or the teachers they approved, and played only
 * to caregivers of that cohort's children.
 */
export class ActivityRecordingService {
  constructor(
    private readonly db: Database,
    private readonly curriculum: Curriculum,
    private readonly clock: Clock,
    /** Brings the voice note in like any shared file: size and type checked, metadata stripped (ffmpeg). */
    private readonly intake: MediaIntake,
    private readonly store: MediaStore,
  ) {}

  /** The cohorts a person may record for: those they coordinate, and those whose coordinators approved them as a teacher. */
  async cohortsFor(personId: string): Promise<CohortChoice[]> {
    const cohorts = await this.db.cohort.findMany({
      where: {
        OR: [
          { coordinators: { some: { personId } } },
          // An approval counts while the person still teaches in a family of that cohort.
          { recordingApprovals: { some: { teacherId: personId } }, families: { some: { members: { some: { personId, role: 'teacher' } } } } },
        ],
      },
      select: { id: true, name: true },
      orderBy: { name: 'asc' },
    });
    return cohorts.map((cohort) => ({ id: cohort.id, label: cohort.name }));
  }

  /**
   * Keeps the cohort's recording for the activity and language, replacing its earlier one (and that one's file);
   * false when not allowed or unknown. A voice note the intake refuses throws its MediaRejectedError.
   */
  async save(personId: string, cohortId: string, activityId: string, locale: string, voice: MediaRef): Promise<boolean> {
    if (!this.curriculum.has(activityId) || !this.curriculum.languages.has(locale)) return false;
    if (!(await this.cohortsFor(personId)).some((cohort) => cohort.id === cohortId)) return false;
    const stored = await this.intake.take('voice', voice);
    const where = { cohortId_activityId_locale: { cohortId, activityId, locale } };
    const earlier = await this.db.activityRecording.findUnique({ where, select: { media: true } });
    const data = { recordedById: personId, media: { storageKey: stored.storageKey, mimeType: stored.mimeType }, channel: null };
    await this.db.activityRecording.upsert({ where, create: { cohortId, activityId, locale, ...data }, update: data });
    await this.store.delete(storageKeysOf(earlier ? [earlier] : []));
    return true;
  }

  /** The recording of an activity in a language for a child's cohort, that a person on `channel` can be sent. */
  async find(activityId: string, locale: string, channel: string | undefined, childId: string): Promise<StoredRecording | RecordedVoice | undefined> {
    const child = await this.db.child.findUnique({ where: { id: childId }, select: { cohortId: true, family: { select: { cohortId: true } } } });
    const cohortId = child?.cohortId ?? child?.family.cohortId;
    if (!cohortId) return undefined;
    const row = await this.db.activityRecording.findUnique({ where: { cohortId_activityId_locale: { cohortId, activityId, locale } } });
    if (!row) return undefined;
    const media = row.media as RecordingMedia;
    if (typeof media.storageKey === 'string' && typeof media.mimeType === 'string') return this.store.source(media.storageKey, media.mimeType) as StoredRecording;
    if (row.channel && row.channel !== channel) return undefined;
    return typeof media.fileId === 'string' ? { fileId: media.fileId } : undefined;
  }

  /** The files of the recordings a person made (for /forget, whose cascade removes the rows). */
  async filesOf(personId: string): Promise<string[]> {
    return storageKeysOf(await this.db.activityRecording.findMany({ where: { recordedById: personId }, select: { media: true } }));
  }

  /** Teachers of a coordinator's cohorts not yet allowed to record. */
  async candidates(coordinatorId: string): Promise<RecorderCandidate[]> {
    const members = await this.db.familyMember.findMany({
      where: { role: 'teacher', family: { cohort: { coordinators: { some: { personId: coordinatorId } } } } },
      select: { person: { select: { id: true, displayName: true } }, family: { select: { cohort: { select: { id: true, name: true } } } } },
    });
    const approvals = await this.db.recordingApproval.findMany({
      where: { cohort: { coordinators: { some: { personId: coordinatorId } } } },
      select: { cohortId: true, teacherId: true },
    });
    const approved = new Set(approvals.map((a) => `${a.cohortId}:${a.teacherId}`));
    const unique = new Map<string, RecorderCandidate>();
    for (const { person, family } of members) {
      const cohort = family.cohort!;
      const key = `${cohort.id}:${person.id}`;
      if (!approved.has(key)) unique.set(key, { cohortId: cohort.id, cohortName: cohort.name, teacherId: person.id, teacherName: person.displayName });
    }
    return [...unique.values()];
  }

  /** A coordinator allows a teacher of their cohort to record for it; false when either side does not hold. */
  async approve(coordinatorId: string, cohortId: string, teacherId: string): Promise<boolean> {
    if (!(await this.candidates(coordinatorId)).some((c) => c.cohortId === cohortId && c.teacherId === teacherId)) return false;
    // Two coordinators approving at once: the second finds the row there.
    await this.db.recordingApproval.createMany({ data: [{ cohortId, teacherId, approvedById: coordinatorId, approvedAt: this.clock.now() }], skipDuplicates: true });
    return true;
  }
}

function storageKeysOf(rows: readonly { media: unknown }[]): string[] {
  return rows.flatMap((row) => {
    const key = (row.media as RecordingMedia).storageKey;
    return typeof key === 'string' ? [key] : [];
  });
}
