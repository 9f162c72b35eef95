// A real OpenID provider for the tests: the certified `oidc-provider` from npm.
//
// Configured by one JSON argument: {port, clients: [...], accounts: {login: {email, groups}}},
// and for apps that get tokens for themselves (client credentials, checked by introspection,
// as a mail server does): {scopes: [...], features: {clientCredentials: ..., introspection: ...}}.
// Any password opens an account (the provider's development sign-in form); consent is
// taken as given, as a municipality's directory does for its own applications.
// GET /_test/set?clock=S&tamper=1&nonce=N changes how the provider behaves, so the tests
// can see Inspraak refuse what a broken or hostile provider (or a man in the middle) sends:
//   clock  seconds added to the provider's clock (negative: tokens that expired long ago)
//   tamper change the groups inside issued ID tokens without signing them again
//   nonce  put this nonce in ID tokens instead of the one Inspraak asked for
// GET /_test/account?login=L&groups=a,b moves an account to other groups (someone changed job).
// GET /_test/reset puts the switches back.
// The package lives where the Makefile installs it (INSPRAAK_NODE_MODULES), not beside this file.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.INSPRAAK_NODE_MODULES;
const { default: Provider } = await import(
  pathToFileURL(join(modules, 'oidc-provider', 'lib', 'index.js')).href
);

const config = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${config.port}`;

const realNow = Date.now;
let test = { clock: 0, tamper: false, nonce: null };
Date.now = () => realNow() + test.clock * 1000;

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
  },
  // Groups go into the ID token, as Entra ID and Keycloak (with its mapper) put them.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  scopes: ['openid', 'offline_access', ...(config.scopes || [])],
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    ...(config.features || {}),
  },
  cookies: { keys: ['inspraak-test-provider-cookie-key'] },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true, name: id, groups: account.groups };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.use(async (ctx, next) => {
  if (ctx.path === '/_test/set') {
    const query = ctx.query;
    if (query.clock !== undefined) test.clock = Number(query.clock);
    if (query.tamper !== undefined) test.tamper = query.tamper === '1';
    if (query.nonce !== undefined) test.nonce = query.nonce || null;
    ctx.body = { ...test };
    return;
  }
  if (ctx.path === '/_test/account') {
    const groups = ctx.query.groups ? ctx.query.groups.split(',') : [];
    config.accounts[ctx.query.login].groups = groups;
    ctx.body = { groups };
    return;
  }
  if (ctx.path === '/_test/reset') {
    test = { clock: 0, tamper: false, nonce: null };
    ctx.body = { ...test };
    return;
  }
  if (ctx.path === '/auth' && test.nonce && ctx.method === 'GET') {
    ctx.query = { ...ctx.query, nonce: test.nonce };
  }
  await next();
  if (ctx.path === '/token' && test.tamper && ctx.body && ctx.body.id_token) {
    const [header, payload, signature] = ctx.body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.groups = ['grp-participatie'];
    const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
    ctx.body = { ...ctx.body, id_token: [header, forged, signature].join('.') };
  }
});

createServer(provider.callback()).listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
