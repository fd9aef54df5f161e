import type { Clock } from '../../core/clock.js';
import type { Database } from '../../storage/prisma.js';
import type { Curriculum } from './curriculum.js';

/** A voice note as the platform keeps it; re-sent by its file id, so only people on that platform can get it. */
export interface RecordedVoice {
  readonly fileId: string;
}

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

  /** Keeps the cohort's recording for the activity and language, replacing its earlier one; false when not allowed or unknown. */
  async save(personId: string, cohortId: string, activityId: string, locale: string, voice: RecordedVoice, channel: string | undefined): Promise<boolean> {
    if (!this.curriculum.has(activityId) || !this.curriculum.languages.has(locale)) return false;
    if (!(await this.cohortsFor(personId)).some((cohort) => cohort.id === cohortId)) return false;
    const data = { recordedById: personId, media: { fileId: voice.fileId }, channel: channel ?? null };
    await this.db.activityRecording.upsert({
      where: { cohortId_activityId_locale: { cohortId, activityId, locale } },
      create: { cohortId, activityId, locale, ...data },
      update: data,
    });
    return true;
  }

  /** The recording of an activity in a language for a child's cohort, that a person on `channel` can be sent. */
  async find(activityId: string, locale: string, channel: string | undefined, childId: string): Promise<RecordedVoice | undefined> {
    const child = await this.db.child.findUnique({ where: { id: childId }, select: { cohortId: true, family: { select: { cohortId: true } } } });
    const cohortId = child?.cohortId ?? child?.family.cohortId;
    if (!cohortId) return undefined;
    const row = await this.db.activityRecording.findUnique({ where: { cohortId_activityId_locale: { cohortId, activityId, locale } } });
    if (!row || (row.channel && row.channel !== channel)) return undefined;
    const fileId = (row.media as { fileId?: unknown }).fileId;
    return typeof fileId === 'string' ? { fileId } : undefined;
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
