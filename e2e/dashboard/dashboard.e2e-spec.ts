import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditEvents, createTenant, createUser, type TestApi, type TestUser } from '@bsp/testing';
import { LAPTOP, launchChromium, screenshot } from './support/browser';
import { startDashboardApi } from './support/dashboard-api';
import { expectAccessible, login, watch } from './support/page-checks';

describe('admin dashboard in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const tenantName = `Acme Retail ${Date.now().toString(36)}`;
  const phone = `+49151${String(Date.now() % 100_000_000).padStart(8, '0')}`;
  const secondPhone = `+49152${String((Date.now() + 1) % 100_000_000).padStart(8, '0')}`;
  let tenantId = '';
  let firstKey = '';
  let rotatedKey = '';

  beforeAll(async () => {
    // Short-lived access tokens: every step below also exercises the quiet refresh.
    [api, browser] = await Promise.all([
      startDashboardApi({ JWT_ACCESS_TTL_SECONDS: '5' }),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: LAPTOP, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    problems = watch(page);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail')
      await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    expect(problems).toEqual([]);
  });

  it('serves the page with its CSP and logs a staff member in', async () => {
    const res = await fetch(`${api.url}/tenants`, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    await page.goto(`${api.url}/`);
    await expect.poll(() => page.url()).toContain('/login');
    await page.getByRole('heading', { name: 'BSP control plane' }).waitFor();
    await expectAccessible(page, 'login');
    await screenshot(page, '01-login');

    // A wrong password is explained in plain words, next to the form.
    await page.getByLabel('Email').fill(api.adminEmail);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').getByText('The email or password is not right.').waitFor();

    await page.getByLabel('Password').fill(api.adminPassword);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await page.getByText('Platform admin').waitFor();
  });

  it('onboards a client: client, first number with live validation, provisioning state, API key shown once', async () => {
    await page.getByRole('link', { name: 'Onboard a client' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Onboard a client' }).waitFor();
    await expectAccessible(page, 'onboarding: client');
    await screenshot(page, '02-onboarding-client');

    // The server's field errors land next to their field.
    await page.getByLabel('Client name').fill(tenantName);
    await page.getByLabel('Data region').fill('eu-central');
    await page.getByLabel('Slug (optional)').fill('Not A Slug');
    await page.getByRole('button', { name: 'Create client and continue' }).click();
    await page.getByText('Must be lowercase letters, digits and hyphens (max 63)').waitFor();
    await page.getByLabel('Slug (optional)').fill('');
    await page.getByRole('button', { name: 'Create client and continue' }).click();

    await page.getByRole('heading', { name: 'Add the first number' }).waitFor();
    tenantId = new URL(page.url()).searchParams.get('tenant') ?? '';
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);
    const phoneInput = page.getByLabel('Phone number (E.164)');
    await phoneInput.fill('0151 2345');
    await page.getByText('Start with + and the country calling code').waitFor();
    await phoneInput.fill(phone);
    await page.getByText('Country: Germany').waitFor();
    await page.getByLabel('Display name (optional)').fill('Support line');
    await page.getByRole('radio', { name: /HA/ }).check();
    await expectAccessible(page, 'onboarding: number');
    await screenshot(page, '03-onboarding-number');
    await page.getByRole('button', { name: 'Add number and continue' }).click();

    await page.getByRole('heading', { name: 'Provisioning' }).waitFor();
    await page.getByTestId('provisioning-state').getByText('requested').waitFor();
    // No worker runs in this suite: the checklist waits for it and shows no invented progress.
    await page.getByTestId('provisioning-checklist').getByText('waiting for the worker').waitFor();
    await page.getByTestId('no-placement').waitFor();
    await expectAccessible(page, 'onboarding: provisioning');
    await screenshot(page, '04-onboarding-provisioning');
    await page.getByRole('button', { name: 'Continue to the API key' }).click();

    await page.getByRole('heading', { name: 'Issue an API key' }).waitFor();
    await page.getByRole('checkbox', { name: /Change numbers/ }).check();
    await page.getByRole('button', { name: 'Issue key' }).click();
    await page.getByText('It is shown only once').waitFor();
    firstKey = await page.getByTestId('issued-key').inputValue();
    expect(firstKey).toMatch(/^bsp_[a-z0-9]+_/);
    await page.getByRole('button', { name: 'Copy key' }).waitFor();
    await expectAccessible(page, 'onboarding: API key');
    await screenshot(page, '05-onboarding-key');
  });

  it('the issued key works against the API', async () => {
    const res = await fetch(`${api.url}/v1/me`, { headers: { 'x-api-key': firstKey } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      kind: 'api_key',
      tenantId,
      scopes: ['numbers:read', 'numbers:write'],
    });
  });

  it('shows the client with its number and key; the key is never shown again', async () => {
    await page.getByRole('link', { name: `Finish: go to ${tenantName}` }).click();
    await page.getByRole('heading', { level: 1, name: tenantName }).waitFor();
    await page.getByRole('link', { name: phone }).waitFor();
    const row = page.locator('tr', { hasText: `${tenantName} primary key` });
    await row.getByText('active').waitFor();
    expect(await page.content()).not.toContain(firstKey);
    // Rename and rename back.
    for (const name of [`${tenantName} GmbH`, tenantName]) {
      await page.getByRole('button', { name: 'Rename' }).click();
      await page.getByLabel('New name').fill(name);
      await page.getByRole('button', { name: 'Save name' }).click();
      await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
    }
    await expectAccessible(page, 'client detail');
    await screenshot(page, '06-client-detail');
  });

  it('rotates the key with a grace window, then revokes the new one', async () => {
    const row = page.locator('tr', { hasText: `${tenantName} primary key` }).filter({ hasText: 'active' });
    await row.getByRole('button', { name: /Rotate/ }).click();
    const dialog = page.getByRole('dialog', { name: /Rotate/ });
    await dialog.getByLabel('Grace window (hours)').fill('2');
    await expectAccessible(page, 'rotate dialog');
    await screenshot(page, '07-rotate-dialog');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByText('The replaced key keeps working until').waitFor();
    rotatedKey = await page.getByTestId('issued-key').inputValue();
    expect(rotatedKey).not.toBe(firstKey);
    await page.locator('tr', { hasText: 'rotating' }).waitFor();
    // Both keys work during the grace window.
    for (const key of [firstKey, rotatedKey]) {
      expect((await fetch(`${api.url}/v1/me`, { headers: { 'x-api-key': key } })).status).toBe(200);
    }
    await page.getByRole('button', { name: 'I have stored it — hide the key' }).click();
    expect(await page.getByTestId('issued-key').count()).toBe(0);

    const activeRow = page
      .locator('tbody tr')
      .filter({ hasText: 'active' })
      .filter({ has: page.getByRole('button', { name: /Revoke/ }) });
    await expect.poll(() => activeRow.count()).toBe(1);
    await activeRow.getByRole('button', { name: /Revoke/ }).click();
    const revoke = page.getByRole('dialog', { name: /Revoke/ });
    await revoke.getByText('stops working at once').waitFor();
    await revoke.getByRole('button', { name: 'Revoke key' }).click();
    await page.locator('tbody tr', { hasText: 'revoked' }).waitFor();
    expect((await fetch(`${api.url}/v1/me`, { headers: { 'x-api-key': rotatedKey } })).status).toBe(401);
    await screenshot(page, '08-keys-after-revoke');
  });

  it('adds a second number from the client page (server-side numbering-plan check) and deprovisions it', async () => {
    await page.getByRole('button', { name: 'Add number' }).click();
    const phoneInput = page.getByLabel('Phone number (E.164)');
    // Well-formed E.164 passes the light check in the page; the API's numbering-plan check refuses it.
    await phoneInput.fill('+4900000000000');
    await page.getByRole('button', { name: 'Add number', exact: true }).last().click();
    await page.getByText('This is not a valid number in any numbering plan').waitFor();
    expect(await phoneInput.getAttribute('aria-invalid')).toBe('true');
    // The number already taken is refused in plain words too.
    await phoneInput.fill(phone);
    await page.getByRole('button', { name: 'Add number', exact: true }).last().click();
    await page.getByText('This phone number is already registered to a client.').waitFor();
    await phoneInput.fill(secondPhone);
    await page.getByRole('button', { name: 'Add number', exact: true }).last().click();
    await page.getByRole('link', { name: secondPhone }).click();
    await page.getByRole('heading', { level: 1, name: secondPhone }).waitFor();
    await page.getByRole('link', { name: tenantName }).waitFor();

    await page.getByRole('button', { name: 'Deprovision' }).click();
    const dialog = page.getByRole('dialog', { name: `Deprovision ${secondPhone}` });
    const confirm = dialog.getByRole('button', { name: 'Deprovision number' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/to confirm/).fill(secondPhone);
    await expectAccessible(page, 'deprovision dialog');
    await screenshot(page, '09-deprovision-dialog');
    await confirm.click();
    await page.getByTestId('number-facts').getByText('deprovisioning').waitFor();
    await page.getByTestId('number-facts').getByText('deleted (not reached yet)').waitFor();
    expect(await page.getByRole('button', { name: 'Deprovision' }).count()).toBe(0);
  });

  it('numbers table: state filter, search, and the number detail before any worker ran', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Numbers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Numbers' }).waitFor();
    await page.getByLabel('Client').selectOption(tenantId);
    await page.getByRole('link', { name: phone }).waitFor();
    await page.getByLabel('Search').fill('no-such-number');
    await page.getByText('No number on this page matches the search.').waitFor();
    await page.getByLabel('Search').fill(phone.slice(0, 8));
    await page.getByRole('link', { name: phone }).waitFor();
    await page.getByLabel('State').selectOption('active');
    await page.getByText('No numbers in state active yet.').waitFor();
    await page.getByLabel('State').selectOption('requested');
    await page.getByRole('link', { name: phone }).waitFor();
    expect(await page.getByRole('link', { name: secondPhone }).count()).toBe(0);
    await expectAccessible(page, 'numbers');
    await screenshot(page, '10-numbers');

    await page.getByRole('link', { name: phone }).click();
    await page.getByRole('heading', { level: 1, name: phone }).waitFor();
    const facts = page.getByTestId('number-facts');
    await facts.getByText('requested').waitFor();
    await facts.getByText('High availability (active + standby)').waitFor();
    await facts.getByText('Germany').waitFor();
    await page.getByTestId('no-placement').waitFor();
    await page.getByTestId('last-reconcile').getByText('No reconcile has run').waitFor();
    // Not active yet: the health checks leave it alone, and it cannot fail over (the page says why).
    await page
      .getByRole('region', { name: 'Health', exact: true })
      .locator('[data-testid="health"][data-status="unchecked"]')
      .getByText('Not checked: only an active number with an active instance is checked')
      .waitFor();
    await page
      .getByRole('region', { name: 'Failovers' })
      .getByText('This number has not failed over.')
      .waitFor();
    expect(await page.getByRole('button', { name: 'Fail over', exact: true }).isDisabled()).toBe(true);
    await page.getByText('A requested number cannot fail over.').waitFor();
    await expectAccessible(page, 'number detail');
    await screenshot(page, '11-number-detail');
  });

  it('the audit log shows this session’s actions and exports them as CSV', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    for (const action of [
      'tenant.create',
      'number.create',
      'api_key.issue',
      'api_key.rotate',
      'api_key.revoke',
    ]) {
      await page.getByRole('rowheader', { name: action }).first().waitFor();
    }
    await page.getByLabel('Action').selectOption('api_key.rotate');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.getByRole('rowheader').count()).toBe(1);
    await expectAccessible(page, 'audit log');
    await screenshot(page, '12-audit');

    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.getByRole('rowheader').count()).toBeGreaterThan(4);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-events-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    for (const action of [
      'tenant.create',
      'number.create',
      'api_key.issue',
      'api_key.rotate',
      'api_key.revoke',
    ]) {
      expect(csv).toContain(action);
    }
    expect(csv).not.toContain(firstKey);
    await page.getByText(/Downloaded audit-events-/).waitFor();
  });

  it('clusters view for staff', async () => {
    const token = await api.login(api.adminEmail, api.adminPassword);
    const res = await api.request('POST', '/v1/clusters', {
      token,
      body: {
        name: 'eu-central-1',
        region: 'eu-central',
        zone: 'eu-central-1a',
        apiServerUrl: 'https://k8s-eu-1.bsp.example:6443',
        credentialsRef: 'secret:bsp-system/cluster-eu-1',
        capacity: 500,
      },
    });
    expect(res.status).toBe(201);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('heading', { level: 1, name: 'Clusters' }).waitFor();
    await page.getByRole('rowheader', { name: 'eu-central-1' }).waitFor();
    await expectAccessible(page, 'clusters');
    await screenshot(page, '13-clusters');
  });

  it('a session survives access-token expiry (quiet refresh), and logout ends it', async () => {
    await page.waitForTimeout(6000);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('link', { name: tenantName }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: tenantName }).waitFor();
    // Concurrent requests that met an expired token shared one refresh: the API saw no token reuse.
    const token = await api.login(api.adminEmail, api.adminPassword);
    expect(await auditEvents(api, token, { action: 'auth.refresh_reuse_detected' })).toEqual([]);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.goto(`${api.url}/audit`);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });

  describe('a client viewer', () => {
    let viewer: TestUser;
    let otherTenant: { id: string; name: string };
    let viewerPage: Page;
    let viewerProblems: string[];

    beforeAll(async () => {
      const token = await api.login(api.adminEmail, api.adminPassword);
      otherTenant = await createTenant(api, token, { name: 'Other Client' });
      viewer = await createUser(api, token, 'tenant_viewer', tenantId);
      const viewerContext = await browser.newContext({ viewport: LAPTOP });
      viewerPage = await viewerContext.newPage();
      viewerProblems = watch(viewerPage);
    });
    afterEach(() => {
      expect(viewerProblems).toEqual([]);
    });

    it('sees only their client and no write actions', async () => {
      await login(viewerPage, api, viewer.email, viewer.password);
      await viewerPage.getByRole('heading', { level: 1, name: tenantName }).waitFor();
      await viewerPage.getByText('read only').waitFor();
      const nav = viewerPage.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link').allTextContents()).toEqual([
        'My client',
        'Numbers',
        'Audit log',
        'Users',
      ]);
      await viewerPage.getByRole('link', { name: phone }).waitFor();
      await viewerPage.locator('tbody tr', { hasText: 'revoked' }).first().waitFor();
      for (const name of [
        /Issue API key/,
        /Add number/,
        /Rotate/,
        /Revoke/,
        /Suspend/,
        /Onboard/,
        /Rename/,
      ]) {
        expect(await viewerPage.getByRole('button', { name }).count(), String(name)).toBe(0);
        expect(await viewerPage.getByRole('link', { name }).count(), String(name)).toBe(0);
      }
      await expectAccessible(viewerPage, 'viewer: client');
      await screenshot(viewerPage, '14-viewer-client');

      await viewerPage.getByRole('link', { name: phone }).click();
      await viewerPage.getByRole('heading', { level: 1, name: phone }).waitFor();
      expect(await viewerPage.getByRole('button', { name: /Deprovision/ }).count()).toBe(0);

      // Another client's page and the staff pages are out of reach.
      await viewerPage.goto(`${api.url}/tenants/${otherTenant.id}`);
      await viewerPage.getByRole('alert').getByText('It no longer exists, or you cannot see it.').waitFor();
      await viewerPage.goto(`${api.url}/tenants`);
      await viewerPage.getByRole('link', { name: tenantName }).waitFor();
      expect(await viewerPage.getByRole('link', { name: 'Other Client' }).count()).toBe(0);
      await viewerPage.goto(`${api.url}/onboarding`);
      await viewerPage.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      await viewerPage.goto(`${api.url}/clusters`);
      await viewerPage.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      await viewerPage.goto(`${api.url}/audit`);
      await viewerPage.getByRole('rowheader', { name: 'api_key.revoke' }).first().waitFor();
      expect(await viewerPage.getByRole('rowheader', { name: 'tenant.create' }).count()).toBeGreaterThan(0);
      expect(await viewerPage.getByText('Other Client').count()).toBe(0);
      await screenshot(viewerPage, '15-viewer-audit');
    });

    it('can use the page with the keyboard only', async () => {
      await viewerPage.goto(`${api.url}/tenants/${tenantId}`);
      await viewerPage.getByRole('heading', { level: 1, name: tenantName }).waitFor();
      await viewerPage.keyboard.press('Tab');
      expect(await viewerPage.evaluate<string | null>('document.activeElement?.textContent ?? null')).toBe(
        'Skip to content',
      );
      // Tab to the "Numbers" navigation link and follow it with Enter.
      for (let i = 0; i < 10; i++) {
        await viewerPage.keyboard.press('Tab');
        if (
          (await viewerPage.evaluate<string | null>('document.activeElement?.textContent ?? null')) ===
          'Numbers'
        )
          break;
      }
      await viewerPage.keyboard.press('Enter');
      await viewerPage.getByRole('heading', { level: 1, name: 'Numbers' }).waitFor();
      await expect
        .poll(() => viewerPage.evaluate<string | null>('document.activeElement?.tagName ?? null'))
        .toBe('H1');
    });
  });
});
