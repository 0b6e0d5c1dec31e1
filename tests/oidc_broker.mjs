// A DigiD broker on the loopback for the tests (neighbourhoods.digid): a real OpenID
// Connect provider (the npm package oidc-provider) with one client, the portal. Its sign-in
// page takes a BSN as the login (any password); the claims are what a municipality's
// broker releases from the BRP: the BSN and the CBS code of the wijk of the address, or
// the postcode. Started by tests/digid_broker.py, which reads its first line.
//
//   PORT, REDIRECT_URI, CLIENT_ID, CLIENT_SECRET  the provider and its client
//   FRESH_KEYS  "1": sign with a key of its own (another broker's key, for the tests of a
//               forged signature) instead of oidc-provider's development key
//   RESIDENTS  JSON: {"<bsn>": {"wijkcode": "WK001401"}, "<bsn>": {"postcode": "9712CP"}}
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const residents = JSON.parse(process.env.RESIDENTS || '{}');

const configuration = {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: process.env.REDIRECT_URI.split(' '),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: { openid: ['sub', 'bsn', 'wijkcode', 'postcode'] },
  // The claims in the id_token too, as brokers configured for DigiD do.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: `digid-${id}`, bsn: id, ...(residents[id] || {}) };
      },
    };
  },
  // DigiD asks no consent: the portal is the municipality's own.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid');
    grant.addOIDCClaims(['sub', 'bsn', 'wijkcode', 'postcode']);
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true } },
  routes: { authorization: '/auth', token: '/token', userinfo: '/userinfo', jwks: '/jwks' },
};

if (process.env.FRESH_KEYS === '1') {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  configuration.jwks = { keys: [{ ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' }] };
}

const provider = new Provider(issuer, configuration);
provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
