/**
 * Whether an IP address (v4 or v6, with or without brackets or a zone index) is one a
 * server must not be made to fetch from: loopback, private, shared (CGNAT), link-local,
 * unspecified, multicast, broadcast, reserved, documentation and benchmarking ranges,
 * and IPv6 forms that carry such an IPv4 address (mapped, compatible, NAT64, 6to4).
 * Anything that does not parse as an address counts as private: the check fails closed.
 */
export function isPrivateAddress(ip: string): boolean {
  const address = ip.trim().replace(/^\[(.*)\]$/, '$1');
  const v4 = parseIpv4(address);
  if (v4 !== null) return isPrivateIpv4(v4);
  const v6 = parseIpv6(address);
  return v6 === null || isPrivateIpv6(v6);
}

/**
 * Whether a URL names a private address outright: a private IP literal, or localhost. A host
 * name is checked again on what it resolves to, as the connection is made.
 */
export function namesPrivateHost(url: URL): boolean {
  const host = url.hostname.replace(/\.$/, '').toLowerCase();
  return isIpLiteral(host) ? isPrivateAddress(host) : /(^|\.)localhost$/.test(host);
}

/** Whether a URL host is an IP literal (IPv6 in brackets, as URL.hostname gives it). */
export function isIpLiteral(host: string): boolean {
  return parseIpv4(host) !== null || /^\[.*\]$/.test(host);
}

// [first address, prefix length] of the IPv4 ranges that are not publicly routable.
const PRIVATE_IPV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", including the unspecified address
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, where cloud metadata services live
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

const PRIVATE_IPV4_RANGES = PRIVATE_IPV4.map(([first, prefix]) => ({
  network: parseIpv4(first) ?? 0,
  mask: prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0,
}));

function isPrivateIpv4(address: number): boolean {
  return PRIVATE_IPV4_RANGES.some(({ network, mask }) => (address & mask) >>> 0 === network);
}

function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Eight 16-bit groups. */
type Ipv6 = readonly number[];

function isPrivateIpv6(groups: Ipv6): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embeddedV4 = ((g6 << 16) >>> 0) + g7;
  const zeros = (...values: number[]) => values.every((v) => v === 0);
  // ::/96 covers the unspecified and loopback addresses and the deprecated
  // IPv4-compatible form (::127.0.0.1), none of which may be fetched from.
  if (zeros(g0, g1, g2, g3, g4, g5)) return true;
  if (zeros(g0, g1, g2, g3, g4) && g5 === 0xffff) return isPrivateIpv4(embeddedV4); // mapped
  // IPv4-translated (::ffff:0:a.b.c.d, SIIT): a translator's own range, never a server to fetch
  // from, whatever it embeds.
  if (zeros(g0, g1, g2, g3, g5) && g4 === 0xffff) return true;
  if (g0 === 0x64 && g1 === 0xff9b && zeros(g2, g3, g4, g5)) return isPrivateIpv4(embeddedV4); // NAT64
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true; // local-use NAT64
  if (g0 === 0x2002) return isPrivateIpv4(((g1 << 16) >>> 0) + g2); // 6to4
  if (g0 === 0x100 && zeros(g1, g2, g3)) return true; // discard-only
  if (g0 === 0x2001 && g1 < 0x200) return true; // IETF protocol assignments, incl. Teredo
  if (g0 === 0x2001 && g1 === 0xdb8) return true; // documentation
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local
  if ((g0 & 0xffc0) === 0xfec0) return true; // site-local (deprecated)
  return (g0 & 0xff00) === 0xff00; // multicast
}

function parseIpv6(text: string): Ipv6 | null {
  // A zone index (fe80::1%eth0) names an interface, not part of the address.
  let address = text.replace(/%.*$/, '').toLowerCase();
  const dotted = address.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = parseIpv4(dotted[2] ?? '');
    if (v4 === null) return null;
    address = `${dotted[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  return all.map((group) => Number.parseInt(group, 16));
}
