#!/usr/bin/env node
// A small, real OpenID Connect provider for Talentflyt's end-to-end tests.
//
// Built on the `oidc-provider` package (a certified OP implementation) with an
// in-memory store and a minimal interaction flow of our own:
//   * any login name X with any non-empty password signs in as sub X, with the
//     claims email "X@ous.example", email_verified true, name "X";
//   * one confidential client: id "talentflyt", secret "talentflyt-secret".
//
// Environment (all optional):
//   OIDC_PORT                   port to listen on (default 9400)
//   OIDC_HOST                   address to listen on (default 127.0.0.1)
//   OIDC_ISSUER                 issuer URL (default http://127.0.0.1:$OIDC_PORT)
//   OIDC_REDIRECT_URIS          comma/space separated redirect URIs
//                               (default http://127.0.0.1:8181/auth/oidc/callback)
//   OIDC_POST_LOGOUT_REDIRECT_URIS  comma/space separated (default: origin of each
//                               redirect URI + "/", and + "/login")
//   OIDC_CLIENT_ID              (default talentflyt)
//   OIDC_CLIENT_SECRET          (default talentflyt-secret)
//   OIDC_CLIENT_AUTH_METHOD     token endpoint auth method (default client_secret_basic;
//                               client_secret_post also works)
//   OIDC_REQUIRE_PKCE           "1" (default) requires PKCE (S256) on every authorization
//                               request; "0" makes it optional for the confidential client
//   OIDC_EMAIL_DOMAIN           (default ous.example)
//   OIDC_AUTO_CONSENT           "1" skips the consent page (default "0": consent is asked)
//
// Run: node oidc-provider.mjs   then   curl http://127.0.0.1:9400/.well-known/openid-configuration

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Provider, errors } from 'oidc-provider';

const env = process.env;
const PORT = Number.parseInt(env.OIDC_PORT || '9400', 10);
const HOST = env.OIDC_HOST || '127.0.0.1';
const ISSUER = (env.OIDC_ISSUER || `http://127.0.0.1:${PORT}`).replace(/\/+$/, '');
const CLIENT_ID = env.OIDC_CLIENT_ID || 'talentflyt';
const CLIENT_SECRET = env.OIDC_CLIENT_SECRET || 'talentflyt-secret';
const AUTH_METHOD = env.OIDC_CLIENT_AUTH_METHOD || 'client_secret_basic';
const REQUIRE_PKCE = (env.OIDC_REQUIRE_PKCE ?? '1') !== '0';
const AUTO_CONSENT = (env.OIDC_AUTO_CONSENT ?? '0') === '1';
const EMAIL_DOMAIN = env.OIDC_EMAIL_DOMAIN || 'ous.example';

const splitList = (s) => (s || '').split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

const REDIRECT_URIS = splitList(env.OIDC_REDIRECT_URIS || 'http://127.0.0.1:8181/auth/oidc/callback');
const POST_LOGOUT_REDIRECT_URIS = env.OIDC_POST_LOGOUT_REDIRECT_URIS
  ? splitList(env.OIDC_POST_LOGOUT_REDIRECT_URIS)
  : [...new Set(REDIRECT_URIS.flatMap((u) => {
    const { origin } = new URL(u);
    return [`${origin}/`, `${origin}/login`];
  }))];

// A fresh RS256 signing key each start: tokens only need to live as long as a test run.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'e2e-rs256' };

function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Test identity provider</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { display: block; width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
  button { margin-top: 1.25rem; padding: .5rem 1rem; font-size: 1rem; }
  .error { color: #a00; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

// In-memory "directory": any login name is an account.
const Account = {
  claimsFor(id) {
    return {
      sub: id,
      email: `${id}@${EMAIL_DOMAIN}`,
      email_verified: true,
      name: id,
      preferred_username: id,
    };
  },
  async findAccount(_ctx, id) {
    if (!id) return undefined;
    return {
      accountId: id,
      async claims() {
        return Account.claimsFor(id);
      },
    };
  },
};

const configuration = {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    client_name: 'Talentflyt',
    redirect_uris: REDIRECT_URIS,
    post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: AUTH_METHOD,
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  // Put the scope-requested claims (email, name) into the ID token too, not only
  // into the userinfo response: the app matches staff users by the ID token's
  // email claim.
  conformIdTokenClaims: false,
  pkce: {
    required: () => REQUIRE_PKCE,
  },
  findAccount: Account.findAccount,
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    revocation: { enabled: true },
  },
  interactions: {
    url(_ctx, interaction) {
      return `/interaction/${interaction.uid}`;
    },
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 600,
    IdToken: 3600,
    Interaction: 3600,
    Session: 86400,
    Grant: 86400,
    RefreshToken: 86400,
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<dl>${Object.entries(out)
      .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd class="error">${escapeHtml(v)}</dd>`)
      .join('')}</dl>`);
  },
};

const provider = new Provider(ISSUER, configuration);
// Plain http on 127.0.0.1 is what we want in tests; nothing sits in front of us.
provider.proxy = false;

provider.on('server_error', (_ctx, err) => console.error('[oidc] server_error', err));
provider.on('authorization.error', (_ctx, err) => console.error('[oidc] authorization.error', err.message, err.error_description || ''));
provider.on('grant.error', (_ctx, err) => console.error('[oidc] grant.error', err.message, err.error_description || ''));
provider.on('grant.success', () => console.log('[oidc] token issued'));
provider.on('interaction.ended', () => console.log('[oidc] interaction ended'));

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function loginForm(uid, { login = '', error = '' } = {}) {
  return page('Sign in', `
<p>Test identity provider: any user name and any password will do.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label for="login">Username</label>
  <input id="login" name="login" type="text" required autofocus value="${escapeHtml(login)}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" required>
  <button type="submit">Sign in</button>
</form>
<p><a href="/interaction/${escapeHtml(uid)}/abort">Cancel</a></p>`);
}

function consentForm(uid, client, details) {
  const scopes = (details.missingOIDCScope || []).filter((s) => s !== 'openid');
  return page('Allow access', `
<p><strong>${escapeHtml(client?.clientName || client?.clientId || 'The application')}</strong> asks to sign you in${scopes.length ? ' and read:' : '.'}</p>
${scopes.length ? `<ul>${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm">
  <button type="submit">Allow</button>
</form>
<p><a href="/interaction/${escapeHtml(uid)}/abort">Deny</a></p>`);
}

async function grantConsent(interaction) {
  const { prompt: { details }, params, session } = interaction;
  let { grantId } = interaction;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  if (details.missingResourceScopes) {
    for (const [indicator, scope] of Object.entries(details.missingResourceScopes)) {
      grant.addResourceScope(indicator, scope.join(' '));
    }
  }
  grantId = await grant.save();
  return { consent: { grantId } };
}

// The interaction routes (login + consent), mounted in front of the provider's own routes.
provider.use(async (ctx, next) => {
  const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(ctx.path);
  if (!m) return next();
  const [, uid, action] = m;
  ctx.set('Cache-Control', 'no-store');
  try {
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    if (interaction.uid !== uid) throw new errors.SessionNotFound('interaction uid mismatch');
    const { prompt, params } = interaction;

    if (!action && ctx.method === 'GET') {
      if (prompt.name === 'login') {
        ctx.type = 'html';
        ctx.body = loginForm(uid, { login: params.login_hint || '' });
        return undefined;
      }
      if (prompt.name === 'consent') {
        if (AUTO_CONSENT) {
          ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, await grantConsent(interaction), { mergeWithLastSubmission: true }));
          return undefined;
        }
        const client = await provider.Client.find(params.client_id);
        ctx.type = 'html';
        ctx.body = consentForm(uid, client, prompt.details);
        return undefined;
      }
      ctx.status = 501;
      ctx.body = `prompt ${prompt.name} not supported`;
      return undefined;
    }

    if (action === 'login' && ctx.method === 'POST') {
      const form = await readForm(ctx.req);
      const login = (form.login || '').trim();
      if (!login || !form.password || !/^[A-Za-z0-9._-]{1,64}$/.test(login)) {
        ctx.type = 'html';
        ctx.status = 400;
        ctx.body = loginForm(uid, { login, error: 'Enter a user name (letters, digits, . _ -) and a password.' });
        return undefined;
      }
      console.log(`[oidc] login ${login}`);
      ctx.status = 303;
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: login } }, { mergeWithLastSubmission: false }));
      return undefined;
    }

    if (action === 'confirm' && ctx.method === 'POST') {
      await readForm(ctx.req);
      ctx.status = 303;
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, await grantConsent(interaction), { mergeWithLastSubmission: true }));
      return undefined;
    }

    if (action === 'abort' && ctx.method === 'GET') {
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, {
        error: 'access_denied',
        error_description: 'End-User aborted interaction',
      }, { mergeWithLastSubmission: false }));
      return undefined;
    }

    ctx.status = 405;
    ctx.body = 'method not allowed';
    return undefined;
  } catch (err) {
    console.error('[oidc] interaction error', err.message);
    ctx.status = err.statusCode || 400;
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<p class="error">${escapeHtml(err.error_description || err.message)}</p>`);
    return undefined;
  }
});

const server = provider.listen(PORT, HOST, () => {
  console.log(`[oidc] issuer ${ISSUER} listening on http://${HOST}:${PORT}`);
  console.log(`[oidc] client ${CLIENT_ID} (${AUTH_METHOD}) redirect_uris ${REDIRECT_URIS.join(' ')}`);
});

function shutdown(signal) {
  console.log(`[oidc] ${signal}, shutting down`);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
