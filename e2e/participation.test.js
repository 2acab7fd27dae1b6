// Participation in a real browser, as the people of the program do it: the Program Manager
// opens a grant cycle, the county clerk sees its own checklist first, adds evidence and a note,
// the facts are recorded, the clerk certifies, and the Board publishes the report card. Every
// page is checked with axe (WCAG 2.1 AA), the checklist also at 375 px wide.
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

/** A signed-in page for the first demo login with `role`. */
function signIn(role, viewport) {
  return signInAs(browser, server, role, viewport);
}

/** Submits the form that holds `selector` and waits for the next page. */
async function submit(page, selector) {
  await Promise.all([page.waitForLoadState('load'), page.click(selector)]);
}

describe('participation', () => {
  test('a county answers its checklist, certifies, and the Board publishes', async () => {
    const pm = await signIn('program_manager');
    await pm.goto(`${server.url}/participation`);
    await checkA11y(pm, 'participation: no cycle yet');

    // A form with mistakes comes back with every problem, then the cycle opens.
    await pm.fill('#name', 'E2E HAVA Election Security');
    await pm.fill('#grant_program', 'HAVA Election Security Grant (EAC)');
    await pm.fill('#funds', 'a lot');
    await pm.fill('#deadline', '2099-03-15');
    await submit(pm, 'section[aria-labelledby=new-cycle-heading] button[type=submit]');
    assert.match(await pm.textContent('#form-errors'), /dollars and cents/);
    await checkA11y(pm, 'cycle form with errors');
    await pm.fill('#funds', '13,903,208.00');
    await submit(pm, 'section[aria-labelledby=new-cycle-heading] button[type=submit]');
    assert.match(pm.url(), /\/participation\/[0-9a-f-]{36}/);
    const cycleUrl = pm.url().split('?')[0];
    assert.match(await pm.textContent('h1'), /statewide status/);
    await checkA11y(pm, 'statewide status');

    // The county clerk sees its own checklist from the dashboard, not the statewide page.
    const clerkLogin = server.login('ea_official');
    const clerk = await signIn('ea_official');
    await checkA11y(clerk, 'county dashboard with a cycle');
    await submit(clerk, 'text=Open our checklist');
    assert.match(await clerk.textContent('h1'), new RegExp(clerkLogin.authority.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(await clerk.textContent('#standing-heading'), /Not eligible yet/);
    await checkA11y(clerk, 'county checklist');
    const checklistUrl = clerk.url();
    const resp = await clerk.goto(cycleUrl);
    assert.equal(resp.status(), 403, 'the live statewide status is not the county\'s to see');

    // Evidence and a note on the ICN item.
    await clerk.goto(checklistUrl);
    await clerk.setInputFiles('#icn-file', {
      name: 'ICN agreement.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% ICN interconnection agreement\n'),
    });
    await submit(clerk, '#item-icn form[enctype="multipart/form-data"] button[type=submit]');
    assert.match(await clerk.textContent('#item-icn'), /ICN agreement\.pdf/);
    assert.match(await clerk.textContent('#item-icn'), /SHA-256 [0-9a-f]{64}/);
    await clerk.fill('#icn-body', 'The agreement was signed by the county board on 2 March.');
    await submit(clerk, '#item-icn form[action$="/participation/notes"] button[type=submit]');
    assert.match(await clerk.textContent('#item-icn'), /signed by the county board/);
    await checkA11y(clerk, 'checklist with evidence and a note');

    // The Program Manager records every fact on the county's checklist.
    await pm.goto(checklistUrl);
    const forms = await pm.locator('form[action$="/participation/facts"]').count();
    assert.ok(forms >= 7, `fact forms: ${forms}`);
    const today = new Date().toISOString().slice(0, 10);
    for (let i = 0; i < forms; i += 1) {
      const form = pm.locator('form[action$="/participation/facts"]').nth(i);
      // A waiver is for when there is no ISAC membership: this county has one.
      if ((await form.locator('input[name=fact]').inputValue()) === 'isac.waived') continue;
      // USWDS draws its own radio: a person clicks the label.
      await form.locator('label', { hasText: /^Yes$/ }).click();
      await form.locator('input[name=on]').fill(today);
      const note = form.locator('select[name=note]');
      if (await note.count()) await note.selectOption('MS-ISAC (statewide membership)');
      await Promise.all([pm.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
    }
    assert.doesNotMatch(await pm.textContent('#standing-heading'), /Eligible for grant funds/, 'no certification yet');

    // The clerk certifies, on a phone-sized screen.
    const phone = await signIn('ea_official', { width: 375, height: 800 });
    await phone.goto(checklistUrl);
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false);
    await phone.fill('#signer_name', 'Chris Clerk');
    await submit(phone, 'section[aria-labelledby=certify-heading] button[type=submit]');
    assert.match(await phone.textContent('#standing-heading'), /Eligible for grant funds/);
    await checkA11y(phone, 'eligible checklist at 375 px');

    // The Board publishes; now the county sees the report card.
    await pm.goto(cycleUrl);
    await submit(pm, 'section[aria-labelledby=publish-heading] button[type=submit]');
    assert.match(await pm.textContent('h1'), /report card/);
    await clerk.goto(`${cycleUrl}/report-card`);
    assert.match(await clerk.textContent('main'), /Published by the Board/);
    await checkA11y(clerk, 'published report card');

    // The Board's other pages of the cycle and the authority pass axe too: the ledger with its
    // forms, the authority's ICN circuits, the Board's ICN settings, and a written verification.
    const eaUrl = checklistUrl.split('/participation')[0];
    const cycleId = cycleUrl.split('/').pop();
    for (const [url, label] of [
      [`${server.url}/grant-cycles/${cycleId}/ledger`, 'grant ledger'],
      [`${eaUrl}/icn`, 'ICN circuits'],
      [`${server.url}/icn`, 'ICN settings'],
    ]) {
      const r = await pm.goto(url);
      assert.equal(r.status(), 200, url);
      await checkA11y(pm, label);
    }
    await pm.goto(checklistUrl);
    await submit(pm, 'form[action$="/participation/attest"] button[type=submit]');
    assert.match(await pm.textContent('main'), /Program Manager.s verification of 213\.50\(a\) to the Board/);
    await checkA11y(pm, 'checklist with a written verification');
    await submit(pm, 'a[href^="/attestations/"]:not([href$=".pdf"]):not([href$="/file"])');
    assert.match(await pm.textContent('main'), /cybernav attestation verify/);
    await checkA11y(pm, 'attestation letter');

    for (const p of [pm, clerk, phone]) assert.deepEqual(p.cspErrors, []);
  });
});
