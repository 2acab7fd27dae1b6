// The navigators' year in a real browser (Part 213.40): a navigator records a finding with a
// recommendation template and moves it on, plans a visit and files a document; the county sees
// its own findings; the Program Manager reads the statewide findings and the workload balance.
// Every page is checked with axe (WCAG 2.1 AA); the county's findings also at 375 px wide.
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

/** The URL of the first authority the county's official belongs to, as its navigator sees it. */
async function countyUrl(nav) {
  const clerk = server.login('ea_official');
  await nav.goto(`${server.url}/election-authorities`);
  const link = nav.locator('a', { hasText: clerk.authority }).first();
  const href = await link.getAttribute('href');
  assert.ok(href, `the navigator sees ${clerk.authority}`);
  return `${server.url}${href}`;
}

describe('field work', () => {
  test('a navigator records a finding, a visit and a document; the county and the Board see them', async () => {
    const nav = await signIn('navigator');
    const ea = await countyUrl(nav);

    // A finding with mistakes comes back with what to fix; then it is recorded from a template.
    await nav.goto(`${ea}/findings`);
    await checkA11y(nav, 'findings of an authority');
    await nav.fill('#title', '');
    await submit(nav, 'form[action$="/findings"][method=post] button[type=submit]');
    assert.match(await nav.textContent('#form-errors'), /Title|title/);
    await checkA11y(nav, 'finding form with errors');
    await nav.selectOption('#source', 'navigator_assessment');
    await nav.selectOption('#severity', 'critical');
    await nav.selectOption('#owner', 'county_it');
    await nav.fill('#title', 'Election server missing security updates');
    await nav.fill('#description', 'The voter registration workstation has not taken updates since spring.');
    await nav.locator('label[for=tpl-patching]').click();
    await submit(nav, 'form[action$="/findings"][method=post] button[type=submit]');
    assert.match(nav.url(), /\/findings\/[0-9a-f-]{36}/);
    assert.match(await nav.textContent('main'), /Election server missing security updates/);
    await checkA11y(nav, 'a finding');
    const findingUrl = nav.url().split('?')[0];

    // The navigator confirms it; the history shows the step.
    await nav.selectOption('#to', 'confirmed');
    await submit(nav, 'form[action$="/transition"] button[type=submit]');
    assert.match(await nav.textContent('main'), /Confirmed/i);
    await checkA11y(nav, 'a confirmed finding');

    // A visit, first with a mistake, then recorded.
    await nav.goto(`${ea}/visits/new`);
    await checkA11y(nav, 'visit form');
    await nav.fill('#visited_on', '');
    await submit(nav, 'form[action$="/visits/new"] button[type=submit]');
    assert.ok(await nav.locator('#form-errors').count(), 'a visit with no date is refused');
    await checkA11y(nav, 'visit form with errors');
    await nav.fill('#visited_on', new Date().toISOString().slice(0, 10));
    await nav.selectOption('#purpose', { index: 1 });
    await submit(nav, 'form[action$="/visits/new"] button[type=submit]');
    assert.match(nav.url(), /\/visits\/[0-9a-f-]{36}/);
    await checkA11y(nav, 'a visit');

    for (const [url, label] of [
      [`${ea}/visits`, 'visits of an authority'],
      [`${ea}/documents`, 'documents on file'],
      [`${server.url}/my-work`, 'my work'],
    ]) {
      const r = await nav.goto(url);
      assert.equal(r.status(), 200, url);
      await checkA11y(nav, label);
    }

    // The county sees its finding, on a phone too.
    const phone = await signIn('ea_official', { width: 375, height: 800 });
    await phone.goto(`${ea}/findings`);
    assert.match(await phone.textContent('main'), /Election server missing security updates/);
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false);
    await checkA11y(phone, 'county findings at 375 px');
    await phone.goto(findingUrl);
    await checkA11y(phone, 'a finding as the county sees it');

    // The Program Manager's statewide views.
    const pm = await signIn('program_manager');
    for (const [url, label] of [
      [`${server.url}/findings`, 'statewide findings'],
      [`${server.url}/workload`, 'workload and balance'],
    ]) {
      const r = await pm.goto(url);
      assert.equal(r.status(), 200, url);
      await checkA11y(pm, label);
    }
    assert.match(await pm.textContent('main'), /balance|Balance/);

    // A partner sees none of it.
    const partner = await signIn('partner');
    const r = await partner.goto(findingUrl);
    assert.ok([403, 404].includes(r.status()), `partner got ${r.status()}`);

    for (const p of [nav, phone, pm]) assert.deepEqual(p.cspErrors, []);
  });
  test('the Program Manager starts an assessment, the navigator answers it, and it is validated', async () => {
    const pm = await signIn('program_manager');
    // A cycle to assess in.
    await pm.goto(`${server.url}/participation`);
    await pm.fill('#name', 'E2E assessment cycle');
    await pm.fill('#grant_program', 'HAVA Election Security Grant (EAC)');
    await pm.fill('#funds', '1,000,000.00');
    await pm.fill('#deadline', '2099-03-15');
    await submit(pm, 'section[aria-labelledby=new-cycle-heading] button[type=submit]');

    const nav = await signIn('navigator');
    const ea = await countyUrl(nav);
    await pm.goto(`${server.url}/catalogs`);
    assert.match(await pm.textContent('main'), /Cybersecurity Framework/);
    await checkA11y(pm, 'catalogs');

    // The CPG has no Implementation Groups: asking for IG1 comes back with what to choose.
    await pm.goto(`${ea}/assessments`);
    await checkA11y(pm, 'assessments of an authority, none yet');
    // CPG 2.0, the current version (1.0.1 is offered beside it for earlier assessments).
    const cpg = await pm.locator('#catalog_id option', { hasText: /Performance Goals \(version 2\.0\)/ }).getAttribute('value');
    await pm.selectOption('#catalog_id', cpg);
    await pm.selectOption('#scope', 'ig1');
    await pm.selectOption('#method', 'simple-5-v1');
    await submit(pm, 'section[aria-labelledby=start-heading] button[type=submit]');
    assert.match(await pm.textContent('#form-errors'), /choose all/);
    await checkA11y(pm, 'start form with errors');
    await pm.selectOption('#catalog_id', cpg);
    await pm.selectOption('#scope', 'all');
    await pm.selectOption('#method', 'simple-5-v1');
    await submit(pm, 'section[aria-labelledby=start-heading] button[type=submit]');
    assert.match(pm.url(), /\/assessments\/[0-9a-f-]{36}/);
    const assessmentUrl = pm.url().split('?')[0];

    // The navigator answers every control, a control at a time, then sends it for review.
    await nav.goto(assessmentUrl);
    await checkA11y(nav, 'assessment form');
    const groups = await nav.locator('form[action$="/answers"]').count();
    assert.ok(groups >= 5, `controls: ${groups}`);
    for (let g = 0; g < groups; g += 1) {
      const form = nav.locator('form[action$="/answers"]').nth(g);
      const selects = form.locator('select');
      const n = await selects.count();
      for (let i = 0; i < n; i += 1) await selects.nth(i).selectOption({ index: 3 + ((g + i) % 3) });
      await Promise.all([nav.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
    }
    await submit(nav, 'form[action$="/transitions"] button[type=submit]');
    assert.match(await nav.textContent('main'), /Complete|complete/);

    // The Program Manager validates; the score now counts and the authority's page charts it.
    await pm.goto(assessmentUrl);
    await submit(pm, 'section[aria-labelledby=review] form:first-of-type button[type=submit]');
    assert.match(await pm.textContent('main'), /Validated|validated/);
    await checkA11y(pm, 'validated assessment with score charts');
    await pm.goto(`${ea}/assessments`);
    assert.ok(await pm.locator('svg').count() >= 1, 'the trend is drawn');
    await checkA11y(pm, 'assessments with a trend');

    // The county reads its validated assessment on a phone.
    const phone = await signIn('ea_official', { width: 375, height: 800 });
    await phone.goto(assessmentUrl);
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false);
    await checkA11y(phone, 'assessment as the county sees it at 375 px');
    for (const p of [nav, pm, phone]) assert.deepEqual(p.cspErrors, []);
  });
});
