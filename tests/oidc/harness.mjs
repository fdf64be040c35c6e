// Test plumbing for the OIDC suites: the real `parcours serve` on a chosen free loopback port
// (its OIDC redirect URIs must be known before it starts, so `--port 0` cannot be used), a
// cookie-keeping HTTP client that does not follow redirects, and the audit events read back
// from the SQLite file. Servers are stopped by PID.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const sourceDir = process.env.PARCOURS_SOURCE_DIR || resolve(here, '..', '..');
export const binary = process.env.PARCOURS_BIN || join(sourceDir, 'build', 'src', 'app', 'parcours');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

export class Parcours {
  constructor(port, env) {
    this.port = port;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'parcours-oidc-'));
    this.db = join(this.dir, 'parcours.db');
    writeFileSync(join(this.dir, 'secret.key'), `${randomBytes(32).toString('hex')}\n`);
    this.env = {
      PARCOURS_DATABASE: `sqlite:${this.db}`,
      PARCOURS_WEB_DIR: join(sourceDir, 'web'),
      PARCOURS_CATALOG_DIR: join(sourceDir, 'catalog'),
      PARCOURS_SECRET_KEY_FILE: join(this.dir, 'secret.key'),
      PARCOURS_THREADS: '2',
      PARCOURS_LOG_LEVEL: 'warn',
      PARCOURS_LISTEN: `127.0.0.1:${port}`,
      PARCOURS_BASE_URL: this.baseUrl,
      ...env,
    };
  }

  stderr() {
    const path = join(this.dir, 'stderr');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  async start() {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARCOURS_')));
    const err = openSync(join(this.dir, 'stderr'), 'a');
    this.child = spawn(binary, ['serve'], { cwd: this.dir, env: { ...clean, ...this.env }, stdio: ['ignore', 'ignore', err] });
    let exited = null;
    this.child.on('exit', (code, signal) => { exited = { code, signal }; });
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline && !exited) {
      try {
        if ((await fetch(`${this.baseUrl}/readyz`)).status === 200) return this;
      } catch { /* not listening yet */ }
      await sleep(25);
    }
    await this.stop();
    throw new Error(`parcours did not become ready (${JSON.stringify(exited)}):\n${this.stderr()}`);
  }

  async stop() {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, 15000);
      await done;
      clearTimeout(timer);
    }
    if (!process.env.PARCOURS_KEEP_TEST_DIR) rmSync(this.dir, { recursive: true, force: true });
  }

  // Runs one read-only SQL query on the node's SQLite file; returns rows as arrays of strings.
  query(sql) {
    const out = execFileSync('sqlite3', ['-separator', '\t', this.db, sql], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map((line) => line.split('\t'));
  }

  // The audit event types of module auth, oldest first (read with Debian's sqlite3).
  authEvents() {
    const out = execFileSync('sqlite3', [this.db, "SELECT type FROM events WHERE type LIKE 'fr.parcours.auth.%' ORDER BY id"], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean);
  }
}

// An HTTP client keeping cookies per origin, like a browser, never following redirects.
export class Agent {
  constructor() { this.jar = new Map(); }

  cookies(origin) {
    if (!this.jar.has(origin)) this.jar.set(origin, new Map());
    return this.jar.get(origin);
  }

  async request(url, { method = 'GET', form, headers = {} } = {}) {
    const u = new URL(url);
    const jar = this.cookies(u.origin);
    const h = { ...headers };
    if (jar.size) h.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      h['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, { method, headers: h, body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') jar.delete(name); else jar.set(name, value);
    }
    const text = await res.text();
    const location = res.headers.get('location');
    return { status: res.status, headers: res.headers, setCookies, text,
      location: location ? new URL(location, url).toString() : null };
  }

  get(url, opts) { return this.request(url, opts); }
  post(url, form, opts = {}) { return this.request(url, { ...opts, method: 'POST', form }); }

  // Follows redirects (GET) until a non-redirect answer or a URL starting with `stopAt`.
  async follow(url, stopAt) {
    let current = url;
    for (let i = 0; i < 20; i++) {
      if (stopAt && current.startsWith(stopAt)) return { stoppedAt: current };
      const r = await this.get(current);
      if (r.status < 300 || r.status >= 400 || !r.location) return { ...r, url: current };
      current = r.location;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

// The value of the hidden input `name` in an HTML page.
export function hiddenInput(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1] : null;
}
