import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasText, type FakeUser } from '../support/fake-telegram.js';
import { DashboardClient, askForDashboardLink } from '../support/dashboard-client.js';
import { startTelegramTestApp, type TelegramTestApp } from '../support/telegram-test-app.js';
import type { SeededFamily } from '../support/test-app.js';

/** Signing in to the dashboard with a link from chat, the session around it, and the cohort boundary. */
describe('dashboard access', () => {
  let t: TelegramTestApp;
  let wang: SeededFamily;
  let zhao: SeededFamily;
  let baseUrl: string;
  const coordinator: FakeUser = { id: 7101, firstName: 'Lan', languageCode: 'en' };
  const otherCoordinator: FakeUser = { id: 7102, firstName: 'Mei', languageCode: 'en' };
  const grandmother: FakeUser = { id: 7103, firstName: '奶奶', languageCode: 'zh-hans' };

  beforeAll(async () => {
    t = await startTelegramTestApp({ dashboard: { host: '127.0.0.1', port: 0 } });
    baseUrl = t.app.dashboardUrl()!;
    wang = await t.seedFamily('Wang family');
    zhao = await t.seedFamily('Zhao family');
    await t.database.prisma.channelIdentity.create({ data: { channel: 'telegram', externalId: String(coordinator.id), personId: wang.coordinatorId } });
    await t.database.prisma.channelIdentity.create({ data: { channel: 'telegram', externalId: String(otherCoordinator.id), personId: zhao.coordinatorId } });
  });
  afterAll(() => t.close());

  it('signs a coordinator in with a one-time link and shows only the families of their cohorts', async () => {
    const link = await askForDashboardLink(t.telegram, coordinator);
    const browser = new DashboardClient(baseUrl);
    const signIn = await browser.signIn(link);
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toMatch(/kinbridge_session=[^;]+;.*HttpOnly.*SameSite=Strict/i);

    const roster = await browser.get('/families');
    expect(roster.status).toBe(200);
    expect(browser.lastPage).toContain('Wang family');
    expect(browser.lastPage).not.toContain('Zhao family');

    // The link has been spent: a second browser cannot use it.
    const thief = new DashboardClient(baseUrl);
    expect((await thief.signIn(link)).status).toBe(401);
    expect((await thief.get('/families')).status).toBe(401);
  });

  it('answers another cohort\'s family exactly like one that does not exist', async () => {
    const browser = new DashboardClient(baseUrl);
    await browser.signIn(await askForDashboardLink(t.telegram, coordinator));
    const own = await browser.get(`/families/${wang.familyId}`);
    expect(own.status).toBe(200);
    const other = await browser.get(`/families/${zhao.familyId}`);
    const otherPage = browser.lastPage;
    const missing = await browser.get('/families/00000000-0000-4000-8000-000000000000');
    expect([other.status, missing.status]).toEqual([404, 404]);
    expect(otherPage).toBe(browser.lastPage);
    expect(otherPage).not.toContain('Zhao');

    const views = await t.database.prisma.dashboardAccessLog.findMany({ where: { viewerId: wang.coordinatorId } });
    expect(views.map((view) => [view.familyId, view.view])).toEqual([[wang.familyId, 'family']]);
  });

  it('refuses a POST without the CSRF token, and ends the session on sign-out', async () => {
    const browser = new DashboardClient(baseUrl);
    await browser.signIn(await askForDashboardLink(t.telegram, otherCoordinator));
    await browser.get('/families');
    expect((await browser.post('/logout', {}, { csrf: false })).status).toBe(403);
    expect((await browser.get('/families')).status).toBe(200);

    expect((await browser.post('/logout', {})).status).toBe(200);
    expect((await browser.get('/families')).status).toBe(401);
    expect(browser.lastPage).toContain('发送 /dashboard');
  });

  it('tells a grandmother, kindly, that the dashboard is for those who run a group', async () => {
    await t.onboardOnTelegram(grandmother, wang.codes.caregiver, { language: '中文', city: '河池', quietHours: '晚上9点到早上8点' });
    await t.telegram.waitForSent(grandmother.id, hasText('都设好了'));
    t.telegram.userSays(grandmother, '/dashboard');
    expect((await t.telegram.waitForSent(grandmother.id, hasText('管理页面'))).text).toBe('管理页面是给负责一组家庭的老师和负责人用的。');
  });

  it('lists /dashboard in the help of those who run a group, and not in a grandmother\'s', async () => {
    t.telegram.userSays(coordinator, '/help');
    expect((await t.telegram.waitForSent(coordinator.id, hasText('You coordinate a group'))).text).toContain('/dashboard – a link to open the web dashboard');
    t.telegram.userSays(grandmother, '/help');
    expect((await t.telegram.waitForSent(grandmother.id, hasText('直接发照片、视频或者语音就行'))).text).not.toContain('/dashboard');
  });

  it('stores only hashes of links and sessions', async () => {
    // The outbox replaces a sent link by a placeholder once the platform took it.
    await t.app.settled();
    const links = await t.database.prisma.dashboardLoginLink.findMany();
    const sessions = await t.database.prisma.dashboardSession.findMany();
    expect(links.length).toBeGreaterThan(0);
    expect(sessions.length).toBeGreaterThan(0);
    for (const row of [...links, ...sessions]) expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const sent = await t.database.prisma.outboxMessage.findMany({ where: { chatId: String(coordinator.id) } });
    expect(JSON.stringify(sent.map((message) => message.payload))).not.toContain('token=');
  });

  it('serves health, readiness and metrics', async () => {
    expect(await (await fetch(`${baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgresql: 'ok', redis: 'ok', 'channel:telegram': 'ok' } });
    // Each channel is asked, not assumed: Telegram answering getMe with an error makes the process not ready.
    t.telegram.failNext('getMe', { errorCode: 401, description: 'Unauthorized' });
    const unreachable = await fetch(`${baseUrl}/readyz`);
    expect(unreachable.status).toBe(503);
    expect(await unreachable.json()).toEqual({ status: 'not ready', checks: { postgresql: 'ok', redis: 'ok', 'channel:telegram': expect.stringContaining('401: Unauthorized') } });
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/kinbridge_inbound_messages_total\{channel="telegram"\} \d+/);
    expect(metrics).toMatch(/kinbridge_outbound_messages_total\{channel="telegram"\} \d+/);
    expect(metrics).toContain('kinbridge_turn_duration_seconds_bucket');
    expect(metrics).toMatch(/kinbridge_queue_jobs\{queue="outbox-telegram",state="waiting"\} \d+/);
    expect(metrics).toContain('kinbridge_outbox_oldest_unsent_seconds');
    expect(metrics).toContain('kinbridge_reminder_lateness_seconds_bucket');
  });
});
