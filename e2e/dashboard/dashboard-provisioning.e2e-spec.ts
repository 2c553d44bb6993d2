import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditEvents, createUser, type ProvisioningStack, type TestApi } from '@bsp/testing';
import { LAPTOP, launchChromium, screenshot } from './support/browser';
import { startDashboardStack } from './support/dashboard-api';
import { expectAccessible, login, watch } from './support/page-checks';

const ACTIVE_MS = 60_000;

/**
 * The dashboard on the whole product: the API serving the page, a worker provisioning numbers
 * into the Kubernetes emulator's clusters. What the page shows comes from real reconciles.
 */
describe('admin dashboard on the provisioning stack (API, worker, emulator) in Chromium', () => {
  let stack: ProvisioningStack;
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const tenantName = `Globex ${Date.now().toString(36)}`;
  const phone = `+49170${String(Date.now() % 100_000_000).padStart(8, '0')}`;
  let tenantId = '';
  let numberId = '';

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startDashboardStack({ timings: 'fast' }), launchChromium()]);
    api = stack.api;
    context = await browser.newContext({ viewport: LAPTOP });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    problems = watch(page);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail')
      await screenshot(page, `failed-stack-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    expect(problems).toEqual([]);
  });

  const numberFacts = () => page.getByTestId('number-facts');

  it('onboards a client to an active HA number, with placement and pod readiness shown while it comes up', async () => {
    await login(page, api, api.adminEmail, api.adminPassword);
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await page.getByRole('link', { name: 'Onboard a client' }).first().click();
    await page.getByLabel('Client name').fill(tenantName);
    await page.getByLabel('Data region').fill('eu-central');
    await page.getByRole('button', { name: 'Create client and continue' }).click();
    await page.getByRole('heading', { name: 'Add the first number' }).waitFor();
    tenantId = new URL(page.url()).searchParams.get('tenant') ?? '';
    await page.getByLabel('Phone number (E.164)').fill(phone);
    await page.getByText('Country: Germany').waitFor();
    await page.getByRole('radio', { name: /HA/ }).check();
    await page.getByRole('button', { name: 'Add number and continue' }).click();

    await page.getByRole('heading', { name: 'Provisioning' }).waitFor();
    numberId = new URL(page.url()).searchParams.get('number') ?? '';
    expect(numberId).toMatch(/^[0-9a-f-]{36}$/);
    const state = page.getByTestId('provisioning-state');
    await state.locator('strong', { hasText: /^active$/ }).waitFor({ timeout: ACTIVE_MS });
    const checklist = page.getByTestId('provisioning-checklist');
    expect(await checklist.locator('li.done').count()).toBe(4);
    await checklist.getByText(/eu-central-\d, zone eu-central-\d[ab], namespace /).waitFor();
    // Pod readiness from the same data as the number page: every pod set ready, pods listed.
    const placements = page.getByTestId('placement');
    await expect.poll(() => placements.count()).toBe(2);
    for (const placement of await placements.all()) {
      await expect
        .poll(async () => placement.getByTestId('webapp-ready').textContent(), { timeout: ACTIVE_MS })
        .toMatch(/^(\d+) of \1 ready$/);
      await expect
        .poll(async () => placement.getByTestId('coreapp-ready').textContent(), { timeout: ACTIVE_MS })
        .toMatch(/^(\d+) of \1 ready$/);
    }
    await page.getByTestId('placement').filter({ hasText: 'active instance' }).getByRole('table').waitFor();
    await expectAccessible(page, 'onboarding: provisioning to active');
    await screenshot(page, '20-onboarding-active');

    await page.getByRole('button', { name: 'Continue to the API key' }).click();
    await page.getByRole('button', { name: 'Issue key' }).click();
    await page.getByTestId('issued-key').waitFor();
  });

  it('number detail: desired vs observed state, placements with cluster, zone, namespace and epoch, pods, last reconcile, lifecycle', async () => {
    await page.goto(`${api.url}/numbers/${numberId}`);
    await page.getByRole('heading', { level: 1, name: phone }).waitFor();
    await numberFacts().getByText('active (reached)').waitFor();
    await page
      .getByTestId('live-status')
      .getByText(/Live · updated \d+ s ago/)
      .waitFor();

    const primary = page.locator('[data-testid="placement"][data-role="primary"]');
    const standby = page.locator('[data-testid="placement"][data-role="standby"]');
    await primary.getByText('active instance').waitFor();
    await standby.getByText('not active').waitFor();
    const detail = await stack.get(numberId);
    for (const p of detail.placements) {
      const card = p.role === 'primary' ? primary : standby;
      await card
        .getByRole('heading', {
          name: `${p.role === 'primary' ? 'Primary' : 'Standby'} placement on ${p.cluster.name}`,
        })
        .waitFor();
      await card.getByText(`${p.cluster.region} / ${p.cluster.zone}`).waitFor();
      await card.getByText(p.namespace, { exact: true }).waitFor();
      expect(await card.locator('dt:text-is("Fencing epoch") + dd').textContent()).toBe(String(p.epoch));
      // Each pod the worker observed is listed with its phase, readiness and node.
      for (const pod of p.observed.pods) {
        const row = card.getByRole('row', { name: new RegExp(pod.name) });
        await row.getByText(pod.phase, { exact: true }).waitFor();
        if (pod.node) await row.getByText(pod.node, { exact: true }).waitFor();
      }
    }
    await primary.getByText(/Resources: (\d+) of \1 present/).waitFor();
    await page.getByTestId('last-reconcile').getByText('converged', { exact: true }).waitFor();
    const timeline = page.getByTestId('transitions');
    await timeline.getByText('provisioning', { exact: true }).first().waitFor();
    await timeline.getByText('active', { exact: true }).first().waitFor();
    // Health and failover history come from their own endpoints (e2e/dashboard/dashboard-failover).
    await page.getByRole('region', { name: 'Health', exact: true }).getByTestId('health').waitFor();
    await page
      .getByRole('region', { name: 'Failovers' })
      .getByText('This number has not failed over.')
      .waitFor();
    await expectAccessible(page, 'number detail (active, HA)');
    await screenshot(page, '21-number-detail');
  });

  it('staff reconcile a number on demand', async () => {
    const before = (await stack.get(numberId)).lastReconcile?.at;
    await page.getByRole('button', { name: 'Reconcile now' }).click();
    await page.getByTestId('action-status').getByText('Reconcile requested').waitFor();
    await expect
      .poll(async () => (await stack.get(numberId)).lastReconcile?.at, { timeout: 30_000 })
      .not.toBe(before);
    expect(await auditEvents(api, stack.adminToken, { action: 'number.reconcile' })).not.toEqual([]);
  });

  it('suspends and resumes the number, the page following the state live', async () => {
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Suspend ${phone}` });
    await dialog.getByText('cannot send or receive WhatsApp messages').waitFor();
    await dialog.getByRole('button', { name: 'Suspend number' }).click();
    await page.getByTestId('action-status').getByText('Suspend requested').waitFor();
    await numberFacts().getByText('suspended (reached)').waitFor({ timeout: ACTIVE_MS });
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    expect(await page.getByRole('button', { name: 'Suspend', exact: true }).count()).toBe(0);
    await page.getByTestId('transitions').getByText('suspended', { exact: true }).first().waitFor();
    await expectAccessible(page, 'number detail (suspended)');
    await screenshot(page, '22-number-suspended');

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('action-status').getByText('Resume requested').waitFor();
    await numberFacts().getByText('active (reached)').waitFor({ timeout: ACTIVE_MS });
    await stack.waitFor(
      numberId,
      (n) => n.state === 'active' && n.placements.every((p: any) => p.observed?.ready),
      ACTIVE_MS,
    );
    await expect
      .poll(async () => page.getByTestId('placement').first().getByTestId('webapp-ready').textContent())
      .toMatch(/^([1-9]\d*) of \1 ready$/);
  });

  it('numbers table: live state and the region filter', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Numbers' }).click();
    await page.getByLabel('Client').selectOption(tenantId);
    const row = page.getByRole('row', { name: new RegExp(phone.replace('+', '\\+')) });
    await row.getByText('active', { exact: true }).first().waitFor();
    await page.getByLabel('Region').selectOption('eu-central');
    await row.waitFor();
    await expectAccessible(page, 'numbers (live)');
    await screenshot(page, '23-numbers-live');
  });

  it('queue view: depths per queue and the failed-jobs list', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('heading', { level: 1, name: 'Queues' }).waitFor();
    // Every queue the API reports has its row with its counts (completed jobs are not kept).
    const queues = await api.request<{ name: string; failed: number }[]>('GET', '/v1/queues', {
      token: stack.adminToken,
    });
    expect(queues.body.map((q) => q.name)).toContain('provisioning');
    for (const q of queues.body) {
      const row = page.locator(`tr[data-queue="${q.name}"]`);
      await row.getByRole('rowheader', { name: q.name }).waitFor();
      expect(await row.locator('td').count()).toBe(7);
    }
    if (queues.body.every((q) => q.failed === 0))
      await page.getByText('No failed jobs in any queue.').waitFor();
    await page.locator('tr[data-queue="provisioning"]').getByRole('button', { name: /Show/ }).click();
    await page.getByRole('heading', { name: 'Failed jobs in provisioning' }).waitFor();
    const failed = await api.request<{ id: string }[]>('GET', '/v1/queues/provisioning/failed', {
      token: stack.adminToken,
    });
    if (failed.body.length === 0) await page.getByText('No failed jobs in provisioning.').waitFor();
    else await page.locator(`tr[data-job-id="${failed.body[0]!.id}"]`).waitFor();
    await expectAccessible(page, 'queues');
    await screenshot(page, '24-queues');
  });

  it('users page: staff add a client admin', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByRole('rowheader', { name: api.adminEmail }).waitFor();
    await page.getByRole('button', { name: 'Add user' }).click();
    const email = `admin-${Date.now().toString(36)}@globex.example`;
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Initial password').fill('short');
    await page.getByLabel('Role').selectOption('tenant_admin');
    await page.getByRole('button', { name: 'Add user' }).last().click();
    await page.getByText('Use at least 12 characters').waitFor();
    await page.getByText('Choose the client this person belongs to.').waitFor();
    await page.getByLabel('Initial password').fill('a long enough passphrase');
    await page.locator('#new-user-tenant').selectOption(tenantId);
    await expectAccessible(page, 'users: add form');
    await page.getByRole('button', { name: 'Add user' }).last().click();
    await page.getByText(`Added ${email} as Client admin.`).waitFor();
    const row = page.getByRole('row', { name: new RegExp(email) });
    await row.getByText('Client admin').waitFor();
    await row.getByRole('link', { name: tenantName }).waitFor();
    await expectAccessible(page, 'users');
    await screenshot(page, '25-users');
  });

  it('a client viewer sees the number live, without any action', async () => {
    const viewer = await createUser(api, stack.adminToken, 'tenant_viewer', tenantId);
    const viewerContext = await browser.newContext({ viewport: LAPTOP });
    const viewerPage = await viewerContext.newPage();
    const viewerProblems = watch(viewerPage);
    try {
      await login(viewerPage, api, viewer.email, viewer.password);
      await viewerPage.getByRole('heading', { level: 1, name: tenantName }).waitFor();
      await viewerPage.goto(`${api.url}/numbers/${numberId}`);
      await viewerPage.getByRole('heading', { level: 1, name: phone }).waitFor();
      await viewerPage.getByTestId('placement').first().waitFor();
      await viewerPage.getByTestId('last-reconcile').waitFor();
      for (const name of [/Reconcile/, /Fail over/, /Suspend/, /Resume/, /Deprovision/]) {
        expect(await viewerPage.getByRole('button', { name }).count(), String(name)).toBe(0);
      }
      expect(await viewerPage.getByRole('region', { name: 'Actions' }).count()).toBe(0);
      await expectAccessible(viewerPage, 'viewer: number detail');
      await screenshot(viewerPage, '26-viewer-number');
      await viewerPage.goto(`${api.url}/queues`);
      await viewerPage.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      expect(
        await viewerPage
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Queues' })
          .count(),
      ).toBe(0);
      expect(viewerProblems).toEqual([]);
    } finally {
      await viewerContext.close();
    }
  });

  it('a client admin may suspend and deprovision (typed confirmation) but not reconcile', async () => {
    const admin = await createUser(api, stack.adminToken, 'tenant_admin', tenantId);
    const adminContext = await browser.newContext({ viewport: LAPTOP });
    const adminPage = await adminContext.newPage();
    const adminProblems = watch(adminPage);
    try {
      await login(adminPage, api, admin.email, admin.password);
      await adminPage.getByRole('heading', { level: 1, name: tenantName }).waitFor();
      await adminPage.goto(`${api.url}/numbers/${numberId}`);
      await adminPage.getByRole('heading', { level: 1, name: phone }).waitFor();
      await adminPage.getByRole('button', { name: 'Suspend', exact: true }).waitFor();
      await adminPage.getByRole('button', { name: 'Fail over', exact: true }).waitFor();
      expect(await adminPage.getByRole('button', { name: /Reconcile/ }).count()).toBe(0);

      await adminPage.getByRole('button', { name: 'Deprovision' }).click();
      const dialog = adminPage.getByRole('dialog', { name: `Deprovision ${phone}` });
      const confirm = dialog.getByRole('button', { name: 'Deprovision number' });
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel(/to confirm/).fill(phone.slice(0, -1));
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel(/to confirm/).fill(phone);
      expect(await confirm.isDisabled()).toBe(false);
      await expectAccessible(adminPage, 'deprovision dialog (client admin)');
      await screenshot(adminPage, '27-deprovision-typed');
      await confirm.click();
      await adminPage.getByTestId('action-status').getByText('Deprovisioning requested').waitFor();
      await adminPage
        .getByTestId('number-facts')
        .getByText('deleted (reached)')
        .waitFor({ timeout: ACTIVE_MS });
      await adminPage
        .getByTestId('transitions')
        .getByText('deprovisioning', { exact: true })
        .first()
        .waitFor();
      expect(
        await adminPage.getByRole('button', { name: /Deprovision|Suspend|Resume|Fail over/ }).count(),
      ).toBe(0);
      await screenshot(adminPage, '28-number-deleted');
      expect(adminProblems).toEqual([]);
    } finally {
      await adminContext.close();
    }
  });
});
