// Two-way sharing in a real browser (Part 213.50(a)(2)(B)): a county clerk sends what the
// office saw with the web form (a defanged address and a line that is not an indicator, which
// the form names by its number), reads the reference number, and later the Program Manager's
// decision; the Program Manager finds the report first in the queue, reads it in words and
// validates it, starting a draft intelligence note; the clerk's e-mail names the reference and
// the decision only. Every page is checked with axe (WCAG 2.1 AA), the form also with errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { checkA11y, launchBrowser, signInAs, startServer, startSmtpSink } from './lib/harness.js';

let sink;
let server;
let browser;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ smtpPort: sink.port, env: { CYBERNAV_MFA_REQUIRED_ROLES: 'none' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.stop();
});

async function submit(page, selector) {
  await Promise.all([page.waitForLoadState('load'), page.click(selector)]);
}

/** Every id on the page is unique (a label must reach its own field). */
async function uniqueIds(page) {
  const ids = await page.$$eval('[id]', (els) => els.map((e) => e.id));
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((x, i) => ids.indexOf(x) !== i)}`);
}

const DESCRIPTION = 'The deputy clerk got an e-mail asking her to sign in to check the payroll. She did not click.';

describe('reports from authorities', () => {
  test('a clerk reports with the form and the Program Manager validates it', async () => {
    const clerk = await signInAs(browser, server, 'ea_official');
    await clerk.click('nav a:has-text("Report to the Board")');
    await clerk.click('#report-something');
    assert.match(clerk.url(), /\/reports\/new$/);
    await checkA11y(clerk, 'report form, empty');
    await uniqueIds(clerk);
    // TLP:AMBER is chosen until the clerk says otherwise.
    assert.equal(await clerk.isChecked('#tlp-amber'), true);

    // Sent empty: every problem in the summary, each tied to its field.
    await submit(clerk, 'form[action="/reports/new"] button[type=submit]');
    const summary = await clerk.textContent('#form-errors');
    assert.match(summary, /What did you see\?/);
    assert.match(summary, /Day you saw it/);
    assert.match(summary, /What happened/);
    assert.equal(await clerk.getAttribute('#seen_on', 'aria-describedby'), 'seen_on-hint seen_on-error');
    await checkA11y(clerk, 'report form with errors');

    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    // USWDS draws its own radio buttons: a person clicks the label.
    await clerk.click('label[for="kind"]');
    await clerk.fill('#seen_on', day);
    await clerk.fill('#seen_time', '09:15');
    await clerk.fill('#description', DESCRIPTION);
    await clerk.fill('#indicators', 'hxxps://payroll-check[.]example/login\nsee the screenshot I printed\n');
    await clerk.fill('#sender', 'Payroll <payroll[at]payroll-check[.]example>');
    await clerk.fill('#subject', 'Verify your payroll today');
    await submit(clerk, 'form[action="/reports/new"] button[type=submit]');
    // The line that is not an indicator is named; what was typed is still there.
    assert.match(await clerk.textContent('#indicators-error'), /line 2/);
    assert.equal(await clerk.inputValue('#description'), DESCRIPTION);
    await checkA11y(clerk, 'report form with a line not understood');

    await clerk.fill('#indicators', 'hxxps://payroll-check[.]example/login\n');
    await submit(clerk, 'form[action="/reports/new"] button[type=submit]');
    assert.match(clerk.url(), /\/reports\/[0-9a-f-]{36}\?notice=report_sent/);
    const reference = (await clerk.textContent('#reference')).trim();
    assert.match(reference, /^CR-[0-9A-F]{4}-[0-9A-F]{4}$/);
    assert.match(await clerk.textContent('#status'), /Waiting for review/);
    await checkA11y(clerk, 'a report just sent, as its office reads it');
    const reportUrl = clerk.url().split('?')[0];

    // The Program Manager: the report is first in the queue.
    const pm = await signInAs(browser, server, 'program_manager');
    await pm.click('nav a:has-text("Reports from authorities")');
    await checkA11y(pm, 'the queue');
    await uniqueIds(pm);
    const first = await pm.textContent('table.cn-reports tbody tr:first-child');
    assert.ok(first.includes(reference), `${reference} first in: ${first}`);
    await pm.selectOption('#filter-status', 'pending');
    await submit(pm, 'form.cn-filters button[type=submit]');
    assert.match(pm.url(), /status=pending/);
    await pm.click(`a:has-text("${reference}")`);
    const read = await pm.textContent('main');
    assert.ok(read.includes(DESCRIPTION), 'the description, in words');
    assert.match(read, /URL: https:\/\/payroll-check\.example\/login/);
    assert.ok(read.includes('payroll@payroll-check.example'), 'the sender, an indicator too');
    assert.ok(read.includes('Verify your payroll today'), 'the subject');
    await checkA11y(pm, 'a report, before the decision');
    await uniqueIds(pm);

    await pm.click('label[for="start_note"]');
    assert.equal(await pm.isChecked('#start_note'), true);
    await pm.fill('#note', 'Thank you. Two other counties received the same e-mail.');
    await submit(pm, 'form[action$="/validate"] button[type=submit]');
    assert.match(pm.url(), /notice=report_validated_note/);
    assert.match(await pm.textContent('#status'), /Validated/);
    await checkA11y(pm, 'a validated report');
    await pm.click('#draft-note');
    assert.match(await pm.textContent('h1'), new RegExp(`Community report ${reference}`));
    assert.match(await pm.textContent('main'), /Draft/);

    // The office reads the decision and the note; the e-mail names the reference only.
    await clerk.goto(reportUrl);
    assert.match(await clerk.textContent('#decision-note'), /Two other counties/);
    await checkA11y(clerk, 'a validated report, as its office reads it');
    const mail = await sink.waitForMessage((m) => m.subject.includes(reference), 20_000);
    assert.match(mail.subject, /validated/);
    assert.ok(!mail.text.includes('payroll'), 'the e-mail carries no reported content');
    assert.ok(!mail.text.includes('Two other counties'), 'nor the note');
    assert.ok(mail.text.includes(reportUrl.replace(/^http:\/\/127\.0\.0\.1:\d+/, '')), mail.text);
  });

  test('a partner has no reports page and a navigator cannot decide', async () => {
    const partner = await signInAs(browser, server, 'partner');
    const refused = await partner.goto(`${server.url}/reports`);
    assert.equal(refused.status(), 403);
    const nav = await signInAs(browser, server, 'navigator');
    await nav.goto(`${server.url}/reports`);
    const link = nav.locator('table.cn-reports tbody a').first();
    await Promise.all([nav.waitForLoadState('load'), link.click()]);
    assert.equal(await nav.locator('form[action$="/validate"]').count(), 0);
    await checkA11y(nav, 'a report, as a navigator reads it');
  });
});
