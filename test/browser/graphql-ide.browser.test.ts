import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, offlineContext } from '../support/browser';
import { createTestInstallation, type TestInstallation } from '../support/harness';

/** The GraphQL IDE at /graphql, in a real browser, with no network beyond the machine. */
describe('the GraphQL IDE', () => {
  let installation: TestInstallation;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    installation = createTestInstallation('graphql-ide');
    url = (await installation.start('gateway')).url!;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await installation.cleanup();
  });

  it('loads from Plantgate alone, runs a query, and shows the schema documentation', async () => {
    const { context, outside } = await offlineContext(browser);
    const page = await context.newPage();
    const response = await page.goto(`${url}/graphql`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.locator('.graphiql-container').waitFor();
    // The default query asks who the user is: in the local open mode, the developer.
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => page.locator('.graphiql-response').innerText()).toContain('Local developer');
    await page.getByLabel('Show Documentation Explorer').click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Query', { exact: true }).first().click();
    await expect.poll(() => docs.innerText()).toContain('productionOrder');
    expect(outside).toEqual([]);
    await context.close();
  });

  it('still answers JSON clients at the same path', async () => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ whoami { id } }' }),
    });
    expect(((await res.json()) as { data: { whoami: { id: string } } }).data.whoami.id).toBeTruthy();
  });
});
