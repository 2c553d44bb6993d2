import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createUser, expectStatus, type ProvisioningStack, type TestApi } from '@bsp/testing';
import { LAPTOP, launchChromium, screenshot } from './support/browser';
import { startDashboardStack } from './support/dashboard-api';
import { expectAccessible, login, watch } from './support/page-checks';

const ACTIVE_MS = 60_000;
const FAILOVER_MS = 60_000;

const redundant = (n: any) =>
  n.state === 'active' &&
  n.placements.every((p: any) => p.observed?.ready) &&
  n.placements.some((p: any) => p.role === 'standby') &&
  n.placements.some((p: any) => p.role === 'primary' && p.active);

/**
 * Health and failover on the number page, over the whole product: the API serving the page, a
 * worker sweeping health every second and running failovers, pod sets renewing activation leases
 * (short leases, as in e2e/failover), the emulator's clusters.
 */
describe('admin dashboard: health and failover of an HA number in Chromium', () => {
  let stack: ProvisioningStack;
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let tenantId = '';
  let numberId = '';
  let phone = '';

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startDashboardStack({
        timings: 'fast',
        leaseFencing: true,
        env: {
          LEASE_DURATION_MS: '2000',
          LEASE_RENEW_INTERVAL_MS: '400',
          LEASE_CLOCK_SKEW_MARGIN_MS: '300',
          HEALTH_CHECK_INTERVAL_SECONDS: '1',
          HEALTH_SHARDS: '1',
        },
      }),
      launchChromium(),
    ]);
    api = stack.api;
    tenantId = (await stack.tenant('eu-central')).id;
    const created = await stack.number(tenantId, { mode: 'ha' });
    numberId = created.id;
    phone = created.phoneNumber;
    await stack.waitFor(numberId, redundant, ACTIVE_MS);
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
      await screenshot(page, `failed-failover-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    expect(problems).toEqual([]);
  });

  const failovers = async (): Promise<any[]> => {
    const res = await api.request('GET', `/v1/numbers/${numberId}/failovers`, { token: stack.adminToken });
    expectStatus(res, 200);
    return res.body as any[];
  };
  const healthPanel = () => page.getByRole('region', { name: 'Health', exact: true });
  const history = () => page.getByRole('region', { name: 'Failovers' });

  it('shows the health of an active HA number: status in words, gateway per node, CoreApp pod, lease, timeline', async () => {
    await login(page, api, api.adminEmail, api.adminPassword);
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await page.goto(`${api.url}/numbers/${numberId}`);
    await page.getByRole('heading', { level: 1, name: phone }).waitFor();

    // The sweep runs every second; two passing checks make the number healthy.
    await healthPanel().locator('[data-testid="health"][data-status="healthy"]').waitFor({ timeout: 30_000 });
    await healthPanel().getByText('Healthy: the gateway is connected and the CoreApp is ready.').waitFor();
    await healthPanel().getByText('gateway connected, CoreApp ready').waitFor();
    const health = (await api.request('GET', `/v1/numbers/${numberId}/health`, { token: stack.adminToken }))
      .body;
    expect(health.gateway.length).toBeGreaterThan(0);
    for (const node of health.gateway) {
      const row = healthPanel()
        .getByTestId('gateway-nodes')
        .getByRole('row', { name: new RegExp(node.node) });
      await row.getByText(node.gatewayStatus, { exact: true }).waitFor();
    }
    await healthPanel().getByTestId('coreapp-health').getByText(health.coreapp.name).waitFor();
    expect(await healthPanel().getByTestId('coreapp-restarts').textContent()).toMatch(/^\d+/);
    // Lease fencing is on: the active instance holds its activation lease, renewed every 400 ms.
    await healthPanel().getByTestId('lease-health').getByText('held', { exact: true }).waitFor();
    await healthPanel()
      .getByTestId('lease-health')
      .getByText(/renewed [\d.]+ (ms|s) before the check/)
      .waitFor();
    await healthPanel().getByText(health.cluster.name).first().waitFor();

    const timeline = page.getByRole('region', { name: 'Health timeline' });
    await timeline.getByTestId('health-transitions').getByText('healthy', { exact: true }).first().waitFor();
    await history().getByText('This number has not failed over.').waitFor();
    await expectAccessible(page, 'number detail with health');
    await screenshot(page, '30-number-health');
  });

  it('a writer fails the number over with a reason; the page follows it live to completed', async () => {
    const before = await stack.get(numberId);
    const oldPrimary = before.placements.find((p: any) => p.role === 'primary');
    const oldStandby = before.placements.find((p: any) => p.role === 'standby');

    await page.getByRole('button', { name: 'Fail over', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Fail over ${phone}` });
    await dialog.getByText('The active instance is fenced first').waitFor();
    const confirm = dialog.getByRole('button', { name: 'Fail over now' });
    const reasonField = dialog.getByLabel('Reason');
    // The reason field has the focus, and the API's minimum (3 characters) is known to the page.
    expect(await page.evaluate<string | undefined>('document.activeElement?.tagName')).toBe('TEXTAREA');
    expect(await confirm.isDisabled()).toBe(true);
    await reasonField.fill('ab');
    expect(await confirm.isDisabled()).toBe(true);
    const reason = `Planned maintenance of ${oldPrimary.cluster.name}`;
    await reasonField.fill(reason);
    expect(await confirm.isDisabled()).toBe(false);
    await expectAccessible(page, 'failover dialog');
    await screenshot(page, '31-failover-dialog');
    await confirm.click();

    await page.getByTestId('action-status').getByText('Failover requested').waitFor();
    const card = history().getByTestId('failover').first();
    await card.getByTestId('failover-reason').getByText(reason).waitFor();
    await card.getByText('Manual failover').waitFor();
    // While it runs, the page polls and says what it is doing; the button waits for it to end.
    await page.getByTestId('failover-live').getByText('Failover running:').waitFor();
    expect(await page.getByRole('button', { name: 'Fail over', exact: true }).isDisabled()).toBe(true);
    await screenshot(page, '32-failover-running');

    await history()
      .locator('[data-testid="failover"][data-state="completed"]')
      .first()
      .waitFor({ timeout: FAILOVER_MS });
    const [done] = await failovers();
    expect(done).toMatchObject({ state: 'completed', reason, trigger: 'manual', fenceMethod: 'pod_gone' });
    await card.getByTestId('failover-state').getByText('completed', { exact: true }).waitFor();
    await card.getByTestId('fence-method').getByText('pod_gone').waitFor();
    // Every step with its time after the request.
    for (const step of ['fencedAt', 'promotedAt', 'connectedAt', 'restoredAt', 'endedAt']) {
      expect(done[step], step).not.toBeNull();
      expect(await card.locator(`[data-step="${step}"] time`).textContent(), step).toMatch(/^\+\d/);
    }
    await card.getByText(`epoch ${done.to.epoch}`).waitFor();
    expect(done.to.placementId).toBe(oldStandby.id);
    await card.getByText(oldStandby.cluster.name, { exact: false }).first().waitFor();
    await page.getByTestId('failover-live').waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByRole('button', { name: 'Fail over', exact: true }).isDisabled())
      .toBe(false);

    // The promoted standby is now the primary holding the active instance.
    const primary = page.locator('[data-testid="placement"][data-role="primary"]');
    await primary
      .getByRole('heading', { name: `Primary placement on ${oldStandby.cluster.name}` })
      .waitFor({ timeout: ACTIVE_MS });
    await primary.getByText('active instance').waitFor();
    await healthPanel().locator('[data-testid="health"]').waitFor();
    await expectAccessible(page, 'number detail after a failover');
    await screenshot(page, '33-failover-completed');
  });

  it('shows the API’s refusal next to the action when a failover is already running', async () => {
    await stack.waitFor(numberId, redundant, ACTIVE_MS);
    await page.getByRole('button', { name: 'Fail over', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Fail over ${phone}` });
    await dialog.getByLabel('Reason').fill('Second opinion');
    // Someone else (an API client) starts one while the dialog is open.
    const other = await api.request('POST', `/v1/numbers/${numberId}/failover`, {
      token: stack.adminToken,
      body: { reason: 'Started by an API client' },
    });
    expectStatus(other, 202);
    await dialog.getByRole('button', { name: 'Fail over now' }).click();
    await dialog
      .getByRole('alert')
      .getByText('A failover of this number is already running: follow it under Failovers below.')
      .waitFor();
    await expectAccessible(page, 'failover refused');
    await screenshot(page, '34-failover-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    const card = history().locator(`[data-failover-id="${other.body.id}"]`);
    await card.getByText('Started by an API client').waitFor();
    await history()
      .locator(`[data-failover-id="${other.body.id}"][data-state="completed"]`)
      .waitFor({ timeout: FAILOVER_MS });
    expect(await history().getByTestId('failover').count()).toBe(2);
  });

  it('client roles: a viewer sees health and failovers but no Fail over button; a client admin may fail over', async () => {
    const viewer = await createUser(api, stack.adminToken, 'tenant_viewer', tenantId);
    const admin = await createUser(api, stack.adminToken, 'tenant_admin', tenantId);
    for (const [who, user] of [
      ['viewer', viewer],
      ['admin', admin],
    ] as const) {
      const userContext = await browser.newContext({ viewport: LAPTOP });
      const userPage = await userContext.newPage();
      userPage.setDefaultTimeout(15_000);
      const userProblems = watch(userPage);
      try {
        await login(userPage, api, user.email, user.password);
        await userPage.getByRole('link', { name: 'My client' }).waitFor();
        await userPage.goto(`${api.url}/numbers/${numberId}`);
        await userPage.getByRole('heading', { level: 1, name: phone }).waitFor();
        await userPage.getByRole('region', { name: 'Health', exact: true }).getByTestId('health').waitFor();
        await expect.poll(() => userPage.getByTestId('failover').count()).toBe(2);
        if (who === 'viewer') {
          expect(await userPage.getByRole('button', { name: /Fail over/ }).count()).toBe(0);
          expect(await userPage.getByRole('region', { name: 'Actions' }).count()).toBe(0);
          await expectAccessible(userPage, 'viewer: number detail with health and failovers');
          await screenshot(userPage, '35-viewer-failovers');
        } else {
          await userPage.getByRole('button', { name: 'Fail over', exact: true }).waitFor();
          expect(await userPage.getByRole('button', { name: /Reconcile/ }).count()).toBe(0);
        }
        expect(userProblems).toEqual([]);
      } finally {
        await userContext.close();
      }
    }
  });

  it('health summaries: the client’s numbers by status, and per cluster for staff', async () => {
    const detail = await stack.get(numberId);
    const activeCluster = detail.placements.find((p: any) => p.active).cluster.name;
    await page.goto(`${api.url}/numbers?tenant=${tenantId}`);
    await page.getByRole('heading', { level: 1, name: 'Numbers' }).waitFor();
    const tenantHealth = page.getByTestId('tenant-health');
    await expect
      .poll(async () => tenantHealth.locator('li[data-status="healthy"] strong').textContent(), {
        timeout: 30_000,
      })
      .toBe('1');
    await page.getByRole('row', { name: new RegExp(phone.replace('+', '\\+')) }).waitFor();
    await expectAccessible(page, 'numbers with health summary');
    await screenshot(page, '36-numbers-health');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('heading', { level: 1, name: 'Clusters' }).waitFor();
    const summary = (await api.request('GET', '/v1/health/summary', { token: stack.adminToken })).body;
    const overall = page.getByTestId('health-summary');
    for (const status of ['healthy', 'degraded', 'unhealthy', 'unknown', 'unchecked'])
      await expect
        .poll(() => overall.locator(`li[data-status="${status}"] strong`).textContent(), { timeout: 10_000 })
        .toBe(String(summary.counts[status]));
    const row = page.locator(`tr[data-cluster="${activeCluster}"]`);
    await expect.poll(() => row.getByTestId('cluster-active-numbers').textContent()).not.toBe('0');
    await row.getByText('reachable', { exact: true }).waitFor();
    await expectAccessible(page, 'clusters with health');
    await screenshot(page, '37-clusters-health');
  });
});
