import type { AttentionRaiser } from '../../core/attention.js';
import type { Clock } from '../../core/clock.js';
import type { MediaRef } from '../../core/messages.js';
import type { MediaStore } from '../../storage/media-store.js';
import type { Database } from '../../storage/prisma.js';
import type { MediaIntake } from '../updates/media-intake.js';
import { MILESTONE_ROUND } from './check-ins.js';
import { itemIdsOf, type Instrument } from './instrument.js';

/** What an item answered by voice holds among the answers: not scored, left for the teacher to hear. */
export const VOICE_ANSWER = 'voice';

/**
 * Items answered with a voice note instead of a button. Nothing here understands speech: the note goes into the media
 * store as a moment's voice note does (size and type checked, metadata stripped, kept for the media retention period,
 * deleted with its speaker on /forget), the item's answer becomes "voice" (no points), and the child's teacher and
 * coordinators get one needs-attention item per check-in saying there is something to listen to.
 */
export class VoiceAnswers {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly intake: Pick<MediaIntake, 'take'>,
    private readonly store: Pick<MediaStore, 'delete'>,
    private readonly instruments: readonly Instrument[],
    private readonly attention: AttentionRaiser,
  ) {}

  /**
   * Keeps the note as the answer to `itemId`, if the person may answer that check-in (its respondent, or a caregiver of
   * the child for a milestone age) and the item is still open. Throws `MediaRejectedError` for a file not kept.
   */
  async save(person: { id: string; displayName: string }, checkInId: string, itemId: string, note: MediaRef): Promise<'saved' | 'gone'> {
    const row = await this.db.checkIn.findFirst({
      where: {
        id: checkInId,
        completedAt: null,
        OR: [{ respondentId: person.id }, { round: MILESTONE_ROUND, child: { family: { members: { some: { personId: person.id, role: 'caregiver' } } } } }],
      },
      select: { instrumentId: true, ageMonths: true, answers: true, child: { select: { id: true, name: true, familyId: true } } },
    });
    const instrument = this.instruments.find((candidate) => candidate.id === row?.instrumentId);
    const answers = { ...(row?.answers as Record<string, string> | undefined) };
    if (!row || !instrument || !itemIdsOf(instrument, row.ageMonths)?.includes(itemId) || answers[itemId] !== undefined) return 'gone';
    const stored = await this.intake.take('voice', note);
    const createdAt = this.clock.now();
    await this.db.$transaction([
      this.db.checkInVoiceAnswer.create({ data: { checkInId, itemId, personId: person.id, storageKey: stored.storageKey, mimeType: stored.mimeType, sizeBytes: stored.sizeBytes, createdAt } }),
      this.db.checkIn.update({ where: { id: checkInId }, data: { answers: { ...answers, [itemId]: VOICE_ANSWER } } }),
    ]);
    await this.attention.raise({
      kind: 'checkin_voice_answer',
      familyId: row.child.familyId,
      childId: row.child.id,
      subjectPersonId: person.id,
      audience: 'coordinators_and_teachers',
      details: { person_name: person.displayName, child_name: row.child.name },
      dedupeKey: `checkin-voice:${checkInId}`,
    });
    return 'saved';
  }

  /** The files of every voice answer a person gave: `/forget` deletes them before the rows go with the person. */
  async filesOf(personId: string): Promise<string[]> {
    const rows = await this.db.checkInVoiceAnswer.findMany({ where: { OR: [{ personId }, { checkIn: { respondentId: personId } }] }, select: { storageKey: true } });
    return rows.map((row) => row.storageKey);
  }

  /** Voice answers older than the media retention period lose their file and row (the answer stays "voice"). */
  async forgetOlderThan(days: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - days * 86_400_000);
    const old = await this.db.checkInVoiceAnswer.findMany({ where: { createdAt: { lt: cutoff } }, select: { id: true, storageKey: true } });
    if (old.length === 0) return 0;
    await this.store.delete(old.map((row) => row.storageKey));
    await this.db.checkInVoiceAnswer.deleteMany({ where: { id: { in: old.map((row) => row.id) } } });
    return old.length;
  }
}
