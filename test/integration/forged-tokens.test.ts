import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ActivityHandler, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import jwt from 'jsonwebtoken';
import { FedtrustAdapter } from '../../src/bot/fedtrust-adapter';
import { composeServices } from '../../src/compose';
import { loadSettings } from '../../src/config';
import { createLogger, routeConsoleToLogger } from '../../src/logger';
import { makeServer, start } from '../../src/server';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { closeServer } from '../support/bot-server';
import { teamsMessage } from '../support/teams-activities';
import { requireTestCa, startHttpsServer, type TestServer } from '../support/tls';

/**
 * /api/messages under forged tokens (DESIGN §10): every authentication failure answers 401 with a
 * fixed body and runs nothing. The Bot Framework's OpenID configuration and signing keys are served by
 * a stand-in on 127.0.0.1, so tokens signed with its key are the real thing and every forgery is real.
 */
requireTestCa();

const APP = '00000000-0000-4000-8000-0000000000b0';
const ISSUER = 'https://api.botframework.com';
const SERVICE_URL = 'https://smba.trafficmanager.net/amer/';
const key = (): { privateKey: KeyObject; publicKey: KeyObject } =>
  generateKeyPairSync('rsa', { modulusLength: 2048 });
const botFramework = key();
const attacker = key();
let oidc: TestServer;
let store: Store;
let url: string;
let server: ReturnType<typeof makeServer>;
let turns = 0;

beforeAll(async () => {
  // botframework-connector prints the keys it tried to the console: the bot routes that to its log.
  routeConsoleToLogger(createLogger('silent'));
  oidc = await startHttpsServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/openid')
      return void res.end(
        JSON.stringify({
          issuer: ISSUER,
          jwks_uri: `${oidc.origin}/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    res.end(
      JSON.stringify({
        keys: [
          {
            ...botFramework.publicKey.export({ format: 'jwk' }),
            kid: 'bf-1',
            use: 'sig',
            endorsements: ['msteams'],
          },
        ],
      }),
    );
  });
  store = await openSqliteStore(':memory:');
  const services = composeServices({
    settings: loadSettings({}),
    store,
    logger: createLogger('silent'),
    version: 'test',
  });
  const adapter = new FedtrustAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: APP,
      MicrosoftAppPassword: 'not-used-here',
      MicrosoftAppType: 'MultiTenant',
      // The public cloud's values, but the OpenID metadata from the stand-in.
      ToBotFromChannelOpenIdMetadataUrl: `${oidc.origin}/openid`,
      ToBotFromEmulatorOpenIdMetadataUrl: `${oidc.origin}/openid`,
      ToBotFromChannelTokenIssuer: ISSUER,
      ValidateAuthority: true,
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      OAuthUrl: 'https://api.botframework.com',
      CallerId: 'urn:botframework:azure',
    }),
  );
  const bot = new ActivityHandler();
  bot.onMessage(async (_turn, next) => {
    turns++;
    await next();
  });
  server = makeServer({
    ...services,
    adapter,
    bot,
    metricsToken: undefined,
    collectorToken: undefined,
  });
  url = `http://127.0.0.1:${await start(server, 0, '127.0.0.1')}/api/messages`;
});

afterAll(async () => {
  await closeServer(server);
  await store.close();
  await oidc.close();
});

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: APP,
  serviceurl: SERVICE_URL,
  iat: now() - 60,
  nbf: now() - 60,
  exp: now() + 3600,
  ...extra,
});
const signed = (payload: object, signer: KeyObject = botFramework.privateKey, kid = 'bf-1') =>
  jwt.sign(payload, signer, { algorithm: 'RS256', keyid: kid });
const unsigned = (payload: object) =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'bf-1' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

async function send(
  authorization: string | undefined,
  body: unknown = teamsMessage(SERVICE_URL, 'help'),
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

it('runs a turn for a token the Bot Framework signed (the stand-in is the real thing)', async () => {
  const before = turns;
  expect((await send(`Bearer ${signed(claims())}`)).status).toBe(200);
  expect(turns).toBe(before + 1);
});

it.each([
  ['no Authorization header', () => undefined],
  ['a malformed token', () => 'Bearer not-a-jwt'],
  ['an unsigned token (alg: none)', () => `Bearer ${unsigned(claims())}`],
  ['a token signed with another key', () => `Bearer ${signed(claims(), attacker.privateKey)}`],
  [
    'an expired token',
    () => `Bearer ${signed(claims({ exp: now() - 600, iat: now() - 7200, nbf: now() - 7200 }))}`,
  ],
  ['a token not valid yet', () => `Bearer ${signed(claims({ nbf: now() + 3600 }))}`],
  ['a token for another bot', () => `Bearer ${signed(claims({ aud: 'someone-else' }))}`],
  [
    'a token from another issuer',
    () => `Bearer ${signed(claims({ iss: 'https://evil.example' }))}`,
  ],
  [
    'an HS256 token keyed with the public key',
    () =>
      `Bearer ${jwt.sign(claims(), botFramework.publicKey.export({ format: 'pem', type: 'spki' }), { algorithm: 'HS256', keyid: 'bf-1' })}`,
  ],
])('answers 401 with a fixed body to %s, and runs nothing', async (_what, header) => {
  const before = turns;
  const { status, text } = await send(header());
  expect(status).toBe(401);
  expect(JSON.parse(text)).toEqual({ error: 'Unauthorized.' });
  expect(turns).toBe(before);
});

it.each([
  ['an empty object', {}],
  ['a list', []],
  ['an activity without a type', { text: 'help' }],
])('answers 400 to %s, which is not an activity', async (_what, body) => {
  const { status, text } = await send(`Bearer ${signed(claims())}`, body);
  expect(status).toBe(400);
  expect(JSON.parse(text)).toEqual({ error: 'The body is not a Bot Framework activity.' });
});
