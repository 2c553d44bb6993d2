import type { Page } from 'playwright-core';
import type { TestApi } from '@bsp/testing';
import { axeViolations } from './browser';

/** Problems the page must never have: script errors and anything the CSP refused. */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return problems;
}

/** axe-core on the current view: prints every finding, fails on serious or critical ones. */
export async function expectAccessible(page: Page, view: string): Promise<void> {
  const violations = await axeViolations(page);
  const summary = violations.map(
    (v) => `${v.impact ?? '?'} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  if (summary.length) console.log(`axe ${view}:\n  ${summary.join('\n  ')}`);
  else console.log(`axe ${view}: no violations`);
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    view,
  ).toEqual([]);
}

export async function login(page: Page, api: TestApi, email: string, password: string): Promise<void> {
  await page.goto(`${api.url}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
}
