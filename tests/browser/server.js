// Starts the real `parcours serve` for browser tests, as tests/harness does for C++ suites:
// a temporary folder with a SQLite database and a secret key, `--port 0 --port-file`, a wait
// for GET /readyz, and a stop by PID (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const sourceDir = process.env.PARCOURS_SOURCE_DIR || resolve(here, '..', '..');
export const binary = process.env.PARCOURS_BIN || join(sourceDir, 'build', 'src', 'app', 'parcours');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class ParcoursServer {
  // `env`: extra PARCOURS_* variables (they override the defaults).
  constructor({ env = {}, readyTimeoutMs = 30000 } = {}) {
    this.dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'parcours-browser-'));
    writeFileSync(join(this.dir, 'secret.key'), randomBytes(32).toString('hex') + '\n');
    this.env = {
      PARCOURS_DATABASE: `sqlite:${join(this.dir, 'parcours.db')}`,
      PARCOURS_WEB_DIR: join(sourceDir, 'web'),
      PARCOURS_CATALOG_DIR: join(sourceDir, 'catalog'),
      PARCOURS_SECRET_KEY_FILE: join(this.dir, 'secret.key'),
      PARCOURS_THREADS: '2',
      PARCOURS_LOG_LEVEL: 'warn',
      ...env,
    };
    this.readyTimeoutMs = readyTimeoutMs;
    this.child = null;
    this.baseUrl = '';
  }

  stderr() {
    const path = join(this.dir, 'stderr');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  async start() {
    if (!existsSync(binary)) throw new Error(`parcours binary not found at ${binary} (set PARCOURS_BIN)`);
    const portFile = join(this.dir, 'port');
    const cleanEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('PARCOURS_')));
    const err = openSync(join(this.dir, 'stderr'), 'a');
    this.child = spawn(binary, ['serve', '--port', '0', '--port-file', portFile], {
      cwd: this.dir,
      env: { ...cleanEnv, ...this.env },
      stdio: ['ignore', 'ignore', err],
    });
    let exited = null;
    this.child.on('exit', (code, signal) => { exited = { code, signal }; });
    const deadline = Date.now() + this.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (exited) break;
      if (!this.baseUrl && existsSync(portFile)) {
        const port = parseInt(readFileSync(portFile, 'utf8'), 10);
        if (port > 0) this.baseUrl = `http://127.0.0.1:${port}`;
      }
      if (this.baseUrl) {
        try {
          const r = await fetch(`${this.baseUrl}/readyz`);
          if (r.status === 200) return this;
        } catch { /* not accepting yet */ }
      }
      await sleep(25);
    }
    await this.stop();
    throw new Error(`parcours did not become ready (${JSON.stringify(exited)}):\n${this.stderr()}`);
  }

  // SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or signal name).
  async stop(graceMs = 15000) {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = null;
      return child ? (child.exitCode ?? child.signalCode) : null;
    }
    const done = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const result = await done;
    clearTimeout(timer);
    this.child = null;
    return result;
  }

  cleanup() {
    if (!process.env.PARCOURS_KEEP_TEST_DIR) rmSync(this.dir, { recursive: true, force: true });
  }
}
