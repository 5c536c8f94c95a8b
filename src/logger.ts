import pino, { type Logger } from 'pino';

/** Structured logs; secrets never reach them (STYLE.md: redaction at the source). */
export function createLogger(level = 'info', destination: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      base: { app: 'fedtrust-bot' },
      redact: {
        paths: [
          '*.MicrosoftAppPassword',
          '*.GRAPH_CLIENT_SECRET',
          '*.COLLECTOR_TOKEN',
          '*.METRICS_TOKEN',
          'req.headers.authorization',
          '*.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination(destination),
  );
}
