import dns from 'node:dns';
import net from 'node:net';

/**
 * An egress fence for the test process: every outgoing TCP connection is recorded by the address it
 * goes to, and one to an address that is not loopback is stopped before it is made (its socket errors).
 * Names are judged after resolution — through the connection's own `lookup` when it has one (the
 * fetcher pins its resolved address that way), else through DNS. A test that expects nothing to be
 * fetched asserts `attempts` is empty; one that reaches a local stand-in sees only loopback.
 */
export interface EgressFence {
  readonly attempts: { host: string; address: string; port: number }[];
  /** Attempts to anything but loopback (each was stopped). */
  outside(): { host: string; address: string; port: number }[];
  remove(): void;
}

const isLoopback = (address: string) => /^(127\.|::1$|::ffff:127\.)/i.test(address);
type Lookup = (
  host: string,
  options: dns.LookupOptions,
  callback: (err: Error | null, address: string | dns.LookupAddress[], family?: number) => void,
) => void;

export function installEgressFence(): EgressFence {
  const original = net.Socket.prototype.connect;
  const attempts: EgressFence['attempts'] = [];
  const fenced = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const first = args[0];
    // A Unix socket (a `path`) is not egress; tls.connect passes `path: undefined` for TCP.
    if (typeof first !== 'object' || first === null || (first as { path?: string }).path)
      return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    const options = first as net.TcpNetConnectOpts & { lookup?: Lookup };
    const host = (options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(options.port);
    const judge = (address: string): Error | undefined => {
      attempts.push({ host, address, port });
      return isLoopback(address)
        ? undefined
        : new Error(`egress fence: connection to ${host} (${address}) refused by the test`);
    };
    if (net.isIP(host)) {
      const refused = judge(host);
      if (refused) {
        process.nextTick(() => this.destroy(refused));
        return this;
      }
      return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    }
    const lookup: Lookup = options.lookup ?? dns.lookup;
    const guarded: Lookup = (name, opts, callback) =>
      lookup(name, opts, (err, address, family) => {
        if (err) return callback(err, address, family);
        const first = Array.isArray(address) ? address[0]?.address : address;
        const refused = judge(first ?? '');
        if (refused) return callback(refused, address, family);
        callback(null, address, family);
      });
    return (original as (...a: unknown[]) => net.Socket).apply(this, [
      { ...options, lookup: guarded },
      ...args.slice(1),
    ]);
  };
  net.Socket.prototype.connect = fenced;
  return {
    attempts,
    outside: () => attempts.filter((a) => !isLoopback(a.address)),
    remove: () => {
      net.Socket.prototype.connect = original;
    },
  };
}
