// A real OpenID Connect provider for the single sign-on tests: panva's oidc-provider (npm,
// OpenID Certified) on a loopback port, with one static client and the accounts of a JSON file,
// each with a password and a "groups" claim. The file is read at every login and every claims
// request, so a test changes a person's groups by rewriting it.
//
//   node tests/support/oidc_provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 0, "client_id": "...", "client_secret": "...", "redirect_uris": [...],
//               "accounts": {"login": {"password": "...", "claims": {...}}}}
// The login page is a plain form (POST), the consent of this first-party client is implied.
// Prints "listening <issuer>" when ready.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const configPath = process.argv[2];
const readConfig = () => JSON.parse(readFileSync(configPath, 'utf8'));
const config = readConfig();
const issuer = `http://127.0.0.1:${config.port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: config.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'given_name', 'family_name', 'name'],
    groups: ['groups'],
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = readConfig().accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...readConfig().accounts[id].claims }) };
  },
});

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(res, uid, message) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="de"><head><title>Anmeldung beim Identitätsanbieter</title></head>
<body><main><h1>Identitätsanbieter (Test)</h1>
${message ? `<p role="alert" id="error">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="login">Kennung</label> <input id="login" name="login" autocomplete="username">
<label for="password">Passwort</label> <input id="password" name="password" type="password">
<button type="submit">Anmelden</button></form></main></body></html>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) throw new Error('form too large');
  }
  return Object.fromEntries(new URLSearchParams(body));
}

async function consent(req, res, interaction) {
  const { prompt: { details }, params, session: { accountId } } = interaction;
  const grant = interaction.grantId
    ? await provider.Grant.find(interaction.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) {
    callback(req, res);
    return;
  }
  try {
    const interaction = await provider.interactionDetails(req, res);
    if (req.method === 'POST' && match[2]) {
      const form = await readForm(req);
      const account = readConfig().accounts[form.login];
      if (!account || account.password !== form.password) {
        loginPage(res, interaction.uid, 'Kennung oder Passwort falsch.');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: form.login } }, { mergeWithLastSubmission: false });
    } else if (interaction.prompt.name === 'login') {
      loginPage(res, interaction.uid, '');
    } else {
      await consent(req, res, interaction);
    }
  } catch (error) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`interaction failed: ${error.message}`);
  }
});

server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
