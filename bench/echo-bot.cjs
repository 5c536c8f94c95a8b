'use strict';
// The baseline of the turn figures (issue #14): a bare botbuilder bot on the same node_modules and the
// same HTTP server (restify), with no authentication (as fedtrust's local mode), that answers every
// message with one 12 KB Adaptive Card sent through the Bot Connector — as a fedtrust reply is.
// Prints "listening on http://127.0.0.1:<port>" once it accepts requests.
const restify = require('restify');
const {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  CardFactory,
} = require('botbuilder');

/** A 12 KB card: a header and rows of facts, plain Adaptive Card JSON built once. */
const card = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Echo', weight: 'Bolder', size: 'Medium', wrap: true },
    ...Array.from({ length: 42 }, (_, i) => ({
      type: 'ColumnSet',
      columns: [
        { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: `Row ${i}` }] },
        {
          type: 'Column',
          width: 'stretch',
          items: [{ type: 'TextBlock', text: 'x'.repeat(90), wrap: true }],
        },
      ],
    })),
  ],
};

// No identity, as fedtrust's local mode (the Bot Framework accepts that only as MultiTenant).
const adapter = new CloudAdapter(
  new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: '',
    MicrosoftAppPassword: '',
    MicrosoftAppType: 'MultiTenant',
  }),
);
adapter.onTurnError = async (turn, error) => {
  process.stderr.write(`echo turn failed: ${error.message}\n`);
};
const server = restify.createServer({ name: 'echo', handleUncaughtExceptions: false });
server.use(restify.plugins.bodyParser({ mapParams: false }));
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, async (turn) => {
    if (turn.activity.type === 'message')
      await turn.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(
    `echo listening on http://127.0.0.1:${server.address().port}/api/messages\n`,
  );
});
