// The registry pages in a real browser: live search through htmx, forms with errors, the
// CSV import, accessibility (axe, WCAG 2.1 AA) and a 375 px wide screen.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { checkA11y, launchBrowser, signInAs, startServer } from './lib/harness.js';

let server;
let browser;

before(async () => {
  server = await startServer({ env: { CYBERNAV_MFA_REQUIRED_ROLES: 'none' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A signed-in page for the first demo login with `role`. */
function signIn(role, viewport) {
  return signInAs(browser, server, role, viewport);
}

/** Whether the page itself scrolls sideways (tables may scroll inside their container). */
async function overflowsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

describe('registry pages', () => {
  test('the list searches as you type and pages, with no accessibility violations', async () => {
    const page = await signIn('program_manager');
    await page.goto(`${server.url}/election-authorities`);
    assert.match(await page.textContent('.cn-results__summary'), /Showing 1–25 of \d+ election authorities/);
    await checkA11y(page, 'election authorities list');

    // Typed key by key, as a person does: the search runs on keyup.
    await page.locator('#q').pressSequentially('cook');
    await page.waitForFunction(() => /q=cook/.test(window.location.search));
    await page.waitForFunction(() => /2 election authorities|1 election authority/.test(document.querySelector('.cn-results__summary')?.textContent ?? ''));
    const names = await page.$$eval('#ea-results tbody th a', (links) => links.map((a) => a.textContent));
    assert.ok(names.length >= 1 && names.every((n) => /cook|chicago/i.test(n)), names.join(', '));
    assert.equal(await page.locator('h1').count(), 1, 'the page frame stays; only the results change');
    await checkA11y(page, 'list after a live search');

    await page.goto(`${server.url}/election-authorities?page=2`);
    assert.equal(await page.getAttribute('.usa-pagination [aria-current=page]', 'aria-label'), 'Page 2');
    assert.deepEqual(page.cspErrors, []);
  });

  test('an authority page, its forms with errors, and the import page pass axe', async () => {
    const page = await signIn('program_manager');
    await page.goto(`${server.url}/election-authorities?q=adams`);
    await page.click('#ea-results tbody th a');
    await checkA11y(page, 'authority page');

    await page.click('text=Add a contact');
    await page.fill('#email', 'not an address');
    await page.click('main button[type=submit]');
    await page.waitForSelector('#form-errors');
    assert.ok((await page.locator('.usa-error-message').count()) >= 2);
    await checkA11y(page, 'contact form with errors');

    await page.goto(`${server.url}/election-authorities/new`);
    await page.fill('#fips_code', '123');
    await page.click('main button[type=submit]');
    await page.waitForSelector('#form-errors');
    await checkA11y(page, 'authority form with errors');

    const dir = await mkdtemp(path.join(os.tmpdir(), 'cybernav-import-'));
    const file = path.join(dir, 'bad.csv');
    await writeFile(file, 'name,kind,county,fips_code,population,zone,navigators\nX,clerk,X,1,many,,\n');
    await page.goto(`${server.url}/election-authorities/import`);
    await checkA11y(page, 'import page');
    await page.setInputFiles('#file', file);
    await page.click('main button:has-text("Import")');
    await page.waitForSelector('#file-problems');
    assert.equal(await page.locator('table:has(#problems-caption) tbody tr').count(), 3, 'kind, fips_code and population');
    await checkA11y(page, 'import page with problems');

    await page.goto(`${server.url}/partners`);
    await checkA11y(page, 'partners');
    await page.goto(`${server.url}/partners/new`);
    await checkA11y(page, 'partner form');
    assert.deepEqual(page.cspErrors, []);
  });

  test('on a 375 px screen the pages do not scroll sideways', async () => {
    const page = await signIn('program_manager', { width: 375, height: 800 });
    for (const url of ['/election-authorities', '/election-authorities?q=adams', '/partners', '/election-authorities/import']) {
      await page.goto(`${server.url}${url}`);
      assert.equal(await overflowsSideways(page), false, url);
    }
    await page.goto(`${server.url}/election-authorities?q=adams`);
    await page.click('#ea-results tbody th a');
    assert.equal(await overflowsSideways(page), false, 'authority page');
    await checkA11y(page, 'authority page at 375 px');
  });

  test('a county official sees only their own authority', async () => {
    const page = await signIn('ea_official');
    await page.goto(`${server.url}/election-authorities`);
    assert.equal(await page.locator('#ea-results tbody tr').count(), 1);
    assert.equal(await page.locator('text=Add an election authority').count(), 0);
    await checkA11y(page, 'county list');
  });
});
