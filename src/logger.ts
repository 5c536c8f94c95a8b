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

/**
 * Libraries that write to the console (botframework-connector prints the signing keys it fetched and
 * stack traces of refused tokens) go through the structured log instead, at debug level, clipped
 * (DESIGN §10: library text reaches the log, never a caller, and never unstructured stdout).
 */
export function routeConsoleToLogger(logger: Logger): void {
  const write =
    (level: string) =>
    (...args: unknown[]) =>
      logger.debug(
        { console: level },
        args
          .map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a)))
          .join(' ')
          .slice(0, 500),
      );
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const)
    console[level] = write(level);
}
