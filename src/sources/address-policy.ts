import { BlockList, isIP } from 'node:net';

/**
 * Addresses a user-influenced request must never reach (DESIGN §6): loopback, private, link-local,
 * CGNAT, multicast, unique-local, and the reserved ranges around them.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['100::', 64],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** An IPv6 address as its 16 bytes (`::` expanded, a trailing dotted IPv4 and a zone id allowed). */
function ipv6Bytes(address: string): number[] | undefined {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (p: string) => (p === '' ? [] : p.split(':'));
  const groups =
    tail === undefined
      ? part(head)
      : [
          ...part(head),
          ...Array<string>(8 - part(head).length - part(tail).length).fill('0'),
          ...part(tail),
        ];
  if (groups.length !== 8) return undefined;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [(n >> 8) & 255, n & 255];
  });
}

const zero = (bytes: number[], from: number, to: number) =>
  bytes.slice(from, to).every((b) => b === 0);
const v4 = (bytes: number[]) => bytes.join('.');

/**
 * The IPv4 addresses an IPv6 address carries (DESIGN §6), each to be judged as IPv4: IPv4-mapped
 * ::ffff:0:0/96, IPv4-compatible ::/96 (e.g. [::127.0.0.1]), IPv4-translated ::ffff:0:0:0/96, NAT64
 * 64:ff9b::/96 and 64:ff9b:1::/48 (RFC 8215; RFC 6052 places the IPv4 after bit 48, or last for a /96
 * inside it: both are judged), and 6to4 2002::/16.
 */
function embeddedIpv4(address: string): string[] {
  const b = ipv6Bytes(address);
  if (!b) return [];
  const last = v4(b.slice(12, 16));
  if (zero(b, 0, 10) && b[10] === 255 && b[11] === 255) return [last]; // ::ffff:0:0/96
  if (zero(b, 0, 12)) return [last]; // ::/96 (:: and ::1 are refused as IPv6 too)
  if (zero(b, 0, 8) && b[8] === 255 && b[9] === 255 && zero(b, 10, 12)) return [last]; // ::ffff:0:0:0/96
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (zero(b, 4, 12)) return [last]; // 64:ff9b::/96
    if (b[4] === 0 && b[5] === 1) return [v4([b[6]!, b[7]!, b[9]!, b[10]!]), last]; // 64:ff9b:1::/48
  }
  if (b[0] === 0x20 && b[1] === 0x02) return [v4(b.slice(2, 6))]; // 2002::/16
  return [];
}

/** Says why an address is not public, or undefined when it is. */
export function privateAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const reason = `${address} is a private, loopback or reserved address`;
  if (family === 4) return blocked.check(address, 'ipv4') ? reason : undefined;
  if (blocked.check(address, 'ipv6')) return reason;
  return embeddedIpv4(address).some((a) => blocked.check(a, 'ipv4')) ? reason : undefined;
}
