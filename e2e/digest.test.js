// The daily digest's history in a real browser (Part 213.30(a)(8)): a county clerk finds
// "Digests you received" on their account page and turns the digest off and on again; the
// Program Manager finds the runs (the one the server made when it started) from Threat
// sharing, with people considered, sent and failures; the clerk may not open that page.
// Every page is checked with axe (WCAG 2.1 AA).
import assert from 'node:assert/strict';
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

async function submit(page, selector) {
  await Promise.all([page.waitForLoadState('load'), page.click(selector)]);
}

describe('daily digest history', () => {
  test('a clerk reads their digests and turns the digest off and on; the desk reads the runs', async () => {
    const clerk = await signInAs(browser, server, 'ea_official');
    await clerk.goto(`${server.url}/account`);
    const section = clerk.locator('section[aria-labelledby=digest-heading]');
    assert.match(await section.textContent(), /Digests you received/);
    assert.match(await section.textContent(), /You have not received a daily digest yet|Highest marking inside/);
    await checkA11y(clerk, 'account page with digest history');
    await clerk.click('label[for=digest-off]');
    await submit(clerk, 'form[action="/account/digest"] button[type=submit]');
    assert.match(await section.textContent(), /It is off for you/);
    await checkA11y(clerk, 'account page, digest off');
    await clerk.click('label[for=digest-on]');
    await submit(clerk, 'form[action="/account/digest"] button[type=submit]');
    assert.match(await section.textContent(), /It is on for you/);
    const refused = await clerk.goto(`${server.url}/sharing/digests`);
    assert.equal(refused.status(), 403);

    const pm = await signInAs(browser, server, 'program_manager');
    await pm.goto(`${server.url}/sharing`);
    await submit(pm, 'a[href="/sharing/digests"]');
    assert.match(await pm.textContent('h1'), /Daily digest runs/);
    // The server runs the latest digest that is due when it starts; wait for its record.
    let text = await pm.textContent('main');
    for (let i = 0; i < 50 && /has not run yet/.test(text); i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      await pm.reload();
      text = await pm.textContent('main');
    }
    assert.match(text, /People considered/);
    assert.match(text, /Failed/);
    assert.match(text, /The daily schedule/);
    await checkA11y(pm, 'digest runs');
    for (const p of [clerk, pm]) assert.deepEqual(p.cspErrors, []);
  });
});
