/**
 * Dates as a recruiter reads them, in the account's time zone: "1 December 2026, 23:13 CET". Built from
 * Intl's parts rather than its whole-string format, whose joining words ("at", ",") differ between ICU
 * versions, so the text is the same on every Node.js release.
 */

/** True for a time zone name Intl knows (IANA names such as Europe/Berlin, and UTC), in any letter case. */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '' || name !== name.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** "1 December 2026, 23:13 CET"; zones without a common abbreviation read "GMT-5". */
export function formatDateTime(date: Date, timeZone = 'UTC'): string {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/** ISO 8601 date-times as the bridge writes them (with Z or an offset); plain dates and other texts are not. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO date-time text as formatDateTime; anything else (or an unparseable time) unchanged. */
export function humanTime(value: string, timeZone?: string): string {
  if (!ISO_TIME.test(value)) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : formatDateTime(date, timeZone);
}
