/**
 * Where an endpoint may point (SPEC 12). https only; plain http only to localhost/127.0.0.1 and
 * only outside production. Production also refuses hosts that name the inside of a network:
 * private, shared (CGNAT), loopback, link-local, unspecified, multicast and metadata addresses,
 * IPv4-mapped or -compatible IPv6. The WHATWG URL parser already turns every IPv4 spelling
 * (0x7f.1, 2130706433, 127.1) into dotted decimal, so checking its hostname covers them.
 * A name that merely resolves to such an address cannot be checked here (Workers have no DNS
 * lookup); Cloudflare's fetch does not reach private networks, and redirects are never followed.
 */
import { z } from 'zod';
import type { Bindings } from '../env';

const V4_BLOCKS: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 shared address space
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, 169.254.169.254 (metadata) included
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0000200, 24], // 192.0.2/24 TEST-NET-1
  [0xc6336400, 24], // 198.51.100/24 TEST-NET-2
  [0xcb007100, 24], // 203.0.113/24 TEST-NET-3
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 3], // multicast, reserved and broadcast (224/4, 240/4)
];

const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'localhost']);

function v4Number(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

const inBlock = (ip: number, [base, bits]: [number, number]) => (bits === 0 ? true : ip >>> (32 - bits) === base >>> (32 - bits));

/** The 8 groups of an IPv6 literal as the URL parser writes it (compressed, lower case, no zone). */
function v6Groups(host: string): number[] | null {
  const inner = host.replace(/^\[|\]$/g, '');
  if (!inner.includes(':')) return null;
  let text = inner;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const n = v4Number(tail[1]);
    if (n === null) return null;
    text = `${text.slice(0, -tail[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const a = head ? head.split(':') : [];
  const b = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest === undefined ? 0 : 8 - a.length - b.length;
  const groups = [...a, ...Array(Math.max(fill, 0)).fill('0'), ...b].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** Why production refuses this hostname (already normalized by the URL parser), or null. */
export function refusedHost(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (METADATA_NAMES.has(host) || host.endsWith('.localhost') || host.endsWith('.internal')) return 'That host is internal';
  const v4 = v4Number(host);
  if (v4 !== null) return V4_BLOCKS.some((b) => inBlock(v4, b)) ? 'That address is private, loopback, link-local or reserved' : null;
  const g = v6Groups(host);
  if (g === null) return null;
  const firstFiveZero = g.slice(0, 5).every((x) => x === 0);
  // ::, ::1, IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) all hide a v4 or local address.
  if (firstFiveZero && (g[5] === 0 || g[5] === 0xffff)) return 'IPv4-mapped, loopback and unspecified IPv6 addresses are refused';
  // SIIT (::ffff:0:a.b.c.d) hides a v4 address too.
  if (g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g[5] === 0) return 'IPv4-translated IPv6 addresses are refused';
  if ((g[0] & 0xfe00) === 0xfc00) return 'Unique local IPv6 addresses (fc00::/7) are refused';
  if ((g[0] & 0xffc0) === 0xfe80) return 'Link-local IPv6 addresses (fe80::/10) are refused';
  if ((g[0] & 0xffc0) === 0xfec0) return 'Site-local IPv6 addresses (fec0::/10) are refused';
  // 6to4 (2002::/16) wraps a v4 address in groups 1–2: refused when that address would be.
  if (g[0] === 0x2002 && V4_BLOCKS.some((b) => inBlock(((g[1] << 16) | g[2]) >>> 0, b))) return 'That 6to4 address wraps a private or reserved IPv4 address';
  if ((g[0] & 0xff00) === 0xff00) return 'Multicast IPv6 addresses are refused';
  if (g[0] === 0x64 && g[1] === 0xff9b) return 'NAT64 addresses are refused'; // 64:ff9b::/96 and 64:ff9b:1::/48
  return null;
}

const LOCAL_HTTP_HOSTS = new Set(['localhost', '127.0.0.1']);

/** Why `raw` is no endpoint URL in this environment, or null when it is fine. */
export function urlProblem(raw: string, environment: Bindings['ENVIRONMENT']): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Not a URL';
  }
  if (url.username || url.password) return 'No credentials in the URL';
  const production = environment === 'production';
  if (url.protocol === 'http:') {
    if (production || !LOCAL_HTTP_HOSTS.has(url.hostname)) return 'Use https (plain http only to localhost or 127.0.0.1 in development)';
    return null;
  }
  if (url.protocol !== 'https:') return 'Use https';
  return production ? refusedHost(url.hostname) : null;
}

/** The zod rule POST and PATCH share. */
export const webhookUrl = (environment: Bindings['ENVIRONMENT']) =>
  z
    .string()
    .trim()
    .max(2048, 'At most 2048 characters')
    .superRefine((s, ctx) => {
      const problem = urlProblem(s, environment);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    // Kept as the parser reads it (0x7f.1 is stored as 127.0.0.1), which is what fetch will call.
    .transform((s) => new URL(s).toString());
