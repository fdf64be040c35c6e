// A real OpenID Connect provider (oidc-provider from npm) configured as FranceConnect is for
// its service providers: authorisation code flow only, PKCE S256 required, acr eidas1, the
// FranceConnect identity claims as scopes, signed ID tokens and signed userinfo (ES256 or
// RS256), RP-initiated logout. Login is a minimal form (any known test account, no password)
// and consent is granted automatically, so a test can drive the flow headlessly or in Chromium.
//
//   import { startProvider } from './provider.mjs';
//   const op = await startProvider({ redirectUris: [...], postLogoutRedirectUris: [...] });
//   op.issuer; op.client; await op.stop();
//
// Run directly (`node provider.mjs <redirect_uri> <post_logout_uri>`) it prints its issuer and
// client as one JSON line and serves until killed. Listens on 127.0.0.1 only.
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

// Test people, with the claims FranceConnect returns.
export const accounts = {
  camille: {
    given_name: 'Camille Marie', family_name: 'Martin', birthdate: '1995-03-14',
    birthplace: '33063', birthcountry: '99100', gender: 'female', email: 'camille.martin@example.org',
  },
  karim: {
    given_name: 'Karim', family_name: 'Benali', birthdate: '1981-06-02',
    birthplace: '59350', birthcountry: '99100', gender: 'male', email: 'karim.benali@example.org',
  },
};

const identityClaims = ['given_name', 'family_name', 'birthdate', 'birthplace', 'birthcountry', 'gender', 'email'];

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return [
    { ...ec, kid: 'es256-1', alg: 'ES256', use: 'sig' },
    { ...rsa, kid: 'rs256-1', alg: 'RS256', use: 'sig' },
  ];
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Fournisseur d'identité de test</title></head>
<body><main><h1>Fournisseur d'identité de test</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Identifiant</label> <input id="login" name="login" autocomplete="username">
<button type="submit">Se connecter</button>
</form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) break;
  }
  return new URLSearchParams(body);
}

export async function startProvider({
  redirectUris, postLogoutRedirectUris, alg = 'ES256', clientId = 'parcours-test',
  clientSecret = randomBytes(24).toString('hex'),
} = {}) {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const client = {
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: alg,
    userinfo_signed_response_alg: alg,
  };
  const claims = { openid: ['sub'] };
  for (const c of identityClaims) claims[c] = [c];
  const provider = new Provider(issuer, {
    clients: [client],
    jwks: { keys: signingKeys() },
    claims,
    scopes: ['openid', ...identityClaims],
    acrValues: ['eidas1', 'eidas2', 'eidas3'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    async findAccount(ctx, sub) {
      const person = accounts[sub];
      if (!person) return undefined;
      return { accountId: sub, async claims() { return { sub, ...person }; } };
    },
  });
  provider.proxy = false;

  // Interactions: a login form for any known account, then automatic consent.
  provider.use(async (ctx, next) => {
    const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (!match) return next();
    const uid = match[1];
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session } = details;
    let result;
    if (prompt.name === 'login') {
      if (ctx.method !== 'POST' || !match[2]) {
        ctx.type = 'html';
        ctx.body = loginPage(uid);
        return undefined;
      }
      const login = (await readForm(ctx.req)).get('login') || '';
      if (!accounts[login]) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = loginPage(uid, 'Compte inconnu');
        return undefined;
      }
      result = { login: { accountId: login, acr: 'eidas1', amr: ['pwd'] } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      result = { consent: { grantId: await grant.save() } };
    }
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(redirectTo);
    return undefined;
  });

  server.on('request', provider.callback());
  return {
    issuer,
    client,
    provider,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const [redirect, postLogout] = process.argv.slice(2);
  const op = await startProvider({ redirectUris: [redirect], postLogoutRedirectUris: [postLogout] });
  process.stdout.write(`${JSON.stringify({ issuer: op.issuer, client_id: op.client.client_id, client_secret: op.client.client_secret })}\n`);
}
