// The incident-response directory, the printable incident card and the outreach log in a real
// browser (Part 213.30(a)(3), (9), (10)): the Program Manager adds entries (a mistake first),
// the county prints its one-page card, a navigator logs a contact and records who attended an
// event, the Program Manager sees who has not been reached. Every page is checked with axe
// (WCAG 2.1 AA); the card also in print media, where it must fit one Letter page.
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

/** The id of the county official's authority, as its navigator sees it. */
async function countyId(nav) {
  const clerk = server.login('ea_official');
  await nav.goto(`${server.url}/election-authorities`);
  const href = await nav.locator('a', { hasText: clerk.authority }).first().getAttribute('href');
  assert.ok(href, `the navigator sees ${clerk.authority}`);
  return href.split('/').pop();
}

const today = () => new Date().toISOString().slice(0, 10);

describe('incident-response directory and outreach', () => {
  test('the Program Manager fills the directory and the county prints its one-page card', async () => {
    const nav = await signIn('navigator');
    const ea = await countyId(nav);
    const clerk = server.login('ea_official');

    const pm = await signIn('program_manager');
    await pm.goto(`${server.url}/directory`);
    await checkA11y(pm, 'directory, empty');
    await pm.click('a[href="/directory/new"]');
    await checkA11y(pm, 'new directory entry');

    // A mistake first: every problem comes back beside its field.
    await pm.fill('#organisation', 'Statewide Terrorism and Intelligence Center');
    await pm.selectOption('#kind', 'fusion_center');
    await pm.fill('#phone_24x7', 'call us');
    await pm.fill('#escalation_order', '0');
    await submit(pm, 'form[action="/directory"] button[type=submit]');
    const errors = await pm.textContent('#form-errors');
    assert.match(errors, /24\/7 phone/);
    assert.match(errors, /Escalation order/);
    await checkA11y(pm, 'directory entry with errors');

    await pm.fill('#phone_24x7', '+1 217-555-0100');
    await pm.fill('#escalation_order', '1');
    await pm.fill('#secure_channel', 'HSIN Election Security community');
    await pm.fill('#call_for', 'Any suspected intrusion or ransomware');
    await pm.fill('#last_verified_on', today());
    await submit(pm, 'form[action="/directory"] button[type=submit]');
    assert.match(pm.url(), /\/directory\?notice=directory_added/);

    // An entry of the county's own, verified long ago.
    await pm.goto(`${server.url}/directory/new`);
    await pm.fill('#organisation', 'Acme Voting Systems support');
    await pm.selectOption('#kind', 'vendor');
    await pm.selectOption('#scope', `authority:${ea}`);
    await pm.fill('#business_phone', '217-555-0199 ext. 12');
    await pm.fill('#email', 'support@acme.example');
    await pm.fill('#escalation_order', '2');
    await pm.fill('#last_verified_on', '2024-01-02');
    await submit(pm, 'form[action="/directory"] button[type=submit]');
    assert.match(await pm.textContent('main'), /Needs checking/);
    await checkA11y(pm, 'directory with entries');

    // The county reads its card, then prints it: one page, without the site's frame.
    const county = await signIn('ea_official');
    await county.goto(`${server.url}/directory`);
    await checkA11y(county, 'directory as the county sees it');
    const card = `${server.url}/authorities/${ea}/incident-card`;
    const r = await county.goto(card);
    assert.equal(r.status(), 200);
    const text = await county.textContent('main');
    assert.match(text, new RegExp(`Incident card: ${clerk.authority}`));
    assert.ok(text.indexOf('Statewide Terrorism') < text.indexOf('Acme Voting Systems'), 'escalation order');
    assert.match(text, /Do not turn off or wipe/);
    assert.match(text, /Program Manager/);
    assert.match(text, new RegExp(`Printed on ${today()}`));
    await checkA11y(county, 'incident card');

    await county.emulateMedia({ media: 'print' });
    assert.equal(await county.locator('header.usa-header').isVisible(), false, 'no site header on paper');
    assert.equal(await county.locator('footer.usa-footer').isVisible(), false, 'no footer on paper');
    await checkA11y(county, 'incident card, print media');
    const pdf = await county.pdf({ format: 'Letter', margin: { top: '0.5in', bottom: '0.5in', left: '0.5in', right: '0.5in' } });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.equal(pages, 1, 'the card fits one page');
    await county.emulateMedia({ media: 'screen' });

    // A partner sees the statewide entry only, and no card.
    const partner = await signIn('partner');
    await partner.goto(`${server.url}/directory`);
    const partnerText = await partner.textContent('main');
    assert.match(partnerText, /Statewide Terrorism/);
    assert.doesNotMatch(partnerText, /Acme Voting/);
    const refused = await partner.goto(card);
    assert.equal(refused.status(), 403);

    for (const p of [pm, county, partner]) assert.deepEqual(p.cspErrors, []);
  });

  test('a navigator logs a contact and attendance; the Program Manager sees who was not reached', async () => {
    const nav = await signIn('navigator');
    const ea = await countyId(nav);

    await nav.goto(`${server.url}/outreach`);
    await checkA11y(nav, 'outreach as a navigator');
    await nav.selectOption('#election_authority_id', ea);
    await nav.fill('#contacted_on', '');
    await nav.selectOption('#kind', 'visit');
    await submit(nav, 'form[action="/outreach/contacts"] button[type=submit]');
    assert.match(await nav.textContent('#form-errors'), /Date/);
    await checkA11y(nav, 'outreach form with errors');
    await nav.fill('#contacted_on', today());
    await nav.fill('#people_met', 'The county clerk and the IT lead');
    await nav.fill('#topic', 'Backups before the primary');
    await nav.fill('#notes', 'Backups sit on the same server as the voter list');
    await nav.selectOption('#notes_internal', 'yes');
    await submit(nav, 'form[action="/outreach/contacts"] button[type=submit]');
    assert.match(nav.url(), /notice=outreach_logged/);
    assert.match(await nav.textContent('main'), /Backups before the primary/);
    await checkA11y(nav, 'outreach of one authority');

    // The Program Manager records a webinar; the navigator records who attended.
    const pm = await signIn('program_manager');
    await pm.goto(`${server.url}/outreach`);
    assert.match(await pm.textContent('main'), /not been reached in 90 days/);
    await checkA11y(pm, 'outreach as the Program Manager');
    await pm.fill('#held_on', today());
    await pm.selectOption('#event_kind', 'webinar');
    await pm.fill('#title', 'Phishing on election night');
    await pm.fill('#audience', 'County clerks and IT staff');
    await submit(pm, 'form[action="/events"] button[type=submit]');
    assert.match(pm.url(), /\/events\/[0-9a-f-]{36}/);
    await checkA11y(pm, 'an event');
    const eventUrl = pm.url().split('?')[0];

    await nav.goto(eventUrl);
    await nav.selectOption('#election_authority_id', ea);
    await nav.fill('#person_name', 'Pat Clerk');
    await submit(nav, 'form[action$="/attendance"] button[type=submit]');
    assert.match(await nav.textContent('main'), /Pat Clerk/);
    await checkA11y(nav, 'an event with attendance');

    // The county sees its contact without the internal notes.
    const county = await signIn('ea_official');
    await county.goto(`${server.url}/outreach`);
    const text = await county.textContent('main');
    assert.match(text, /Backups before the primary/);
    assert.doesNotMatch(text, /same server as the voter list/);
    await checkA11y(county, 'outreach as the county');

    for (const p of [nav, pm, county]) assert.deepEqual(p.cspErrors, []);
  });
});
