// The citizen login, end to end, against a real OpenID provider (oidc-provider configured as
// FranceConnect), without a browser: authorisation request, login and consent at the
// provider, callback, session, claims, logout at both ends; and every bad input the issue
// lists (replayed callback, reused code, forged or foreign state, cancelled login, logout
// without CSRF token, session fixation), each refused and audited.
// OIDC_ALG=RS256 runs it with RSA signatures (default ES256).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProvider } from './provider.mjs';
import { Agent, Parcours, freePort, hiddenInput } from './harness.mjs';

const alg = process.env.OIDC_ALG || 'ES256';
let op;
let app;
let base;

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  op = await startProvider({
    redirectUris: [`${base}/auth/oidc/franceconnect/callback`, `${base}/auth/oidc/proconnect/callback`],
    postLogoutRedirectUris: [`${base}/deconnexion/fin`],
    alg,
  });
  app = new Parcours(port, {
    PARCOURS_OIDC_PROVIDERS: 'franceconnect,proconnect',
    PARCOURS_OIDC_FRANCECONNECT_ISSUER: op.issuer,
    PARCOURS_OIDC_FRANCECONNECT_CLIENT_ID: op.client.client_id,
    PARCOURS_OIDC_FRANCECONNECT_CLIENT_SECRET: op.client.client_secret,
    PARCOURS_OIDC_FRANCECONNECT_LABEL: 'FranceConnect',
    // The same provider stands in for ProConnect: agents of the CAF, no acr required.
    PARCOURS_OIDC_PROCONNECT_ISSUER: op.issuer,
    PARCOURS_OIDC_PROCONNECT_CLIENT_ID: op.client.client_id,
    PARCOURS_OIDC_PROCONNECT_CLIENT_SECRET: op.client.client_secret,
    PARCOURS_OIDC_PROCONNECT_LABEL: 'ProConnect',
    PARCOURS_OIDC_PROCONNECT_ROLE: 'agent',
    PARCOURS_OIDC_PROCONNECT_ORGANISATION: 'caf',
    PARCOURS_OIDC_PROCONNECT_SCOPES: 'openid given_name family_name email',
  });
  await app.start();
});

after(async () => {
  if (app) await app.stop();
  if (op) await op.stop();
});

// Runs the flow up to the provider's redirect back; returns the callback URL (not yet called).
async function toCallback(agent, account = 'camille', provider = 'franceconnect') {
  const start = await agent.get(`${base}/auth/oidc/${provider}/start?retour=/compte`);
  assert.equal(start.status, 302, start.text);
  const form = await agent.follow(start.location, base);
  assert.equal(form.status, 200, form.text);
  const action = form.text.match(/action="([^"]+)"/)[1];
  const posted = await agent.post(new URL(action, form.url).toString(), { login: account });
  assert.equal(posted.status, 303, posted.text);
  const back = await agent.follow(posted.location, base);
  assert.ok(back.stoppedAt, `the provider did not redirect back: ${back.status} ${back.text}`);
  return back.stoppedAt;
}

async function me(agent) {
  const r = await agent.get(`${base}/api/v1/auth/me`);
  return { status: r.status, body: r.status === 200 ? JSON.parse(r.text) : null };
}

test('the authorisation request follows the FranceConnect profile', async () => {
  const agent = new Agent();
  const start = await agent.get(`${base}/auth/oidc/franceconnect/start`);
  assert.equal(start.status, 302);
  const url = new URL(start.location);
  assert.equal(url.origin, op.issuer);
  const q = url.searchParams;
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('client_id'), op.client.client_id);
  assert.equal(q.get('redirect_uri'), `${base}/auth/oidc/franceconnect/callback`);
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(q.get('acr_values'), 'eidas1');
  assert.ok(q.get('state').length >= 40 && q.get('nonce').length >= 40);
  assert.deepEqual(q.get('scope').split(' ').sort(),
    ['birthcountry', 'birthdate', 'birthplace', 'email', 'family_name', 'gender', 'given_name', 'openid']);
  const flowCookie = start.setCookies.find((c) => c.startsWith('parcours_oidc='));
  assert.match(flowCookie, /HttpOnly/);
  assert.match(flowCookie, /SameSite=Lax/);
});

let firstCallback;

test('the code flow logs the person in with verified claims', async () => {
  const agent = new Agent();
  // Fixation attempt: a session id planted before login must not become the session.
  const planted = 'A'.repeat(43);
  agent.cookies(base).set('parcours_session', planted);
  firstCallback = await toCallback(agent);
  const cb = new URL(firstCallback);
  assert.ok(cb.searchParams.get('code'));
  assert.equal(cb.searchParams.get('iss'), op.issuer);
  const r = await agent.get(firstCallback);
  assert.equal(r.status, 303, r.text);
  assert.equal(new URL(r.location).pathname, '/compte');
  const session = r.setCookies.find((c) => c.startsWith('parcours_session=') && !/Max-Age=0/.test(c));
  assert.ok(session, r.setCookies.join('\n'));
  assert.match(session, /; HttpOnly/);
  assert.match(session, /; SameSite=Lax/);
  assert.doesNotMatch(session, /Secure/);  // plain HTTP here; Secure behind TLS (unit-tested)
  assert.notEqual(agent.cookies(base).get('parcours_session'), planted);

  const who = await me(agent);
  assert.equal(who.status, 200);
  assert.equal(who.body.provider, 'franceconnect');
  assert.equal(who.body.acr, 'eidas1');
  assert.equal(who.body.display_name, 'Camille Marie Martin');
  assert.deepEqual(who.body.roles, [{ role: 'usager', organisation_id: '' }]);
  assert.match(who.body.person_id, /^[0-9a-f-]{36}$/);

  // The identity claims are in the vault, verified, with provenance FranceConnect; no value of
  // the claims stays in clear in auth's own tables.
  const rows = app.query(`SELECT provenance_kind, verification FROM vault_attributes WHERE person_id = '${who.body.person_id}'`);
  assert.ok(rows.length >= 5, JSON.stringify(rows));
  for (const [provenance, verification] of rows) {
    assert.equal(provenance, 'franceconnect');
    assert.equal(verification, 'verified');
  }
  assert.deepEqual(app.query("SELECT claims FROM auth_identities WHERE provider = 'franceconnect'").flat().filter((c) => c !== '{}'), []);

  const account = await agent.get(`${base}/compte`);
  assert.equal(account.status, 200);
  assert.match(account.text, /Camille Marie Martin/);
  // Security headers on an authenticated page.
  assert.equal(account.headers.get('x-frame-options'), 'DENY');
  assert.equal(account.headers.get('x-content-type-options'), 'nosniff');
  assert.match(account.headers.get('content-security-policy'), /default-src 'self'.*frame-ancestors 'none'/);
  assert.equal(account.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');

  // A usager is refused the admin API (403 problem) and an agent's page in HTML.
  const admin = await agent.get(`${base}/api/v1/admin/organisations/caf/api-keys`);
  assert.equal(admin.status, 403);
  assert.match(admin.headers.get('content-type'), /problem\+json/);

  const planter = new Agent();
  planter.cookies(base).set('parcours_session', planted);
  assert.equal((await me(planter)).status, 401);
});

test('a replayed callback is refused', async () => {
  const agent = new Agent();
  const r = await agent.get(firstCallback);
  assert.equal(r.status, 401);
  assert.equal((await me(agent)).status, 401);
});

test('a callback started in another browser is refused', async () => {
  const victim = new Agent();
  const callback = await toCallback(victim);
  const attacker = new Agent();
  const r = await attacker.get(callback);
  assert.equal(r.status, 401);
  assert.match(r.text, /navigateur/);
  // The flow is consumed: the right browser cannot use it afterwards either.
  assert.equal((await victim.get(callback)).status, 401);
});

test('a reused authorisation code is refused by the provider and by Parcours', async () => {
  const agent = new Agent();
  const callback = new URL(await toCallback(agent));
  callback.searchParams.set('code', new URL(firstCallback).searchParams.get('code'));
  const r = await agent.get(callback.toString());
  assert.equal(r.status, 401, r.text);
  assert.equal((await me(agent)).status, 401);
});

test('a forged state and a cancelled login are refused', async () => {
  const agent = new Agent();
  const forged = await agent.get(`${base}/auth/oidc/franceconnect/callback?state=${'x'.repeat(43)}&code=abc`);
  assert.equal(forged.status, 401);
  const start = await agent.get(`${base}/auth/oidc/franceconnect/start`);
  const state = new URL(start.location).searchParams.get('state');
  const cancelled = await agent.get(`${base}/auth/oidc/franceconnect/callback?state=${state}&error=access_denied`);
  assert.equal(cancelled.status, 401);
  assert.match(cancelled.text, /La connexion n&#39;a pas abouti|La connexion n'a pas abouti/);
  // In English, the provider's refusal is worded in English too.
  const english = await agent.get(`${base}/auth/oidc/franceconnect/start?lang=en`);
  const englishState = new URL(english.location).searchParams.get('state');
  const cancelledEn = await agent.get(
    `${base}/auth/oidc/franceconnect/callback?state=${englishState}&error=access_denied&lang=en`);
  assert.equal(cancelledEn.status, 401);
  assert.match(cancelledEn.text, /The login did not succeed\. The identity provider did not authenticate you\./);
  assert.doesNotMatch(cancelledEn.text, /fournisseur/);
  const unknown = await agent.get(`${base}/auth/oidc/nope/start`);
  assert.equal(unknown.status, 404);
});

test('logout needs the CSRF token, then ends the session here and at the provider', async () => {
  const agent = new Agent();
  assert.equal((await agent.get(await toCallback(agent))).status, 303);
  const noToken = await agent.post(`${base}/deconnexion`, {});
  assert.equal(noToken.status, 403);
  assert.match(noToken.text, /auth\.csrf_invalid/);
  const wrongToken = await agent.post(`${base}/deconnexion`, { csrf_token: 'x'.repeat(43) });
  assert.equal(wrongToken.status, 403);
  assert.equal((await me(agent)).status, 200);

  const page = await agent.get(`${base}/compte`);
  assert.match(page.headers.get('content-security-policy'), new RegExp(`form-action 'self' ${op.issuer}`));
  const token = hiddenInput(page.text, 'csrf_token');
  const out = await agent.post(`${base}/deconnexion`, { csrf_token: token });
  assert.equal(out.status, 303);
  const endSession = new URL(out.location);
  assert.equal(endSession.origin + endSession.pathname, `${op.issuer}/session/end`);
  assert.ok(endSession.searchParams.get('id_token_hint').split('.').length === 3);
  assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${base}/deconnexion/fin`);
  assert.ok(endSession.searchParams.get('state'));
  assert.equal((await me(agent)).status, 401);

  // The provider asks for confirmation, then returns to Parcours.
  const confirm = await agent.get(out.location);
  assert.equal(confirm.status, 200, confirm.text);
  const action = confirm.text.match(/action="([^"]+)"/)[1];
  const xsrf = hiddenInput(confirm.text, 'xsrf');
  const done = await agent.post(new URL(action, out.location).toString(), { xsrf, logout: 'yes' });
  assert.equal(done.status, 303, done.text);
  assert.ok(done.location.startsWith(`${base}/deconnexion/fin`), done.location);
  const fin = await agent.get(done.location);
  assert.equal(fin.status, 200);
});

test('another provider configured for agents gives the agent role in its organisation', async () => {
  const agent = new Agent();
  const callback = await toCallback(agent, 'karim', 'proconnect');
  assert.equal(new URL(callback).pathname, '/auth/oidc/proconnect/callback');
  assert.equal((await agent.get(callback)).status, 303);
  const who = await me(agent);
  assert.equal(who.body.provider, 'proconnect');
  assert.deepEqual(who.body.roles, [{ role: 'agent', organisation_id: 'caf' }]);
  assert.equal(who.body.person_id, undefined);
  // The agent's page refusals are HTML for a browser.
  const refused = await agent.get(`${base}/api/v1/admin/organisations/caf/api-keys`, { headers: { accept: 'text/html' } });
  assert.equal(refused.status, 403);
});

test('every login, failure and refusal is in the audit log', () => {
  const events = app.authEvents();
  const count = (t) => events.filter((e) => e === `fr.parcours.auth.${t}`).length;
  assert.ok(count('login.succeeded') >= 2, events.join('\n'));
  assert.ok(count('login.failed') >= 6, events.join('\n'));
  assert.equal(count('csrf.rejected'), 2);
  assert.ok(count('access.denied') >= 2, events.join('\n'));
  assert.ok(count('logout') >= 1);
});
