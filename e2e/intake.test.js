// The intake page in a real browser (Part 213.30(a)(4)): the Program Manager uploads a STIX
// bundle with refused objects and reads why each was refused, tries to type a TAXII password
// into the feed form and is told where it goes instead (the value is not shown again), then
// adds the feed and asks for a poll, which the page says comes within a minute; a navigator sees
// the history without the forms. Every state of the page is checked with axe (WCAG 2.1 AA).
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { checkA11y, launchBrowser, signInAs, startServer } from './lib/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundle = path.join(here, '../crates/cybernav-formats/tests/fixtures/stix/bad-objects-2.1.json');

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

async function submit(page, selector) {
  await Promise.all([page.waitForLoadState('load'), page.click(selector)]);
}

describe('intake page', () => {
  test('the Program Manager uploads a bundle, reads the refusals and adds a TAXII feed', async () => {
    const pm = await signInAs(browser, server, 'program_manager');
    await pm.goto(`${server.url}/intake`);
    await checkA11y(pm, 'intake, empty');
    // Two forms on one page: every id is unique (a label must reach its own field).
    const ids = await pm.$$eval('[id]', (els) => els.map((e) => e.id));
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((x, i) => ids.indexOf(x) !== i)}`);

    await pm.setInputFiles('#file', bundle);
    await pm.fill('#source', 'MS-ISAC');
    await pm.selectOption('#tlp', 'GREEN');
    await submit(pm, 'form[action^="/intake/upload"] button[type=submit]');
    const result = await pm.textContent('#import-result');
    assert.match(result, /bad-objects-2\.1\.json was imported/);
    const refused = await pm.locator('table:has(caption:text("Refused items")) tbody tr').count();
    assert.ok(refused > 0, 'each refused object is listed');
    const runs = await pm.textContent('table:has(caption:text("The last 50 imports")) tbody');
    assert.match(runs, /MS-ISAC/);
    await checkA11y(pm, 'intake after an upload with refusals');

    // A password typed into the form is refused: the form says where it goes instead.
    await pm.fill('#feed_source', 'CISA AIS');
    await pm.fill('#feed_api_root', 'https://taxii.example.gov/api1/');
    await pm.fill('#feed_collection', '91a7b528-80eb-42ed-a74d-c6fbd5a26116');
    await pm.fill('#feed_user', 'board');
    await pm.fill('#feed_secret', 'hunter2');
    await submit(pm, 'form[action="/intake/feeds"] button[type=submit]');
    assert.match(await pm.textContent('#form-errors'), /never stored/);
    assert.equal(await pm.inputValue('#feed_secret'), '', 'the typed secret is not shown again');
    assert.ok(!(await pm.content()).includes('hunter2'));
    await checkA11y(pm, 'feed form with an error');

    await pm.fill('#feed_secret', 'file:ais');
    await submit(pm, 'form[action="/intake/feeds"] button[type=submit]');
    assert.match(pm.url(), /notice=feed_added/, await pm.locator('#form-errors').textContent().catch(() => 'no errors shown'));
    const feeds = await pm.textContent('table:has(caption:text("TAXII collections polled")) tbody');
    assert.match(feeds, /CISA AIS/);
    assert.ok(!(await pm.content()).includes('hunter2'));
    await checkA11y(pm, 'intake with a feed');

    // Poll now does not wait for the partner's server: the page says when it happens.
    await pm.click('button:has-text("Poll now")');
    await pm.waitForURL(/notice=feed_poll_requested/);
    assert.match(await pm.textContent('main'), /polled within a minute/);
    await checkA11y(pm, 'intake after Poll now');

    await pm.click('button:has-text("Pause")');
    await pm.waitForURL(/notice=feed_paused/);
    assert.match(await pm.textContent('table:has(caption:text("TAXII collections polled")) tbody'), /Paused/);
  });

  test('a navigator reads the history without the forms; a clerk is refused', async () => {
    const nav = await signInAs(browser, server, 'navigator');
    await nav.goto(`${server.url}/intake`);
    assert.equal(await nav.locator('#file').count(), 0);
    assert.equal(await nav.locator('form[action="/intake/feeds"]').count(), 0);
    await checkA11y(nav, 'intake as a navigator');
    const clerk = await signInAs(browser, server, 'ea_official');
    const response = await clerk.goto(`${server.url}/intake`);
    assert.equal(response.status(), 403);
  });
});
