import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaTags, taggedOggVoice } from '../support/media-fixtures.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';

const NOT_ALLOWED = 'Only coordinators, and teachers their coordinator allowed, can record play reminders.';

/**
 * Two cohorts on one deployment: a teacher of cohort A records only once A's coordinator allowed her, only for A,
 * and cohort B's caregivers never hear A's voice (nor can B's coordinator replace it).
 */
describe('play-reminder recordings belong to one cohort', () => {
  let t: TestApp;
  let cohortA: SeededFamily;
  let cohortB: SeededFamily;
  const activityId = 'coin-shop';

  beforeAll(async () => {
    t = await startTestApp({ speechCacheDir: mkdtempSync(path.join(tmpdir(), 'kinbridge-speech-')) });
    for (const fileId of ['voice-of-teacher-a', 'voice-of-coordinator-b', 'hijack']) t.channel.files.set(fileId, taggedOggVoice());
    cohortA = await t.seedFamily('Chen family');
    cohortB = await t.seedFamily('Huang family');
    await t.onboard('teacher-a', cohortA.codes.teacher, { locale: 'en', city: 'Hechi', quiet: 'none' });
    for (const [chat, family] of [['coord-a', cohortA], ['coord-b', cohortB]] as const) {
      await t.database.prisma.channelIdentity.create({ data: { channel: 'memory', externalId: chat, personId: family.coordinatorId } });
    }
  });
  afterAll(() => t.close());

  const childOf = async (family: SeededFamily): Promise<string> => (await t.database.prisma.child.findFirstOrThrow({ where: { familyId: family.familyId } })).id;
  /** Which recording a caregiver of `family` would hear this week: whose voice note it was, or none. */
  const voiceFor = async (family: SeededFamily): Promise<string | undefined> => {
    const { activities } = t.app.services;
    const text = activities.curriculum.text(activityId, 'en')!;
    const voice = await activities.voice.for(activityId, 'en', text, 'memory', await childOf(family));
    const played = voice && 'path' in voice ? path.relative(t.mediaDir, voice.path) : undefined;
    const recording = await t.database.prisma.activityRecording.findFirst({ where: { media: { path: ['storageKey'], equals: played ?? '' } }, include: { recordedBy: true } });
    return recording ? `voice of ${recording.recordedBy.displayName} for ${recording.cohortId === cohortA.cohortId ? 'A' : 'B'}` : undefined;
  };
  /** Goes through /record, answering by button: band 5-6, the coin shop, English, then the voice note. */
  async function record(chat: string, fileId: string, cohortId?: string): Promise<string[]> {
    await t.channel.say(chat, '/record');
    if (cohortId) await t.channel.tap(chat, cohortId);
    await t.channel.tap(chat, '5-6');
    await t.channel.tap(chat, activityId);
    await t.channel.tap(chat, 'en');
    return t.channel.deliver(chat, { kind: 'voice', media: { channel: 'memory', fileId } });
  }

  it('refuses /record to a teacher her coordinator has not allowed', async () => {
    expect(await t.channel.say('teacher-a', '/record')).toEqual([NOT_ALLOWED]);
  });

  it("never lets another cohort's coordinator allow that teacher", async () => {
    expect(await t.channel.say('coord-b', '/recorders')).toEqual([expect.stringContaining('There is no teacher to allow')]);
    const teacherA = (await t.database.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: 'memory', externalId: 'teacher-a' } } })).personId;
    expect(await t.app.services.activities.recordings.approve(cohortB.coordinatorId, cohortA.cohortId, teacherA)).toBe(false);
    expect(await t.database.prisma.recordingApproval.count()).toBe(0);
  });

  it("lets cohort A's coordinator allow her, and her recording plays to cohort A only", async () => {
    expect(await t.channel.say('coord-a', '/recorders')).toEqual([expect.stringContaining('Which teacher may record')]);
    expect((await t.channel.tap('coord-a', 't0'))[0]).toContain('teacher-a may now record play reminders');
    expect(await record('teacher-a', 'voice-of-teacher-a')).toEqual(['Thank you! Caregivers will hear your voice for this game from now on.']);
    expect(await voiceFor(cohortA)).toBe('voice of teacher-a for A');
    expect(await voiceFor(cohortB)).toBeUndefined();
    // Kept like any shared voice note: without the tags her recorder app wrote.
    const { media } = await t.database.prisma.activityRecording.findFirstOrThrow({ where: { cohortId: cohortA.cohortId } });
    expect(mediaTags(readFileSync(path.join(t.mediaDir, (media as { storageKey: string }).storageKey))).filter((tag) => !tag.startsWith('encoder='))).toEqual([]);
  });

  it("lets cohort B's coordinator record for B without replacing A's, and never for A", async () => {
    await record('coord-b', 'voice-of-coordinator-b');
    expect(await voiceFor(cohortB)).toBe('voice of Coordinator 2 for B');
    expect(await voiceFor(cohortA)).toBe('voice of teacher-a for A');
    expect(await t.app.services.activities.recordings.save(cohortB.coordinatorId, cohortA.cohortId, activityId, 'en', { channel: 'memory', fileId: 'hijack' })).toBe(false);
    expect(await voiceFor(cohortA)).toBe('voice of teacher-a for A');
  });

  it('takes her recording and its file with her on /forget', async () => {
    const { media } = await t.database.prisma.activityRecording.findFirstOrThrow({ where: { cohortId: cohortA.cohortId } });
    const file = path.join(t.mediaDir, (media as { storageKey: string }).storageKey);
    await t.channel.say('teacher-a', '/forget');
    await t.channel.tap('teacher-a', 'forget');
    expect(existsSync(file)).toBe(false);
    expect(await voiceFor(cohortA)).toBeUndefined();
    expect(await voiceFor(cohortB)).toBe('voice of Coordinator 2 for B');
  });
});
