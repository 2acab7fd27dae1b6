// What people do, in a real browser against the real binary with the Illinois demo:
// sign in with a TOTP code computed here, set up two-step verification, browse as a county
// user and see only that county, invite someone and accept the invitation from the e-mail
// that reached the SMTP sink. Every page visited is checked with axe (WCAG 2.1 A/AA), at
// desktop width and at 375 px.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { checkA11y, launchBrowser, newContext, startServer, startSmtpSink, totp } from './lib/harness.js';

let sink;
let server;
let browser;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ smtpPort: sink.port });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.stop();
});

async function signIn(page, email, password) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Signs in a privileged account for the first time and sets up TOTP; returns the secret and
 * the time whose code the set-up used.
 */
async function enrol(page, email) {
  await signIn(page, email, server.password);
  await page.waitForURL('**/account/mfa/setup');
  await checkA11y(page, 'two-step set-up');
  const secret = (await page.locator('#totp-secret').textContent()).trim();
  const usedAt = Date.now();
  await page.getByLabel('Authentication code').fill(totp(secret, usedAt));
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
  await page.locator('#recovery-codes').waitFor();
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  await checkA11y(page, 'recovery codes');
  await page.getByRole('link', { name: 'Continue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  return { secret, usedAt };
}

describe('signing in', () => {
  test('the sign-in page is accessible and a wrong password gets the uniform answer', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await checkA11y(page, 'sign-in');
    await signIn(page, 'nobody@example.gov', 'not a real password');
    const unknown = await page.getByRole('alert').textContent();
    await signIn(page, server.login('ea_it').email, 'not a real password');
    const wrong = await page.getByRole('alert').textContent();
    assert.equal(unknown, wrong, 'an unknown account and a wrong password look the same');
    await checkA11y(page, 'sign-in with error');
    await context.close();
  });

  test('the Program Manager sets up two-step verification, then signs in with a fresh code', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const email = server.login('program_manager').email;
    const { secret, usedAt } = await enrol(page, email);
    await checkA11y(page, 'dashboard (Program Manager)');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');

    await signIn(page, email, server.password);
    await page.waitForURL('**/login/mfa');
    await checkA11y(page, 'two-step challenge');
    // The code used at set-up is refused (the replay guard, or past the drift window when the
    // machine is slow); the next step's code is accepted (one step of clock drift). The used
    // code is computed from the set-up's own time, so a 30-second boundary crossed while the
    // test runs changes nothing.
    await page.getByLabel('Authentication code').fill(totp(secret, usedAt));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Authentication code').fill(totp(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await context.close();
  });
});

describe('a county official', () => {
  test('sees only their own election authority, on a phone too', async () => {
    for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
      const context = await newContext(browser, { viewport });
      const page = await context.newPage();
      const official = server.login('ea_official', 'Adams County Clerk');
      await signIn(page, official.email, server.password);
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await checkA11y(page, `county dashboard ${viewport.width}px`);
      await page.goto(`${server.url}/election-authorities`);
      await page.getByRole('heading', { level: 1, name: 'Election authorities' }).waitFor();
      const rows = page.locator('table tbody tr');
      assert.equal(await rows.count(), 1);
      assert.match(await rows.first().textContent(), /Adams County Clerk/);
      assert.equal(await page.getByText('Chicago Board of Election Commissioners').count(), 0);
      await checkA11y(page, `authority list ${viewport.width}px`);
      await page.getByRole('link', { name: 'Adams County Clerk' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Adams County Clerk' }).waitFor();
      await checkA11y(page, `authority detail ${viewport.width}px`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      assert.equal(overflow, false, `the page fits ${viewport.width}px without sideways scrolling`);
      await context.close();
    }
  });
});

describe('the Board administrator', () => {
  test('invites a person, who accepts from the e-mail and signs in', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await enrol(page, server.login('board_admin').email);
    for (const [path, heading] of [
      ['/people', 'People'],
      ['/audit', 'Audit log'],
      ['/account', 'My account'],
      ['/partners', 'Who to contact'],
    ]) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await checkA11y(page, path);
    }
    await page.goto(`${server.url}/people/invite`);
    await checkA11y(page, 'invitation form');
    const email = `new.deputy.${Date.now()}@adams-county.illinois.example`;
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Full name').fill('Jordan Deputy');
    await page.getByLabel('Role').selectOption('ea_official');
    await page.getByLabel('Election authority').selectOption({ label: 'Adams County Clerk' });
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').waitFor();

    const message = await sink.waitForMessage((m) => m.to.includes(email), 15_000);
    assert.equal(message.subject, "You're invited to cybernav");
    const link = message.text.match(/https?:\/\/\S+\/invitations\/\S+/)[0];

    const invitee = await newContext(browser);
    const p2 = await invitee.newPage();
    await p2.goto(link);
    await checkA11y(p2, 'accept invitation');
    await p2.getByLabel('New password', { exact: true }).fill('purple elephants vote early');
    await p2.getByLabel('Confirm password').fill('purple elephants vote early');
    await p2.getByRole('button', { name: 'Create account' }).click();
    await p2.waitForURL('**/login**');
    await signIn(p2, email, 'purple elephants vote early');
    await p2.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    assert.match(await p2.locator('main').textContent(), /Adams County Clerk/);
    // The link works once.
    await p2.goto(link);
    assert.match(await p2.locator('main').textContent(), /no longer valid/);
    await invitee.close();
    await context.close();
  });
});
