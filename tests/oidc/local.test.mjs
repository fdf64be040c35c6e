// Logins without an external provider, through the real binary: the demo login (only with
// PARCOURS_DEMO=1, clearly marked) reaching each role's account page, local agent accounts
// refused without the form's CSRF token, and brute force answered 429 and audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, Parcours, freePort, hiddenInput } from './harness.mjs';

let demo;
let production;

before(async () => {
  demo = new Parcours(await freePort(), { PARCOURS_DEMO: '1' });
  production = new Parcours(await freePort(), {});
  await Promise.all([demo.start(), production.start()]);
});

after(async () => {
  await Promise.all([demo?.stop(), production?.stop()]);
});

const roles = {
  usager: 'Usager', aidant: 'Aidant', agent: 'Agent', pilote: 'Pilote', admin: 'Administrateur', integrateur: 'Intégrateur',
};

test('the demo login is clearly marked and lets a new user reach each role', async () => {
  for (const [role, label] of Object.entries(roles)) {
    const agent = new Agent();
    const login = await agent.get(`${demo.baseUrl}/connexion`);
    assert.equal(login.status, 200);
    assert.match(login.text, /Mode démonstration/);
    const csrf = hiddenInput(login.text, 'csrf_token');
    const r = await agent.post(`${demo.baseUrl}/connexion/demo`, { csrf_token: csrf, role });
    assert.equal(r.status, 303, `${role}: ${r.text}`);
    const account = await agent.get(`${demo.baseUrl}/compte`);
    assert.equal(account.status, 200);
    assert.match(account.text, new RegExp(label));
    assert.match(account.text, /mode démonstration/);
    const me = JSON.parse((await agent.get(`${demo.baseUrl}/api/v1/auth/me`)).text);
    assert.equal(me.roles[0].role, role);
    assert.equal(me.demo, true);
  }
});

test('without demo mode there is no demo login', async () => {
  const agent = new Agent();
  const login = await agent.get(`${production.baseUrl}/connexion`);
  assert.doesNotMatch(login.text, /Mode démonstration/);
  const csrf = hiddenInput(login.text, 'csrf_token');
  const r = await agent.post(`${production.baseUrl}/connexion/demo`, { csrf_token: csrf, role: 'admin' });
  assert.equal(r.status, 403);
  assert.equal((await agent.get(`${production.baseUrl}/api/v1/auth/me`)).status, 401);
});

test('login forms need their CSRF token', async () => {
  const agent = new Agent();
  await agent.get(`${demo.baseUrl}/connexion`);
  const r = await agent.post(`${demo.baseUrl}/connexion/demo`, { role: 'admin' });
  assert.equal(r.status, 403);
  assert.match(r.text, /auth\.csrf_invalid/);
  const stranger = new Agent();  // a cross-site form: no pre-session cookie, no token
  assert.equal((await stranger.post(`${demo.baseUrl}/connexion/agent`, { username: 'a', password: 'b' })).status, 403);
});

test('brute force on the agent login is answered 429 and audited', async () => {
  const agent = new Agent();
  const csrf = hiddenInput((await agent.get(`${production.baseUrl}/connexion`)).text, 'csrf_token');
  const before = production.authEvents().length;
  const statuses = [];
  for (let i = 0; i < 12; i++) {
    const r = await agent.post(`${production.baseUrl}/connexion/agent`,
      { csrf_token: csrf, username: `agent${i}`, password: 'devine-moi-si-tu-peux' });
    statuses.push(r.status);
  }
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
  assert.deepEqual(statuses.slice(10), [429, 429]);
  const events = production.authEvents().slice(before);
  assert.equal(events.filter((e) => e === 'fr.parcours.auth.login.failed').length, 10);
  assert.equal(events.filter((e) => e === 'fr.parcours.auth.login.rate_limited').length, 2);
});
