import type { Server } from 'node:http';
import type * as restify from 'restify';
import { createBotApp, type BotApp } from '../../src/bot/create-bot-app';
import { start } from '../../src/server';
import type { ConnectorCall } from './fake-connector';
import { teamsMessage } from './teams-activities';

/** Closes a restify server and its keep-alive connections, so jest can exit. */
export function closeServer(server: restify.Server): Promise<void> {
  (server as unknown as { server: Server }).server.closeAllConnections();
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
  });
}

/**
 * A person typing `text` in Teams: the activity as Teams sends it, posted to the bot; returns what the
 * fake Bot Connector received once the bot's background work is done.
 */
export async function sayTo(
  bot: { base: string; app: { background: { drain(): Promise<void> } } },
  connector: { url: string; clear(): void; messages(): ConnectorCall[] },
  text: string,
  scope: 'channel' | 'personal' = 'personal',
): Promise<ConnectorCall[]> {
  connector.clear();
  await fetch(`${bot.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(teamsMessage(connector.url, text, { scope })),
  });
  await bot.app.background.drain();
  return connector.messages();
}

/**
 * The bot over HTTP on 127.0.0.1 (a free port), as the integration tests drive it; `stop` waits for its
 * background work and closes the server and its connections.
 */
export async function startTestBot(
  options: Parameters<typeof createBotApp>[0],
): Promise<{ app: BotApp; base: string; stop(): Promise<void> }> {
  const app = createBotApp(options);
  const base = `http://127.0.0.1:${await start(app.server, 0, '127.0.0.1')}`;
  return {
    app,
    base,
    stop: async () => {
      await app.background.drain();
      await closeServer(app.server);
    },
  };
}
