import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/storage/generated/client.js';
import { LocalMediaStore } from '../../src/storage/local-media-store.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';

const DAY = 24 * 3600_000;

describe('media retention', () => {
  let t: TestApp;
  const clock = new TestClock();

  beforeAll(async () => {
    t = await startTestApp({ clock, mediaRetentionDays: 90 });
  });
  afterAll(() => t.close());

  const storedUpdate = async (senderId: string, familyId: string | null, shared: boolean): Promise<{ id: string; file: string }> => {
    const key = await new LocalMediaStore(t.mediaDir).put(new Uint8Array([1, 2, 3]), '.jpg');
    const update = await t.database.prisma.familyUpdate.create({
      data: {
        senderId,
        familyId,
        createdAt: clock.now(),
        sharedAt: shared ? clock.now() : null,
        media: { create: { kind: 'voice', storageKey: key, mimeType: 'audio/ogg', sizeBytes: 3 } },
      },
    });
    return { id: update.id, file: path.join(t.mediaDir, key) };
  };

  it('deletes moments and their files after the retention period, and unfinished drafts after a day', async () => {
    const { familyId, coordinatorId } = await t.seedFamily();
    const old = await storedUpdate(coordinatorId, familyId, true);
    const abandonedDraft = await storedUpdate(coordinatorId, null, false);
    clock.advance(2 * DAY);
    const recent = await storedUpdate(coordinatorId, familyId, true);
    const freshDraft = await storedUpdate(coordinatorId, null, false);

    expect(await t.app.services.updates.retention.sweep()).toEqual({ updates: 1, withdrawnFiles: 0 });
    expect(existsSync(abandonedDraft.file)).toBe(false);
    expect(existsSync(freshDraft.file)).toBe(true);

    // The copy a parent was sent (caption, names) goes with the moment.
    await t.app.outbox.enqueue({ address: { channel: 'memory', chatId: 'papa' }, messages: [{ text: 'Nainai shared a moment' }], dedupeKey: `update:${old.id}:papa` });
    clock.advance(89 * DAY);
    expect(await t.app.services.updates.retention.sweep()).toEqual({ updates: 2, withdrawnFiles: 0 });
    expect(await t.database.prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: `update:${old.id}:` } } })).toBe(0);
    expect(existsSync(old.file)).toBe(false);
    expect(existsSync(recent.file)).toBe(true);
    const left = await t.database.prisma.familyUpdate.findMany({ select: { id: true } });
    expect(left.map((update) => update.id)).toEqual([recent.id]);
  });
});

describe('photos sent in answer to a play reminder', () => {
  let t: TestApp;
  const clock = new TestClock();

  beforeAll(async () => {
    t = await startTestApp({ clock, mediaRetentionDays: 90 });
  });
  afterAll(() => t.close());

  it('are kept only with the parents’ consent, and forgotten on withdrawal and after the retention period', async () => {
    const { familyId } = await t.seedFamily();
    const db = t.database.prisma;
    const child = await db.child.findFirstOrThrow({ where: { familyId } });
    const nainai = await db.person.create({ data: { displayName: 'Nainai', memberships: { create: { familyId, role: 'caregiver' } } } });
    const papa = await db.person.create({ data: { displayName: 'Papa', memberships: { create: { familyId, role: 'parent' } } } });
    const schedule = await db.playSchedule.create({ data: { caregiverId: nainai.id, childId: child.id, weekday: 6, minuteOfDay: 600 } });
    const row = await db.playAssignment.create({ data: { scheduleId: schedule.id, week: '2026-W48', band: '3-4', activityId: 'a1' } });
    const assignment = {
      id: row.id,
      week: row.week,
      activityId: row.activityId,
      status: 'done' as const,
      schedule: { id: schedule.id, weekday: 6, minuteOfDay: 600, caregiver: { id: nainai.id, timeZone: 'Asia/Shanghai' }, recipient: { id: nainai.id, timeZone: 'Asia/Shanghai' }, child: { id: child.id, name: child.name, birthDate: child.birthDate, familyId } },
    };
    const photo = { channel: 'memory', fileId: 'file-of-the-child', caption: 'Xiaoming stacking cups' };
    const storedMedia = async () => (await db.playProgress.findMany({ where: { kind: 'photo' }, orderBy: { createdAt: 'asc' } })).map((p) => p.media);

    await t.app.services.activities.progress.record(assignment, nainai.id, 'photo', photo);
    expect(await storedMedia()).toEqual([null]); // no parent has said yes: the answer counts, the picture is not kept

    await t.app.services.consents.decide(papa.id, 'photo_sharing', child.id, true);
    await t.app.services.activities.progress.record(assignment, nainai.id, 'photo', photo);
    expect(await storedMedia()).toEqual([null, photo]);

    await t.app.services.consents.decide(papa.id, 'photo_sharing', child.id, false);
    await t.app.services.updates.retention.removePhotosWithoutConsent([familyId]);
    expect(await storedMedia()).toEqual([null, null]);

    await t.app.services.consents.decide(papa.id, 'photo_sharing', child.id, true);
    await t.app.services.activities.progress.record(assignment, nainai.id, 'photo', photo);
    await db.playProgress.updateMany({ where: { media: { not: Prisma.DbNull } }, data: { createdAt: new Date(clock.now().getTime() - 91 * DAY) } });
    await t.app.services.updates.retention.sweep();
    expect(await storedMedia()).toEqual([null, null, null]);
  });
});
