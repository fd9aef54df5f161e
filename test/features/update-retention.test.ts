import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

    clock.advance(89 * DAY);
    expect(await t.app.services.updates.retention.sweep()).toEqual({ updates: 2, withdrawnFiles: 0 });
    expect(existsSync(old.file)).toBe(false);
    expect(existsSync(recent.file)).toBe(true);
    const left = await t.database.prisma.familyUpdate.findMany({ select: { id: true } });
    expect(left.map((update) => update.id)).toEqual([recent.id]);
  });
});
