import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalMediaStore } from '../../src/storage/local-media-store.js';
import { DashboardClient } from '../support/dashboard-client.js';
import { startTestApp, type SeededFamily, type TestApp } from '../support/test-app.js';

/** The dashboard's pages at the server: enrolment sheets, photos behind consent, figures without names, roles. */
describe('dashboard pages', () => {
  let t: TestApp;
  let wang: SeededFamily;
  let zhao: SeededFamily;
  let adminId: string;
  const signIn = async (personId: string): Promise<DashboardClient> => {
    const request = await t.app.services.dashboardLinks.request(personId);
    if (request.outcome !== 'issued') throw new Error(`No link for ${personId}: ${request.outcome}`);
    const browser = new DashboardClient(t.app.dashboardUrl()!);
    expect((await browser.signIn(request.url)).status).toBe(303);
    return browser;
  };
  const personOf = async (chatId: string) => (await t.database.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: chatId } })).personId;

  beforeAll(async () => {
    const admin = { id: '00000000-0000-4000-8000-0000000000ad' };
    t = await startTestApp({ dashboard: { host: '127.0.0.1', port: 0, admins: [admin.id] }, inviteLink: (code) => `https://t.me/kinbridge_test_bot?start=${code}` });
    adminId = (await t.database.prisma.person.create({ data: { id: admin.id, displayName: 'Admin' } })).id;
    wang = await t.seedFamily('Wang family');
    zhao = await t.seedFamily('Zhao family');
  });
  afterAll(() => t.close());

  it('prints an invite sheet whose QR codes and large codes enrol the family', async () => {
    const browser = await signIn(wang.coordinatorId);
    await browser.get('/enrolment');
    const created = await browser.post('/enrolment/families', { name: 'Chen family', cohort: wang.cohortId, child: 'Xiaoyu', birth: '2022-03-04', kindergarten: 'Sunflower', class: 'Class 1' });
    expect(created.status).toBe(200);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const cards = [...browser.lastPage.matchAll(/<section class="invite-card" data-role="(\w+)">[\s\S]*?<img src="data:image\/png;base64,[^"]+"[\s\S]*?<p class="code">([\d ]+)<\/p>/g)];
    expect(cards.map(([, role]) => role)).toEqual(['parent', 'caregiver', 'teacher']);
    const caregiverCode = cards[1]![2]!.replace(/ /g, '');
    await t.onboard('chen-nainai', caregiverCode, { locale: 'zh-CN', city: '河池', quiet: '21-8' });
    const family = await t.database.prisma.family.findFirstOrThrow({ where: { name: 'Chen family' }, include: { members: true, children: true } });
    expect(family.members.map((member) => member.role).sort()).toEqual(['caregiver', 'coordinator']);
    expect(family.children.map((child) => [child.kindergarten, child.className])).toEqual([['Sunflower', 'Class 1']]);
    // Fresh invites only for families of one's own cohorts.
    expect((await browser.post('/enrolment/invites', { family: zhao.familyId, role: 'parent' })).status).toBe(404);
  });

  it('shows a photo only through its authenticated address, and only while the parents allow photos', async () => {
    await t.onboard('wang-papa', wang.codes.parent, { locale: 'en', city: 'Milan', quiet: '22-7', consent: 'consent_no' });
    const papa = await personOf('wang-papa');
    const child = await t.database.prisma.child.findFirstOrThrow({ where: { familyId: wang.familyId } });
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#88aacc' } }).jpeg().toBuffer();
    const storageKey = await new LocalMediaStore(t.mediaDir).put(jpeg, '.jpg');
    const update = await t.database.prisma.familyUpdate.create({
      data: { senderId: papa, familyId: wang.familyId, childId: child.id, text: 'First day at school', sharedAt: new Date(), media: { create: { kind: 'photo', storageKey, mimeType: 'image/jpeg', sizeBytes: jpeg.length } } },
      include: { media: true },
    });
    const photoUrl = `/families/${wang.familyId}/photos/${update.media[0]!.id}`;
    const coordinator = await signIn(wang.coordinatorId);

    await coordinator.get(`/families/${wang.familyId}`);
    expect(coordinator.lastPage).toContain('First day at school');
    expect(coordinator.lastPage).not.toContain(photoUrl);
    expect((await coordinator.get(photoUrl)).status).toBe(404);

    await t.app.services.consents.decide(papa, 'photo_sharing', child.id, true);
    await coordinator.get(`/families/${wang.familyId}`);
    expect(coordinator.lastPage).toContain(`<img class="thumb" src="${photoUrl}"`);
    const photo = await coordinator.get(photoUrl);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await photo.arrayBuffer())).metadata()).width).toBe(240);

    const other = await signIn(zhao.coordinatorId);
    expect((await other.get(photoUrl)).status).toBe(404);
    expect((await new DashboardClient(t.app.dashboardUrl()!).get(photoUrl)).status).toBe(401);
    const views = await t.database.prisma.dashboardAccessLog.findMany({ where: { viewerId: wang.coordinatorId, view: 'photo' } });
    expect(views.map((view) => view.childId)).toEqual([child.id]);
  });

  it('exports figures without names, unless an admin asks for the families', async () => {
    const coordinator = await signIn(wang.coordinatorId);
    expect((await coordinator.get('/engagement')).status).toBe(200);
    expect(coordinator.lastPage).toContain('<canvas data-chart=');
    const csv = await (await coordinator.get('/engagement.csv?personal=1')).text();
    expect(csv.split('\r\n')[0]).toBe(
      '"grouping","group","families","members","active_7_days","active_30_days","calls_7_days","target_calls_per_week","play_children_reached","play_children_done"',
    );
    expect(csv).not.toMatch(/Wang family"|Chen family"|Zhao/);

    const admin = await signIn(adminId);
    const personal = await (await admin.get('/engagement.csv?personal=1')).text();
    expect(personal.split('\r\n')[0]).toBe('"family","cohort","last_contact"');
    expect(personal).toContain('"Zhao family"');
  });

  it('breaks the figures down by county, kindergarten and class, and parent\'s country', async () => {
    // Wang family: a father in Milan with a plan of two calls a week and two calls logged; Chen family: a grandmother
    // in Hechi and a child at Sunflower, Class 1 (both enrolled above). Zhao family is another cohort's. The
    // grandmother wrote today (on the memory channel, which has no reply window), the father 10 days ago.
    const papa = await personOf('wang-papa');
    const xiaoming = await t.database.prisma.child.findFirstOrThrow({ where: { familyId: wang.familyId } });
    const plan = await t.database.prisma.callPlan.create({ data: { familyId: wang.familyId, parentId: papa, childId: xiaoming.id, targetPerWeek: 2, windows: [] } });
    await t.database.prisma.callLog.create({ data: { planId: plan.id, familyId: wang.familyId, parentId: papa, childId: xiaoming.id, talkedAt: new Date() } });
    // A call the grandmother saw, logged without any plan, counts as much.
    await t.database.prisma.callLog.create({ data: { familyId: wang.familyId, parentId: papa, childId: xiaoming.id, talkedAt: new Date() } });
    await t.database.prisma.channelIdentity.updateMany({ where: { personId: papa }, data: { lastSeenAt: new Date(Date.now() - 10 * 86_400_000) } });
    const coordinator = await signIn(wang.coordinatorId);

    const csv = (await (await coordinator.get('/engagement.csv')).text()).trim().split('\r\n');
    const rowsOf = (grouping: string) => csv.filter((line) => line.startsWith(`"${grouping}",`)).map((line) => line.split(',').slice(1, 8).map((field) => JSON.parse(field)));
    //                    group                   families members active7 active30 calls7 target
    expect(rowsOf('county')).toEqual([
      ['Hechi', '1', '1', '1', '1', '0', '0'],
      ['—', '1', '1', '0', '1', '2', '2'],
    ]);
    expect(rowsOf('kindergarten')).toEqual([
      ['Sunflower · Class 1', '1', '1', '1', '1', '0', '0'],
      ['—', '1', '1', '0', '1', '2', '2'],
    ]);
    expect(rowsOf('country')).toEqual([
      ['Italy', '1', '1', '0', '1', '2', '2'],
      ['—', '1', '1', '1', '1', '0', '0'],
    ]);
    expect(csv.join('\n')).not.toContain('Zhao');

    await coordinator.get('/engagement');
    expect(coordinator.lastPage).toMatch(/<table class="groups" data-grouping="country">[\s\S]*?<th scope="row">Italy<\/th><td>1<\/td>/);
    expect(coordinator.lastPage).toMatch(/<table class="groups" data-grouping="kindergarten">[\s\S]*?<th scope="row">Sunflower · Class 1<\/th>/);
    expect(coordinator.lastPage).toMatch(/<tr><th>Calls logged<\/th>(?:<td>0<\/td>)+<td>2<\/td><\/tr>/);
    await coordinator.get('/families');
    expect(coordinator.lastPage).toMatch(new RegExp(`>Wang family</a></td>(?:<td>[^<]*</td>){4}<td>2</td>`));

    // A Chinese reader reads the county and the country in Chinese.
    await t.database.prisma.person.update({ where: { id: wang.coordinatorId }, data: { locale: 'zh-CN' } });
    const chinese = await (await coordinator.get('/engagement.csv')).text();
    await t.database.prisma.person.update({ where: { id: wang.coordinatorId }, data: { locale: 'en' } });
    expect(chinese).toContain('"county","河池"');
    expect(chinese).toContain('"country","意大利"');
  });

  it('keeps a teacher to the families they teach, and queue health to admins', async () => {
    await t.onboard('wang-teacher', wang.codes.teacher, { locale: 'en', city: 'Hechi', quiet: '22-7' });
    const teacher = await signIn(await personOf('wang-teacher'));
    await teacher.get('/families');
    expect(teacher.lastPage).toContain('Wang family');
    expect(teacher.lastPage).not.toContain('Chen family');
    expect((await teacher.get(`/families/${zhao.familyId}`)).status).toBe(404);

    const item = await t.app.services.attention.raise({ kind: 'missed_calls', familyId: zhao.familyId, details: { person_name: 'Zhao', child_name: 'Xiaoming', weeks: 3 } });
    const coordinator = await signIn(wang.coordinatorId);
    const notTheirs = await coordinator.get(`/attention/${item.id}`);
    const notThere = await coordinator.get('/attention/00000000-0000-4000-8000-000000000000');
    expect([notTheirs.status, notThere.status]).toEqual([404, 404]);
    await coordinator.get('/attention');
    expect((await coordinator.post(`/attention/${item.id}/notes`, { text: 'peeking' })).status).toBe(404);
    expect(await t.database.prisma.attentionNote.count({ where: { itemId: item.id } })).toBe(0);

    expect((await coordinator.get('/admin/queues')).status).toBe(403);
    const admin = await signIn(adminId);
    expect((await admin.get('/admin/queues')).status).toBe(200);

    // An admin sees every cohort's items and may act on them; a coordinator's private excerpt stays with them.
    const urgent = await t.app.services.attention.raise({ kind: 'safeguarding', familyId: wang.familyId, urgent: true, details: { person_name: 'Wang' }, excerpt: 'private words' });
    await admin.get('/attention');
    expect(admin.lastPage).toContain(`data-item="${item.id}"`);
    expect(admin.lastPage).toContain(`data-item="${urgent.id}"`);
    expect((await admin.get(`/attention/${urgent.id}`)).status).toBe(200);
    expect(admin.lastPage).not.toContain('private words');
    expect((await admin.post(`/attention/${item.id}/notes`, { text: 'Asked the Zhao cohort to call.' })).status).toBe(303);
    expect(await t.database.prisma.attentionNote.count({ where: { itemId: item.id, authorId: adminId } })).toBe(1);
    await coordinator.get(`/attention/${urgent.id}`);
    expect(coordinator.lastPage).toContain('private words');
  });

  it('shows on the family page when a child moved to a parent and back home, and only there', async () => {
    const papa = await personOf('wang-papa');
    const child = await t.database.prisma.child.findFirstOrThrow({ where: { familyId: wang.familyId } });
    const { moves } = t.app.services.living;
    expect(await moves.move(wang.coordinatorId, child.id, { parentId: papa })).toMatchObject({ to: { id: papa } });
    expect(await moves.move(wang.coordinatorId, child.id, 'home')).toMatchObject({ to: null });
    // The admin, who reads Chinese, sees it (the Wang coordinator has used up the sign-in links an hour allows here).
    const admin = await signIn(adminId);
    await admin.get(`/families/${wang.familyId}`);
    expect(admin.lastPage).toContain('Xiaoming搬去跟wang-papa住');
    expect(admin.lastPage).toContain('Xiaoming回家了（之前跟wang-papa住）');
    const zhaoCoordinator = await signIn(zhao.coordinatorId);
    await zhaoCoordinator.get(`/families/${zhao.familyId}`);
    expect(zhaoCoordinator.lastPage).not.toMatch(/moved to live with|搬去跟/);
  });
});
