// Tests of the e2e harness itself; none of them needs the cybernav binary.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  REPO_ROOT,
  base32Decode,
  checkA11y,
  launchBrowser,
  newContext,
  parseEml,
  sendSmtp,
  startServer,
  startSmtpSink,
  totp,
} from './lib/harness.js';

const FAKE_CYBERNAV = path.join(REPO_ROOT, 'e2e', 'fixtures', 'fake-cybernav.js');

describe('totp', () => {
  // RFC 6238 appendix B, SHA-1, secret "12345678901234567890"
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const vectors = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];

  test('base32 decodes the RFC secret', () => {
    assert.equal(base32Decode(secret).toString('ascii'), '12345678901234567890');
    assert.equal(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString('ascii'), '12345678901234567890');
  });

  test('matches the RFC 6238 SHA-1 vectors (8 digits)', () => {
    for (const [t, code] of vectors) assert.equal(totp(secret, t * 1000, { digits: 8 }), code, `T=${t}`);
  });

  test('defaults to 6 digits and a 30-second step', () => {
    for (const [t, code] of vectors) assert.equal(totp(secret, t * 1000), code.slice(-6), `T=${t}`);
    assert.equal(totp(secret, 59_000), '287082');
    assert.equal(totp(secret, 30_000), totp(secret, 59_999));
    assert.notEqual(totp(secret, 59_999), totp(secret, 60_000));
  });
});

describe('parseEml', () => {
  test('folded and encoded headers, quoted-printable text', () => {
    const m = parseEml(
      [
        'X-Envelope-From: noreply@cybernav.test',
        'X-Envelope-To: a@x.test, b@y.test',
        'From: "Cyber Navigator" <noreply@cybernav.test>',
        'To: =?utf-8?q?Ren=C3=A9e?= <a@x.test>',
        'Subject: =?utf-8?b?WW91ciBhc3Nlc3NtZW50?=',
        ' =?utf-8?q?_is_r=C3=A9ady?=',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Caf=C3=A9 long line that was wrapped by the enco=',
        'der.',
        '',
      ].join('\r\n'),
    );
    assert.equal(m.subject, 'Your assessment is réady');
    assert.equal(m.to, 'Renée <a@x.test>');
    assert.equal(m.from, '"Cyber Navigator" <noreply@cybernav.test>');
    assert.deepEqual(m.envelopeTo, ['a@x.test', 'b@y.test']);
    assert.equal(m.text, 'Café long line that was wrapped by the encoder.\n');
    assert.equal(m.html, null);
  });

  test('multipart/alternative with base64 parts and an attachment', () => {
    const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
    const m = parseEml(
      [
        'To: pm@elections.example.gov',
        'Subject: Weekly digest',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="outer"',
        '',
        '--outer',
        'Content-Type: multipart/alternative; boundary=inner',
        '',
        '--inner',
        'Content-Type: text/plain; charset="utf-8"',
        'Content-Transfer-Encoding: base64',
        '',
        b64('Plain body ✓\r\nsecond line'),
        '--inner',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: 7bit',
        '',
        '<p>HTML body</p>',
        '--inner--',
        '--outer',
        'Content-Type: text/csv; name="report.csv"',
        'Content-Disposition: attachment; filename="report.csv"',
        'Content-Transfer-Encoding: base64',
        '',
        b64('a,b\n1,2\n'),
        '--outer--',
        '',
      ].join('\r\n'),
    );
    assert.equal(m.subject, 'Weekly digest');
    assert.equal(m.text, 'Plain body ✓\nsecond line');
    assert.equal(m.html, '<p>HTML body</p>');
    assert.equal(m.attachments.length, 1);
    assert.equal(m.attachments[0].filename, 'report.csv');
    assert.equal(m.attachments[0].contentType, 'text/csv');
    assert.equal(m.attachments[0].content.toString(), 'a,b\n1,2\n');
  });
});

describe('smtp sink', () => {
  let sink;
  before(async () => {
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink?.stop();
  });

  test('stores a message sent over plain SMTP and parses it', async () => {
    assert.ok(sink.port > 0);
    assert.deepEqual(await sink.messages(), []);
    const reply = await sendSmtp({
      port: sink.port,
      from: 'noreply@cybernav.test',
      to: ['navigator@elections.example.gov', 'bcc@elections.example.gov'],
      data: [
        'From: Cyber Navigator <noreply@cybernav.test>',
        'To: navigator@elections.example.gov',
        'Subject: =?utf-8?q?Invitation_=E2=80=94_Adams_County?=',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Open http://127.0.0.1:1/invite?token=3Dabc to accept.',
        '.leading dot survives dot-stuffing',
        '',
      ].join('\n'),
    });
    assert.equal(reply.code, 250);
    const m = await sink.waitForMessage((msg) => msg.subject.startsWith('Invitation'), 5_000);
    assert.equal(m.subject, 'Invitation — Adams County');
    assert.equal(m.to, 'navigator@elections.example.gov');
    assert.deepEqual(m.envelopeTo, ['navigator@elections.example.gov', 'bcc@elections.example.gov']);
    assert.equal(m.envelopeFrom, 'noreply@cybernav.test');
    assert.match(m.text, /invite\?token=abc to accept\./);
    assert.match(m.text, /^\.leading dot survives/m);
    assert.ok(existsSync(m.file));
  });

  test('messages() lists messages in arrival order', async () => {
    for (const n of [1, 2, 3]) {
      await sendSmtp({
        port: sink.port,
        from: 'noreply@cybernav.test',
        to: `user${n}@example.gov`,
        data: `To: user${n}@example.gov\nSubject: Message ${n}\n\nBody ${n}\n`,
      });
    }
    await sink.waitForMessage((m) => m.subject === 'Message 3');
    const subjects = (await sink.messages()).map((m) => m.subject).filter((s) => s.startsWith('Message'));
    assert.deepEqual(subjects, ['Message 1', 'Message 2', 'Message 3']);
  });

  test('waitForMessage times out with a list of what arrived', async () => {
    await assert.rejects(sink.waitForMessage((m) => m.subject === 'never sent', 300), /no matching message.*\n.*Message 1/s);
  });
});

describe('startServer (with a fake cybernav binary)', () => {
  test('parses the URL, password and demo logins and waits for /healthz', async () => {
    const server = await startServer({ smtpPort: 2525, bin: FAKE_CYBERNAV, env: { FAKE_HEALTHY_AFTER_MS: '500' } });
    try {
      assert.equal(server.url, `http://127.0.0.1:${server.port}`);
      assert.equal(server.password, 'demo-Passw0rd!');
      assert.deepEqual(server.logins, [
        { role: 'board_admin', email: 'admin@elections.example.gov' },
        { role: 'program_manager', email: 'pm@elections.example.gov' },
        { role: 'navigator', email: 'nav1@elections.example.gov', authority: 'Adams County Board of Elections' },
        { role: 'navigator', email: 'nav2@elections.example.gov' },
        { role: 'ea_official', email: 'clerk@adams.example.gov', authority: 'Adams County Board of Elections' },
        { role: 'ea_it', email: 'it@adams.example.gov', authority: 'Adams County (North) Board of Elections' },
        { role: 'partner', email: 'partner@isac.example.org' },
        { role: 'auditor', email: 'auditor@elections.example.gov' },
      ]);
      assert.equal(server.login('navigator').email, 'nav1@elections.example.gov');
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      const echo = await (await fetch(`${server.url}/echo`)).json();
      assert.deepEqual(echo.argv.slice(2), ['serve', '--demo', '--bind', `127.0.0.1:${server.port}`]);
      assert.equal(echo.argv[0], '--data-dir');
      assert.equal(echo.argv[1], server.dataDir);
      assert.equal(echo.env.CYBERNAV_SMTP_URL, 'smtp://127.0.0.1:2525');
      assert.equal(echo.env.CYBERNAV_BASE_URL, server.url);
      assert.equal(echo.env.CYBERNAV_OUTBOX_POLL_MS, '200');
      assert.equal(echo.env.RUST_LOG, 'info');
    } finally {
      await server.stop();
    }
    assert.equal(existsSync(server.dataDir), false, 'stop() removes the data dir');
  });

  test('reports the output when the binary exits early', async () => {
    await assert.rejects(
      startServer({ bin: FAKE_CYBERNAV, env: { FAKE_MODE: 'exit' } }),
      /exited \(3\) before it was ready.*could not open the database/s,
    );
  });

  test('says how to build a missing binary', async () => {
    await assert.rejects(startServer({ bin: '/nonexistent/cybernav' }), /cargo build -p cybernav/);
  });
});

describe('browser and axe', () => {
  let browser;
  let context;
  before(async () => {
    browser = await launchBrowser();
    context = await newContext(browser);
  });
  after(async () => {
    await browser?.close();
  });

  const dataUrl = (html) => `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;

  test('Chromium renders a page and honours the viewport', async () => {
    const page = await context.newPage();
    await page.goto(dataUrl('<!doctype html><title>Hi</title><h1 id="h">Hello, navigator</h1>'));
    assert.equal(await page.title(), 'Hi');
    assert.equal(await page.textContent('#h'), 'Hello, navigator');
    assert.deepEqual(page.viewportSize(), { width: 1280, height: 900 });
    assert.equal(await page.evaluate(() => window.innerWidth), 1280);
    await page.close();
  });

  test('checkA11y passes a clean page', async () => {
    const page = await context.newPage();
    await page.goto(
      dataUrl(
        '<!doctype html><html lang="en"><head><title>Clean</title></head><body>' +
          '<header><a href="#main">Skip to main content</a></header>' +
          '<main id="main"><h1>Assessments</h1><p>Nothing is due.</p>' +
          '<form><label for="q">Search</label><input id="q" name="q"><button>Go</button></form>' +
          '</main></body></html>',
      ),
    );
    const results = await checkA11y(page, 'clean page');
    assert.equal(results.violations.length, 0);
    assert.ok(results.passes.length > 0);
    await page.close();
  });

  test('checkA11y throws a readable list of violations', async () => {
    const page = await context.newPage();
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
    await page.goto(
      dataUrl(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>' +
          `<h1>Report</h1><img id="logo" src="${png}"><input id="unlabelled" type="text">` +
          '</main></body></html>',
      ),
    );
    const err = await checkA11y(page, 'broken page').then(
      () => null,
      (e) => e,
    );
    assert.ok(err, 'expected checkA11y to throw');
    assert.match(err.message, /^broken page: \d+ accessibility violation\(s\)/);
    assert.match(err.message, /- image-alt \[critical\]: Images must have alternative text/);
    assert.match(err.message, /#logo/);
    assert.match(err.message, /#unlabelled/);
    // the same page passes when those rules are disabled
    await checkA11y(page, 'broken page', { disableRules: ['image-alt', 'label'] });
    await page.close();
  });
});
