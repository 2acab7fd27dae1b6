// The sharing desk's products in a real browser (Part 213.30(a)(4), (6), (7)): a navigator
// drafts a note with a paragraph only the Board may read, the Program Manager approves and
// publishes it (two people), the county states its information needs and finds the note
// first, reading the sanitised version with the TLP label at top and bottom. Every page is
// checked with axe (WCAG 2.1 AA); the list also at 375 px wide.
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

function signIn(role, viewport) {
  return signInAs(browser, server, role, viewport);
}

async function submit(page, selector) {
  await Promise.all([page.waitForLoadState('load'), page.click(selector)]);
}

const STRICT = 'The fusion center traced the sender to a rented server';

describe('threat sharing', () => {
  test('a note goes from draft to the county, which reads the sanitised version first', async () => {
    const nav = await signIn('navigator');
    await nav.goto(`${server.url}/sharing`);
    await checkA11y(nav, 'threat sharing list, navigator');
    await nav.goto(`${server.url}/sharing/new`);
    await checkA11y(nav, 'new product form');
    await submit(nav, 'form[action="/sharing/new"] button[type=submit]');
    assert.match(await nav.textContent('#form-errors'), /Title/);
    await checkA11y(nav, 'new product form with errors');
    await nav.selectOption('#kind', 'note');
    await nav.fill('#title', 'Phishing e-mails posing as the Board');
    await nav.selectOption('#base_marking', 'TLP:GREEN');
    await nav.fill('#summary', 'Messages ask clerks to confirm e-poll book passwords. Do not answer; call the Board.');
    await nav.fill('#body', [
      'Three counties received the messages on Monday.',
      `(TLP:AMBER+STRICT) ${STRICT}.`,
      '(TLP:CLEAR) Never type a password into a link from an e-mail.',
    ].join('\n\n'));
    await nav.fill('#tags', 'phishing, e-poll books');
    await nav.fill('#sources', 'MS-ISAC');
    await submit(nav, 'form[action="/sharing/new"] button[type=submit]');
    assert.match(nav.url(), /\/sharing\/[0-9a-f-]{36}/);
    const productUrl = nav.url().split('?')[0];
    await checkA11y(nav, 'a draft');
    await submit(nav, 'form[action$="/transition"] button[type=submit]');
    assert.match(await nav.textContent('main'), /In review/);

    const pm = await signIn('program_manager');
    await pm.goto(productUrl);
    await checkA11y(pm, 'a product in review with workflow buttons');
    await submit(pm, 'form[action$="/transition"]:has(input[value=approve]) button[type=submit]');
    await submit(pm, 'form[action$="/transition"]:has(input[value=publish]) button[type=submit]');
    assert.match(await pm.textContent('main'), /Published/);

    // The county states what it needs to hear about, then finds the note first.
    const clerk = await signIn('ea_official');
    await clerk.goto(`${server.url}/sharing`);
    const needsHref = await clerk.locator('a', { hasText: 'Tell us what your office needs' }).getAttribute('href');
    await clerk.goto(`${server.url}${needsHref}`);
    await checkA11y(clerk, 'information needs form');
    await clerk.fill('#systems', 'e-poll books');
    await submit(clerk, 'form[action$="/information-needs"] button[type=submit]');
    await checkA11y(clerk, 'information needs saved');
    await clerk.goto(`${server.url}/sharing`);
    const matching = await clerk.textContent('section[aria-labelledby=matching-heading]');
    assert.match(matching, /Phishing e-mails posing as the Board/);
    assert.match(matching, /TLP:GREEN/);
    await checkA11y(clerk, 'threat sharing list, county');
    await clerk.goto(productUrl);
    const main = await clerk.textContent('main');
    assert.match(main, /1 paragraph of this product was withheld/);
    assert.ok(!main.includes(STRICT), 'the Board-only paragraph is not shown');
    assert.equal(await clerk.locator('#marking-top').textContent().then((t) => t.includes('TLP:GREEN')), true);
    assert.equal(await clerk.locator('#marking-bottom').textContent().then((t) => t.includes('TLP:GREEN')), true);
    await checkA11y(clerk, 'a product as the county reads it');

    const phone = await signIn('ea_official', { width: 375, height: 800 });
    await phone.goto(`${server.url}/sharing`);
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false);
    await checkA11y(phone, 'threat sharing list at 375 px');
    for (const p of [nav, pm, clerk, phone]) assert.deepEqual(p.cspErrors, []);
  });

  test('a TLP:RED alert names people picked from the list, and Enter in the filter only filters', async () => {
    const nav = await signIn('navigator');
    await nav.goto(`${server.url}/sharing/new`);
    await nav.selectOption('#kind', 'alert');
    await nav.fill('#title', 'Pretext calls to one clerk');
    await nav.selectOption('#base_marking', 'TLP:RED');
    const clerkEmail = server.login('ea_official').email;
    const managerEmail = server.login('program_manager').email;
    // Enter in the filter finds people; it does not send the half-filled draft.
    await nav.fill('#recipient-search', clerkEmail);
    await Promise.all([
      nav.waitForResponse((r) => r.url().includes('/sharing/recipients')),
      nav.press('#recipient-search', 'Enter'),
    ]);
    assert.match(nav.url(), /\/sharing\/new$/);
    assert.equal(await nav.locator('#form-errors').count(), 0);
    // USWDS draws the box on the label; the input itself is off screen.
    await nav.locator('#recipient-choices label.usa-checkbox__label').first().click();
    assert.equal(await nav.locator('#recipient-choices input[type=checkbox]:checked').count(), 1);
    await checkA11y(nav, 'TLP:RED recipient choices');
    // A reviewer is named by address; the ticked clerk stays ticked when the filter changes.
    await nav.fill('#recipients', managerEmail);
    await nav.fill('#recipient-search', 'zz-nobody');
    await nav.press('#recipient-search', 'Enter');
    await nav.waitForFunction(() => /No active account matches/.test(document.querySelector('#recipient-choices').textContent));
    assert.equal(await nav.locator('#recipient-choices input[type=checkbox]:checked').count(), 1);
    await nav.fill('#summary', 'Someone phoned a clerk pretending to be the vendor.');
    await nav.fill('#body', 'The caller asked for the e-poll book administrator password. Call the Board back on the number you know.');
    await submit(nav, 'form[action="/sharing/new"] button[type=submit]');
    assert.match(nav.url(), /\/sharing\/[0-9a-f-]{36}/, await nav.textContent('main'));
    assert.match(await nav.textContent('main'), /only these people may read it/);
    // The clerk ticked, the manager typed, and the author, who is always included.
    assert.equal(await nav.locator('#recipients li').count(), 3);
    await checkA11y(nav, 'a TLP:RED draft with its named readers');
    assert.deepEqual(nav.cspErrors, []);
  });
});
