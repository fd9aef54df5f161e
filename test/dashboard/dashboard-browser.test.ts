import path from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasText, type FakeUser } from '../support/fake-telegram.js';
import { artifactsDir, launchChromium, phonePage } from '../support/browser.js';
import { askForDashboardLink } from '../support/dashboard-client.js';
import { startTelegramTestApp, type TelegramTestApp } from '../support/telegram-test-app.js';
import type { SeededFamily } from '../support/test-app.js';
import { OffsetClock } from '../../src/core/offset-clock.js';

/**
 * A coordinator works in the dashboard in a real browser (Debian's Chromium through playwright-core), phone-sized:
 * signs in through the link the bot sends, takes a missed-call escalation, filters the roster, sends a broadcast in two languages and watches it
 * arrive, cannot open another cohort's family, signs out. Screenshots of each page go to test-artifacts/dashboard/.
 */
describe('the dashboard in a browser', () => {
  let t: TelegramTestApp;
  let browser: Browser;
  let page: Page;
  let wang: SeededFamily;
  let zhao: SeededFamily;
  const shots = artifactsDir('dashboard');
  const coordinator: FakeUser = { id: 7201, firstName: 'Lan', languageCode: 'en' };
  const father: FakeUser = { id: 7202, firstName: 'Wei', languageCode: 'en' };
  const grandmother: FakeUser = { id: 7203, firstName: '奶奶', languageCode: 'zh-hans' };
  // Moved forward by the scheduled broadcast's test, as the hours pass.
  const clock = new OffsetClock();
  const screenshot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTelegramTestApp({ dashboard: { host: '127.0.0.1', port: 0 }, clock, broadcastCheckEveryMs: 200 }), launchChromium()]);
    wang = await t.seedFamily('Wang family');
    zhao = await t.seedFamily('Zhao family');
    const li = await t.app.services.families.create(wang.coordinatorId, {
      name: 'Li family',
      cohortId: wang.cohortId,
      children: [{ name: 'Xiaohong', birthDate: '2022-02-01', kindergarten: 'Sunflower Kindergarten', className: 'Class 2' }],
    });
    expect(li.familyId).toBeTruthy();
    await t.database.prisma.channelIdentity.create({ data: { channel: 'telegram', externalId: String(coordinator.id), personId: wang.coordinatorId } });
    await t.onboardOnTelegram(father, wang.codes.parent, { language: 'English', city: 'Milan', quietHours: 'Any time is fine', photos: 'Yes, share with family' });
    await t.telegram.userAnswers(father, 'How many calls a week', { label: 'Once a week' });
    await t.telegram.userAnswers(father, 'These times suit both of you', { label: 'Yes, remind me' });
    await t.telegram.waitForSent(father.id, hasText('I will remind you'));
    await t.onboardOnTelegram(grandmother, wang.codes.caregiver, { language: '中文', city: '河池', quietHours: '什么时候都可以' });
    await t.telegram.waitForSent(grandmother.id, hasText('都设好了'));
    page = await phonePage(browser, 'en-GB');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in through the link the bot sends', async () => {
    const link = await askForDashboardLink(t.telegram, coordinator);
    await page.goto(link);
    await screenshot('01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/attention');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Needs attention');
    expect(await page.locator('article.card').count()).toBe(0);
  });

  it('shows a missed-call escalation as it is raised, and the coordinator takes it and adds a note', async () => {
    // The weekly summary's escalation, as after three weeks without a call: a gentle word first, then the coordinators.
    const fatherId = (await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { channel: 'telegram', externalId: String(father.id) } })).personId;
    const { id: planId } = await t.database.prisma.callPlan.findFirstOrThrow({ where: { parentId: fatherId } });
    const { escalation, plans } = t.app.services.calls;
    expect(await escalation.evaluate((await plans.planFor(fatherId, planId))!, 3)).toBe('gentle');
    expect(await escalation.evaluate((await plans.planFor(fatherId, planId))!, 3)).toBe('alerted');

    await page.reload();
    const item = page.locator('article.card');
    expect(await item.textContent()).toContain('Wang family: Wei and Xiaoming – no call for 3 weeks');
    expect(await item.locator('[data-status]').textContent()).toBe('new');
    await screenshot('02-needs-attention');
    await item.getByRole('button', { name: "I'll take it" }).click();
    await page.waitForURL('**/attention');
    expect(await page.locator('article.card [data-status]').textContent()).toBe('taken');
    expect(await page.locator('article.card').textContent()).toContain('Coordinator 1 is on it');

    await page.locator('article.card a').click();
    await page.getByLabel('Note').fill('Called the father; he works nights this month.');
    await page.getByRole('button', { name: 'Add note' }).click();
    expect(await page.locator('ul.notes li').textContent()).toContain('Coordinator 1: Called the father; he works nights this month.');
    expect(await page.locator('ol.trail li').allTextContents()).toEqual([
      expect.stringContaining('Kinbridge: raised'),
      expect.stringContaining('Coordinator 1: took it'),
      expect.stringContaining('Coordinator 1: added a note'),
    ]);
    await screenshot('03-attention-item');
  });

  it('filters the roster by kindergarten', async () => {
    await page.getByRole('link', { name: 'Families' }).click();
    expect(await page.locator('table.roster tbody tr td:first-child').allTextContents()).toEqual(expect.arrayContaining(['Wang family', 'Li family']));
    await page.getByLabel('Kindergarten or class').fill('sunflower');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL('**/families?*school=sunflower*');
    expect(await page.locator('table.roster tbody tr td:first-child').allTextContents()).toEqual(['Li family']);
    await screenshot('04-roster-filtered');
    await page.getByRole('link', { name: 'Li family' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Li family');
    await screenshot('05-family');
  });

  it('composes a broadcast in two languages, previews both and watches its report until all are delivered', async () => {
    await page.getByRole('link', { name: 'Broadcasts' }).click();
    await page.getByLabel('中文').fill('明天幼儿园开家长会。');
    await page.getByLabel('English').fill('Parents’ meeting at the kindergarten tomorrow.');
    await screenshot('06-broadcast-compose');
    await page.getByRole('button', { name: 'Preview' }).click();
    expect(await page.locator('.preview').allTextContents()).toEqual(['Parents’ meeting at the kindergarten tomorrow.', '明天幼儿园开家长会。']);
    await screenshot('07-broadcast-preview');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-status="done"]').waitFor({ timeout: 20_000 });
    const recipients = Number(await page.locator('dt:has-text("Recipients") + dd').textContent());
    expect(recipients).toBeGreaterThanOrEqual(2);
    expect(Number(await page.locator('[data-delivered]').textContent())).toBe(recipients);
    await screenshot('08-broadcast-report');
    await t.telegram.waitForSent(grandmother.id, hasText('明天幼儿园开家长会。'));
    await t.telegram.waitForSent(father.id, hasText('Parents’ meeting at the kindergarten tomorrow.'));
  });

  it('schedules a two-language broadcast for later: nothing leaves before its time, then its report fills', async () => {
    await page.getByRole('link', { name: 'Broadcasts' }).click();
    await page.getByLabel('中文').fill('下星期一幼儿园放假。');
    await page.getByLabel('English').fill('The kindergarten is closed next Monday.');
    await page.getByRole('button', { name: 'Preview' }).click();
    expect(await page.locator('.preview').allTextContents()).toEqual(['The kindergarten is closed next Monday.', '下星期一幼儿园放假。']);
    // The coordinator's own clock (Asia/Shanghai, the default zone), two hours from now.
    const sendAt = DateTime.fromJSDate(clock.now(), { zone: 'Asia/Shanghai' }).plus({ hours: 2 }).startOf('minute');
    await page.getByLabel(/Send later/).fill(sendAt.toFormat("yyyy-LL-dd'T'HH:mm"));
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL('**/broadcasts/*');
    expect(await page.locator('[data-status]').textContent()).toBe('scheduled');
    expect(await page.locator('[data-scheduled-at]').textContent()).toBe(`Goes out at ${sendAt.toFormat('yyyy-LL-dd HH:mm')} (your time).`);
    await screenshot('09-broadcast-scheduled');
    const broadcastId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await t.database.prisma.outboxMessage.count({ where: { broadcastId } })).toBe(0);

    clock.moveTo(sendAt.plus({ minutes: 1 }).toJSDate());
    // The page keeps asking for the report; it fills once the worker sees the broadcast due on the moved clock.
    await page.locator('[data-status="done"]').waitFor({ timeout: 20_000 });
    const recipients = Number(await page.locator('dt:has-text("Recipients") + dd').textContent());
    expect(recipients).toBeGreaterThanOrEqual(2);
    expect(Number(await page.locator('[data-delivered]').textContent())).toBe(recipients);
    await screenshot('10-broadcast-scheduled-report');
    await t.telegram.waitForSent(grandmother.id, hasText('下星期一幼儿园放假。'));
    await t.telegram.waitForSent(father.id, hasText('The kindergarten is closed next Monday.'));
  });

  it('shows engagement by county, kindergarten and class, and parent\'s country, with charts drawn', async () => {
    await page.getByRole('link', { name: 'Engagement' }).click();
    const groups = (grouping: string) => page.locator(`table[data-grouping="${grouping}"] tbody th`).allTextContents();
    expect(await groups('county')).toEqual(['Hechi', '—']);
    expect(await groups('kindergarten')).toEqual(['Sunflower Kindergarten · Class 2', '—']);
    expect(await groups('country')).toEqual(['Italy', '—']);
    // Chart.js, served by the dashboard itself, drew every chart (it sizes each canvas it takes).
    const canvases = page.locator('canvas[data-chart]');
    expect(await canvases.count()).toBe(5);
    expect(await canvases.evaluateAll((all) => all.every((canvas) => (canvas as { style: { width: string } }).style.width !== ''))).toBe(true);
    await screenshot('11-engagement');
  });

  it('answers "not found" for a family of another cohort', async () => {
    const response = await page.goto(new URL(`/families/${zhao.familyId}`, t.app.dashboardUrl()).toString());
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not found');
    expect(await page.content()).not.toContain('Zhao');
    await screenshot('12-other-cohort-not-found');
  });

  it('signs out, after which the pages ask to sign in again', async () => {
    await page.goto(new URL('/families', t.app.dashboardUrl()).toString());
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await screenshot('13-signed-out');
    const response = await page.goto(new URL('/families', t.app.dashboardUrl()).toString());
    expect(response?.status()).toBe(401);
  });
});
