/**
 * Strict RFC 3339 instants (SPEC §2 "Times"): seconds required, `Z` or a numeric offset,
 * a real calendar instant. `Date.parse` is not used for validation: it accepts `24:00`,
 * rolls Feb 30 over to March, and yields NaN for `:60`, and NaN never compares as expired.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch, or a sentence saying what is wrong with `text`. */
export type ParsedInstant = { ok: true; ms: number } | { ok: false; why: string };

export function parseInstant(text: string): ParsedInstant {
  const m = RFC3339.exec(text);
  if (!m) {
    return {
      ok: false,
      why: 'is not an RFC 3339 time with seconds and an offset, like 2026-12-05T17:00:00Z',
    };
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return { ok: false, why: `has month ${m[2]}, which does not exist` };
  const dim = daysInMonth(year, month);
  if (day < 1 || day > dim) {
    return { ok: false, why: `has day ${m[3]}, but that month has ${dim} days` };
  }
  if (hour > 23) return { ok: false, why: `has hour ${m[4]}; hours run 00 to 23` };
  if (minute > 59) return { ok: false, why: `has minute ${m[5]}; minutes run 00 to 59` };
  if (second > 59) {
    return { ok: false, why: `has second ${m[6]}; leap seconds and :60 are not accepted, use :59` };
  }
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59)
      return { ok: false, why: `has offset ${m[8]}, which is not a valid offset` };
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const frac = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, frac);
  // Date.UTC maps years 0..99 to 1900..1999; set the full year explicitly for those.
  let ms = utc;
  if (year < 100) {
    const d = new Date(utc);
    d.setUTCFullYear(year);
    ms = d.getTime();
  }
  return { ok: true, ms: ms - offsetMin * 60_000 };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Canonical UTC rendering with seconds: 2026-12-05T17:00:00Z. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `8h`, `30m`, `7d` (SPEC §3). Returns milliseconds, or undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^([1-9][0-9]{0,5})([mhd])$/.exec(text);
  if (!m) return undefined;
  const unit = m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 86_400_000;
  return Number(m[1]) * unit;
}

/** Human rendering of a span: `3h 20m`, `2d 4h`, `45m`, `30s`. */
export function formatSpan(ms: number): string {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = d
    ? [`${d}d`, h ? `${h}h` : '']
    : h
      ? [`${h}h`, m ? `${m}m` : '']
      : m
        ? [`${m}m`]
        : [`${s}s`];
  return (neg ? '-' : '') + parts.filter(Boolean).join(' ');
}
