// Test harness for cybernav's end-to-end tests (run with `node --test`).
//
//   startSmtpSink()          scripts/smtp-sink on a free port; read what it received
//   startServer({smtpPort})  the cybernav binary (`serve --demo`) on a free port
//   launchBrowser()          Debian's Chromium through playwright-core
//   newContext(browser)      a browser context with the default viewport
//   totp(secret, timeMs)     RFC 6238 codes for two-factor sign-in
//   checkA11y(page, label)   axe-core WCAG 2.1 A/AA check that throws on violations
//   signInAs(browser, server, role, viewport)  a page signed in as a demo login
//   parseEml(raw)            the minimal MIME parser behind the sink's messages()
//
// Every process started here is killed when the test process exits.

import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const DEFAULT_VIEWPORT = { width: 1280, height: 900 };

export const DEMO_ROLES = [
  'board_admin',
  'program_manager',
  'navigator',
  'ea_official',
  'ea_it',
  'partner',
  'auditor',
];

// ---------------------------------------------------------------------------
// Child processes

const liveChildren = new Set();
process.on('exit', () => {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

function track(child) {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

/** Resolves with the exit code (or signal name) once `child` has exited. */
function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode ?? child.signalCode);
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
async function terminate(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

/** Keeps the last `limit` characters of a process's combined output. */
class OutputLog {
  constructor(limit = 256 * 1024) {
    this.limit = limit;
    this.text = '';
  }
  append(chunk) {
    this.text += chunk;
    if (this.text.length > this.limit) this.text = this.text.slice(-this.limit);
  }
  tail(chars = 16 * 1024) {
    return this.text.length > chars ? `…${this.text.slice(-chars)}` : this.text;
  }
}

/** Calls `onLine` for each complete line of `stream` (ANSI colour codes removed). */
function eachLine(stream, log, onLine) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    log.append(chunk);
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
      onLine(stripAnsi(line));
    }
  });
  stream.on('end', () => {
    if (pending) onLine(stripAnsi(pending));
    pending = '';
  });
}

function stripAnsi(s) {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------
// SMTP sink

/**
 * Starts scripts/smtp-sink on a free port, storing messages in a new temporary
 * directory. Returns
 *   { port, dir, messages(), waitForMessage(predicate, timeoutMs), stop() }
 * where messages() resolves to the parsed messages in arrival order (see
 * parseEml for their fields).
 */
export async function startSmtpSink({ timeoutMs = 15_000 } = {}) {
  const script = path.join(REPO_ROOT, 'scripts', 'smtp-sink');
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cybernav-mail-'));
    try {
      return await spawnSink(script, port, dir, timeoutMs);
    } catch (err) {
      lastError = err;
      await rm(dir, { recursive: true, force: true });
      if (!/in use|EADDRINUSE|Errno 98/i.test(String(err.message))) break;
    }
  }
  throw lastError;
}

async function spawnSink(script, port, dir, timeoutMs) {
  const child = track(
    spawn(script, ['--port', String(port), '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const log = new OutputLog();
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`smtp-sink was not ready within ${timeoutMs} ms. Output:\n${log.tail()}`));
    }, timeoutMs);
    const done = (fn, value) => {
      clearTimeout(timer);
      fn(value);
    };
    eachLine(child.stdout, log, (line) => {
      if (line.includes(`smtp-sink listening on 127.0.0.1:${port}`)) done(resolve);
    });
    eachLine(child.stderr, log, () => {});
    child.once('error', (err) => done(reject, new Error(`could not start ${script}: ${err.message}`)));
    child.once('exit', (code, signal) =>
      done(reject, new Error(`smtp-sink exited (${code ?? signal}) before it was ready. Output:\n${log.tail()}`)),
    );
  });
  await ready;

  const cache = new Map(); // file name -> parsed message (files never change once renamed in)
  async function messages() {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.eml')).sort();
    const out = [];
    for (const name of names) {
      if (!cache.has(name)) {
        const raw = await readFile(path.join(dir, name));
        cache.set(name, { file: path.join(dir, name), ...parseEml(raw) });
      }
      out.push(cache.get(name));
    }
    return out;
  }

  async function waitForMessage(predicate = () => true, waitMs = 10_000) {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const all = await messages();
      const found = all.find((m) => predicate(m));
      if (found) return found;
      if (Date.now() >= deadline) {
        const seen = all.map((m) => `  - to ${m.to || m.envelopeTo.join(', ')}: ${m.subject}`).join('\n');
        throw new Error(
          `no matching message arrived within ${waitMs} ms; the sink holds ${all.length}` +
            (all.length ? `:\n${seen}` : '') +
            (log.text.trim() ? `\nsmtp-sink output:\n${log.tail(4096)}` : ''),
        );
      }
      await sleep(100);
    }
  }

  async function stop() {
    await terminate(child, 5_000);
    await rm(dir, { recursive: true, force: true });
  }

  return { port, dir, messages, waitForMessage, stop, output: () => log.text };
}

// ---------------------------------------------------------------------------
// Minimal MIME parser

/**
 * Parses an RFC 5322 message (a Buffer of its bytes, or a string that is
 * taken as UTF-8) as stored by scripts/smtp-sink. Returns
 *   { from, to, cc, subject, date, messageId, envelopeFrom, envelopeTo,
 *     headers, text, html, attachments, raw }
 * `headers` maps lower-case names to the decoded value of their last
 * occurrence; `text`/`html` are the first text/plain and text/html parts that
 * are not attachments, transfer-decoded and charset-decoded, with "\n" line
 * ends (null when absent); `attachments` lists the other leaf parts as
 * { filename, contentType, content: Buffer }.
 */
export function parseEml(raw) {
  const bin = Buffer.isBuffer(raw) ? raw.toString('latin1') : Buffer.from(String(raw), 'utf8').toString('latin1');
  const root = parseEntity(bin);
  const result = { text: null, html: null, attachments: [] };
  walk(root, result);
  const h = (name) => {
    const v = root.headers.get(name);
    return v === undefined ? '' : decodeWords(v);
  };
  const headers = {};
  for (const [name, value] of root.headers) headers[name] = decodeWords(value);
  return {
    from: h('from'),
    to: h('to'),
    cc: h('cc'),
    subject: h('subject'),
    date: h('date'),
    messageId: h('message-id'),
    envelopeFrom: h('x-envelope-from'),
    envelopeTo: h('x-envelope-to')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    headers,
    text: result.text,
    html: result.html,
    attachments: result.attachments,
    raw: Buffer.from(bin, 'latin1').toString('utf8'),
  };
}

function parseEntity(bin) {
  const m = /\r?\n\r?\n/.exec(bin);
  const head = m ? bin.slice(0, m.index) : bin;
  const body = m ? bin.slice(m.index + m[0].length) : '';
  const headers = new Map();
  let current = null;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      headers.set(current, `${headers.get(current)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current = line.slice(0, colon).trim().toLowerCase();
    headers.set(current, line.slice(colon + 1).trim());
  }
  const ct = parseParams(headers.get('content-type') || 'text/plain; charset=us-ascii');
  const entity = { headers, type: ct.value.toLowerCase(), params: ct.params, body, parts: [] };
  if (entity.type.startsWith('multipart/') && ct.params.boundary) {
    entity.parts = splitMultipart(body, ct.params.boundary).map(parseEntity);
  }
  return entity;
}

function splitMultipart(body, boundary) {
  const delim = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  const parts = [];
  let current = null;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `${delim}--`) {
      if (current) parts.push(current.join('\r\n'));
      current = null;
      break;
    }
    if (trimmed === delim) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
      continue;
    }
    if (current) current.push(line);
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

/** `type/subtype; a=b; c="d"` -> { value, params } (RFC 2231 continuations not supported). */
function parseParams(header) {
  const params = {};
  const [value, ...rest] = splitOutsideQuotes(header, ';');
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let val = piece.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    params[key] = val;
  }
  return { value: value.trim(), params };
}

function splitOutsideQuotes(s, sep) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

function walk(entity, result) {
  if (entity.parts.length) {
    for (const part of entity.parts) walk(part, result);
    return;
  }
  const bytes = transferDecode(entity.body, entity.headers.get('content-transfer-encoding'));
  const disposition = parseParams(entity.headers.get('content-disposition') || 'inline');
  const isAttachment = disposition.value.toLowerCase() === 'attachment';
  const charset = entity.params.charset || 'utf-8';
  if (!isAttachment && entity.type === 'text/plain' && result.text === null) {
    result.text = decodeCharset(bytes, charset).replace(/\r\n/g, '\n');
  } else if (!isAttachment && entity.type === 'text/html' && result.html === null) {
    result.html = decodeCharset(bytes, charset).replace(/\r\n/g, '\n');
  } else {
    result.attachments.push({
      filename: decodeWords(disposition.params.filename || entity.params.name || ''),
      contentType: entity.type,
      content: bytes,
    });
  }
}

function transferDecode(body, encoding) {
  switch ((encoding || '7bit').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return Buffer.from(body, 'latin1');
  }
}

function decodeQuotedPrintable(s) {
  const unfolded = s.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < unfolded.length; i++) {
    const c = unfolded[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(unfolded.slice(i + 1, i + 3))) {
      bytes.push(parseInt(unfolded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(unfolded.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function decodeCharset(bytes, charset) {
  try {
    return new TextDecoder(charset.trim().toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** Decodes RFC 2047 encoded words (=?charset?B|Q?...?=); other bytes are taken as UTF-8. */
function decodeWords(value) {
  const decoded = value
    // whitespace between two adjacent encoded words is not part of the text
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, text) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : decodeQuotedPrintable(text.replace(/_/g, ' '));
      // re-encode as latin1 so the final UTF-8 pass below leaves it intact
      return Buffer.from(decodeCharset(bytes, charset.replace(/\*.*$/, '')), 'utf8').toString('latin1');
    });
  return Buffer.from(decoded, 'latin1').toString('utf8');
}

/**
 * Sends one message over plain SMTP (no TLS, no AUTH) with node:net.
 * `data` is the whole message (headers, blank line, body); lines may end in
 * "\n" or "\r\n". Resolves with the server's reply to the final ".".
 */
export async function sendSmtp({ port, host = '127.0.0.1', from, to, data, timeoutMs = 10_000 }) {
  const recipients = Array.isArray(to) ? to : [to];
  const socket = net.connect({ port, host });
  socket.setEncoding('utf8');
  let buffer = '';
  const waiters = [];
  const replies = [];
  const deliver = () => {
    while (waiters.length && replies.length) waiters.shift().resolve(replies.shift());
  };
  socket.on('data', (chunk) => {
    buffer += chunk;
    // a reply ends with a line "NNN text" (a hyphen after the code continues it)
    let m;
    while ((m = /^(?:\d{3}-[^\n]*\n)*(\d{3})(?: [^\n]*)?\r?\n/.exec(buffer))) {
      replies.push({ code: Number(m[1]), text: m[0].trim() });
      buffer = buffer.slice(m[0].length);
    }
    deliver();
  });
  const failAll = (err) => {
    while (waiters.length) waiters.shift().reject(err);
  };
  socket.on('error', failAll);
  socket.on('close', () => failAll(new Error('SMTP connection closed')));
  const timer = setTimeout(() => socket.destroy(new Error(`SMTP timed out after ${timeoutMs} ms`)), timeoutMs);
  const reply = () =>
    new Promise((resolve, reject) => {
      waiters.push({ resolve, reject });
      deliver();
    });
  const expect = async (command, okCode) => {
    if (command !== null) socket.write(`${command}\r\n`);
    const r = await reply();
    if (Math.floor(r.code / 100) !== Math.floor(okCode / 100)) {
      throw new Error(`SMTP ${command ?? 'greeting'} -> ${r.text}`);
    }
    return r;
  };
  try {
    await expect(null, 220);
    await expect('EHLO harness.localhost', 250);
    await expect(`MAIL FROM:<${from}>`, 250);
    for (const rcpt of recipients) await expect(`RCPT TO:<${rcpt}>`, 250);
    await expect('DATA', 354);
    const body = data
      .replace(/\r?\n/g, '\r\n')
      .replace(/^\./gm, '..')
      .replace(/(\r\n)?$/, '\r\n');
    const done = await expect(`${body}.`, 250);
    await expect('QUIT', 221);
    return done;
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

// ---------------------------------------------------------------------------
// cybernav server

const LOGIN_LINE = new RegExp(`^\\s+(${DEMO_ROLES.join('|')})\\s+(\\S+@\\S+?)(?:\\s+\\((.*)\\))?\\s*$`);
const SERVING_LINE = /cybernav is serving at (http:\/\/\S+)/;
const PASSWORD_LINE = /Password for every demo login: (\S+)/;

/**
 * Starts `cybernav --data-dir <tmp> serve --demo --bind 127.0.0.1:<port>` and
 * waits until it has printed its URL and demo logins and GET /healthz is 200.
 * Returns { url, port, password, logins: [{role, email, authority?}], dataDir,
 * output(), stop() }. Options: smtpPort (required for mail), bin (default
 * $CYBERNAV_BIN or target/debug/cybernav), env (extra variables), args (extra
 * arguments after `serve --demo --bind ...`), timeoutMs (default 60 s).
 */
export async function startServer({ smtpPort, bin, env = {}, args = [], timeoutMs = 60_000 } = {}) {
  const binary = bin || process.env.CYBERNAV_BIN || path.join(REPO_ROOT, 'target', 'debug', 'cybernav');
  if (!existsSync(binary)) {
    throw new Error(`cybernav binary not found at ${binary}: run \`cargo build -p cybernav\` or set CYBERNAV_BIN`);
  }
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cybernav-data-'));
  const base = `http://127.0.0.1:${port}`;
  const childEnv = {
    ...process.env,
    CYBERNAV_BASE_URL: base,
    CYBERNAV_OUTBOX_POLL_MS: '200',
    RUST_LOG: 'info',
    NO_COLOR: '1',
    ...(smtpPort ? { CYBERNAV_SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } : {}),
    ...env,
  };
  const argv = ['--data-dir', dataDir, 'serve', '--demo', '--bind', `127.0.0.1:${port}`, ...args];
  const child = track(spawn(binary, argv, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
  const log = new OutputLog();

  const state = { url: null, password: null, logins: [], loginsDone: false, lastLoginAt: 0 };
  let failed = null;
  const onLine = (line) => {
    let m;
    if ((m = SERVING_LINE.exec(line))) {
      state.url = state.url || m[1].replace(/\/+$/, '');
    }
    if ((m = PASSWORD_LINE.exec(line)) && state.password === null) {
      state.password = m[1];
      return;
    }
    if (state.password !== null && !state.loginsDone) {
      if ((m = LOGIN_LINE.exec(line))) {
        const login = { role: m[1], email: m[2] };
        if (m[3] !== undefined) login.authority = m[3];
        state.logins.push(login);
        state.lastLoginAt = Date.now();
      } else if (state.logins.length) {
        state.loginsDone = true;
      }
    }
  };
  eachLine(child.stdout, log, onLine);
  eachLine(child.stderr, log, onLine);
  child.once('error', (err) => {
    failed = new Error(`could not start ${binary}: ${err.message}`);
  });
  child.once('exit', (code, signal) => {
    failed = failed || new Error(`cybernav exited (${code ?? signal}) before it was ready`);
  });

  const cleanup = async () => {
    await terminate(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  const fail = async (why) => {
    await cleanup();
    throw new Error(`${why}\ncommand: ${binary} ${argv.join(' ')}\noutput:\n${log.tail()}`);
  };

  // 1. the URL line, the password line and the full list of logins (the list
  //    ends at the first other line, or 300 ms after its last line)
  for (;;) {
    if (failed) return fail(failed.message);
    const loginsComplete =
      state.logins.length > 0 && (state.loginsDone || Date.now() - state.lastLoginAt > 300);
    if (state.url && state.password !== null && loginsComplete) break;
    if (Date.now() >= deadline) {
      const missing = [
        state.url ? null : '"cybernav is serving at URL"',
        state.password !== null ? null : '"Password for every demo login: ..."',
        state.logins.length ? null : 'the demo login lines',
      ].filter(Boolean);
      return fail(`cybernav did not print ${missing.join(', ') || 'its demo logins'} within ${timeoutMs} ms`);
    }
    await sleep(50);
  }
  state.loginsDone = true;

  // 2. GET /healthz -> 200
  let lastProblem = '';
  for (;;) {
    if (failed) return fail(failed.message);
    try {
      const res = await fetch(`${state.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
      lastProblem = `GET /healthz -> ${res.status}`;
    } catch (err) {
      lastProblem = `GET /healthz: ${err.cause?.code || err.message}`;
    }
    if (Date.now() >= deadline) return fail(`cybernav was not healthy within ${timeoutMs} ms (${lastProblem})`);
    await sleep(100);
  }

  return {
    url: state.url,
    port,
    password: state.password,
    logins: state.logins,
    dataDir,
    process: child,
    output: () => log.text,
    /** The first demo login with this role (and, if given, this authority). */
    login(role, authority) {
      const found = state.logins.find((l) => l.role === role && (authority === undefined || l.authority === authority));
      if (!found) throw new Error(`no demo login with role ${role}${authority ? ` for ${authority}` : ''}`);
      return found;
    },
    stop: cleanup,
  };
}

// ---------------------------------------------------------------------------
// Browser

/**
 * Launches Debian's Chromium (headless) through playwright-core and returns the
 * Browser. Use newContext(browser) (or browser.newContext({viewport})) for pages.
 */
export async function launchBrowser({ args = [], ...options } = {}) {
  const { chromium } = await import('playwright-core');
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run scripts/setup (apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    ...options,
  });
}

/** browser.newContext() with DEFAULT_VIEWPORT unless `viewport` is given. */
export function newContext(browser, { viewport = DEFAULT_VIEWPORT, ...options } = {}) {
  return browser.newContext({ viewport, ...options });
}

// ---------------------------------------------------------------------------
// TOTP (RFC 6238)

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (case-insensitive; spaces, hyphens and '=' padding ignored). */
export function base32Decode(input) {
  const clean = input.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = BASE32.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP code for a base32 secret: SHA-1, 30-second step, 6 digits by default. */
export function totp(base32Secret, timeMs = Date.now(), { digits = 6, stepSeconds = 30, algorithm = 'sha1' } = {}) {
  const key = base32Decode(base32Secret);
  const counter = BigInt(Math.floor(timeMs / 1000 / stepSeconds));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

// ---------------------------------------------------------------------------
// Accessibility

export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page and throws an Error
 * listing every violation (id, impact, help, targets). Resolves with the axe
 * results when there are none. Options: exclude (selectors), disableRules (ids).
 * The page must come from a context made with browser.newContext() (or
 * newContext() above): AxeBuilder refuses pages made by browser.newPage().
 */
export async function checkA11y(page, label = page.url(), { exclude = [], disableRules = [] } = {}) {
  const { AxeBuilder } = await import('@axe-core/playwright');
  let builder = new AxeBuilder({ page }).withTags(A11Y_TAGS);
  for (const selector of exclude) builder = builder.exclude(selector);
  if (disableRules.length) builder = builder.disableRules(disableRules);
  const results = await builder.analyze();
  if (results.violations.length) {
    const lines = results.violations.map((v) => {
      const targets = v.nodes.map((n) => `      ${[].concat(n.target).join(' ')}`).join('\n');
      return `  - ${v.id} [${v.impact ?? 'unknown'}]: ${v.help} (${v.helpUrl})\n${targets}`;
    });
    throw new Error(`${label}: ${results.violations.length} accessibility violation(s)\n${lines.join('\n')}`);
  }
  return results;
}

/**
 * A page signed in as the first demo login with `role` on `server` (MFA off), in a new context
 * of `browser`, collecting Content Security Policy reports in `page.cspErrors`.
 */
export async function signInAs(browser, server, role, viewport) {
  const context = await newContext(browser, viewport ? { viewport } : {});
  const page = await context.newPage();
  page.cspErrors = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) page.cspErrors.push(msg.text());
  });
  await page.goto(`${server.url}/login`);
  await page.fill('#email', server.login(role).email);
  await page.fill('#password', server.password);
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('main button[type=submit]')]);
  return page;
}
