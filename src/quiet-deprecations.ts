/**
 * restify 11 loads spdy, whose http-deceiver reads `process.binding('http_parser')` at require time:
 * Node prints DEP0111 twice at every start though the bot never uses spdy (HTTP/2 push). restify 12
 * drops it but needs Node 22 (DESIGN §5), so these two warnings — and only these — are not printed.
 * Imported by src/server.ts before restify.
 */
const emitWarning = process.emitWarning.bind(process);

function isSpdyParserWarning(warning: unknown, args: unknown[]): boolean {
  const code =
    typeof args[1] === 'string' ? args[1] : (args[0] as { code?: unknown } | undefined)?.code;
  const text = warning instanceof Error ? warning.message : String(warning);
  return code === 'DEP0111' && text.includes("process.binding('http_parser')");
}

process.emitWarning = (warning: string | Error, ...args: unknown[]) => {
  if (isSpdyParserWarning(warning, args)) return;
  (emitWarning as (w: string | Error, ...a: unknown[]) => void)(warning, ...args);
};
