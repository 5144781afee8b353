/** Display formatting in a given IANA zone (Intl, cached per zone and style). */
const cache = new Map<string, Intl.DateTimeFormat>();

const STYLES = {
  full: { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' },
  date: { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' },
  time: { hour: 'numeric', minute: '2-digit' },
  zone: { timeZoneName: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

export type FormatStyle = keyof typeof STYLES;

function formatter(zone: string, style: FormatStyle): Intl.DateTimeFormat {
  const key = `${zone}|${style}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...STYLES[style], timeZone: zone });
    cache.set(key, f);
  }
  return f;
}

/** Meetings cluster on a few start times (a sweep's hour, a page of rows): remember results. */
const formatted = new Map<string, string>();
const FORMATTED_LIMIT = 20_000;

export function formatInZone(ms: number, zone: string, style: FormatStyle): string {
  const key = `${ms}|${zone}|${style}`;
  let out = formatted.get(key);
  if (out === undefined) {
    out =
      style === 'zone'
        ? (formatter(zone, style).formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? zone)
        : formatter(zone, style).format(ms);
    if (formatted.size >= FORMATTED_LIMIT) formatted.clear();
    formatted.set(key, out);
  }
  return out;
}

const LOCATION_LABELS: Record<string, string> = {
  google_meet: 'Meet',
  zoom: 'Zoom',
  phone: 'Phone',
  in_person: 'In person',
  custom: 'Online',
};

export const locationLabel = (type: string) => LOCATION_LABELS[type] ?? type;

// Built once: Intl formatters are costly to construct and a briefing sweep formats hundreds.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export const formatUsd = (amount: number) => usd.format(amount);
