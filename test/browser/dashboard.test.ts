import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.ts';
import { startTestHub, type TestHub, waitFor } from '../helpers/test-hub.ts';

/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core. Skipped, saying
 * so, where Chromium is not installed (`.ci/run` installs it).
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/browser/dashboard.test.ts skipped: no Chromium at ${CHROMIUM}`);

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'a long enough password';
/** How long a page may take to show something, on a loaded CI machine (expect.poll waits 1 s by default). */
const SHOWN = { timeout: 20_000 };

/** Fails on serious or critical accessibility violations of the page as it is now. */
async function checkAccessibility(page: Page) {
  // Evaluated through the debugging protocol, which the page's content security policy (no inline
  // script) does not apply to; a script tag would be refused, as it should be.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    // axe is the global the injected script defines; the browser has no types for it.
    const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
    }));
  });
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, url: string, email: string) {
  await page.goto(`${url}/dashboard/orders`);
  // Signed out, the dashboard sends the visitor to the sign-in page.
  expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${url}/dashboard`);
}

describe.skipIf(!hasChromium)('dashboard in a browser', () => {
  let hub: TestHub;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The 3PL ships after a few seconds, so the page shows the order before it ships.
    hub = await startTestHub({ threePl: { shipDelayMs: 3_000 } });
    await createUser(hub.running.hub.db, { email: 'ops@example.test', role: 'operator', password: PASSWORD });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('shows an order going from received to shipped live, then its timeline', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, hub.running.url, 'ops@example.test');
    await page.goto(`${hub.running.url}/dashboard/orders`);
    await page.waitForSelector('#live[data-state="live"]');
    await checkAccessibility(page);
    // Set on this document: still there at the end means the page was never reloaded.
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const row = page.locator('tr', { has: page.getByRole('link', { name: placed.name }) });
    await row.waitFor({ timeout: 30_000 });
    const firstState = await row.locator('td.state').textContent();
    expect(firstState).not.toBe('shipped');
    await expect.poll(() => row.locator('td.state').textContent(), { timeout: 45_000 }).toBe('shipped');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await expect.poll(() => page.locator('#order-count').textContent(), SHOWN).toBe('1 order matches.');
    await screenshot(page, 'orders');

    // Its tracking is written back to the storefront shortly after it ships.
    const orderId = await row.getAttribute('data-order-id');
    await waitFor(async () => {
      const detail = await hub.api('GET', `/api/orders/${orderId}`);
      return detail.body.shipments?.[0]?.trackingWrittenBack === true;
    }, 'tracking to be written back');

    await row.getByRole('link', { name: placed.name }).click();
    await page.waitForURL(`${hub.running.url}/dashboard/orders/${orderId}`);
    const timeline = page.locator('#timeline');
    await expect.poll(() => timeline.locator('tr[data-kind="delivery"]').count(), SHOWN).toBeGreaterThan(0);
    expect(await timeline.locator('tr[data-kind="outbound"][data-operation="submitShipment"]').count()).toBe(
      1,
    );
    expect(
      await timeline.locator('tr[data-kind="outbound"][data-operation="writeTracking"]').count(),
    ).toBeGreaterThan(0);
    expect(await page.locator('#order-state').textContent()).toBe('shipped');
    await checkAccessibility(page);
    await screenshot(page, 'order-timeline');

    // Retry posts with the CSRF token through the admin API: a shipped order has nothing to retry.
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.waitForURL(/retry=/);
    await expect
      .poll(() => page.locator('.notice').textContent(), SHOWN)
      .toMatch(/Nothing to retry|Retry queued/);
    await context.close();
  });

  it('shows a merchant member a 404 page for another merchant’s order', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const order = await waitFor(async () => {
      const list = await hub.api<{ items: { id: string; sourceOrderId: string }[] }>('GET', '/api/orders');
      return list.body.items.find((o) => o.sourceOrderId === placed.id);
    }, 'an order of the first merchant');
    const other = await hub.api<{ id: string }>('POST', '/api/merchants', { name: 'Other merchant' });
    await createUser(hub.running.hub.db, {
      email: 'member@other.test',
      role: 'merchant_member',
      merchantId: other.body.id,
      password: PASSWORD,
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, hub.running.url, 'member@other.test');
    await page.goto(`${hub.running.url}/dashboard/orders`);
    await expect.poll(() => page.locator('#order-count').textContent(), SHOWN).toBe('0 orders match.');
    const response = await page.goto(`${hub.running.url}/dashboard/orders/${order.id}`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Not found');
    await checkAccessibility(page);
    await screenshot(page, 'not-found');
    await context.close();
  });
});
