/**
 * How record values are laid out in the store: the store's schema version.
 *
 * Version 1 (every record written before compact records): the value exactly as the bridge built it.
 * Version 2: interview records (`interview:<id>`) in a compact form, `{"v":2,…}`: short field names, no `id`
 * (it is in the key), no fields that only repeat their defaults (`phase` "invited", `current` pending,
 * `upstreamId` null), timestamps as epoch milliseconds where that gives back the same ISO text, and the
 * candidate as one array. Every other record family is stored as it is.
 *
 * Reads accept both versions, so records written by earlier bridges load unchanged; any write of an
 * interview writes version 2, so a record is migrated the next time the bridge changes it. A value from a
 * newer version than this code knows is refused (StoreSchemaError) rather than misread, and so is a value
 * that is not what any version writes (StoreRecordError: not JSON, or a version 2 record of the wrong shape).
 * Both are errors of one record, not of the store: callers that walk many records skip the one and go on.
 *
 * Fields: version 2 knows the fields below by their short names; a field of the record this code does not
 * know is kept under `x` by its own name. A new field is added to both lists (and to unpackInterview) with a
 * new short name, which an older version 2 reader would drop on its next write: so adding one bumps `v`.
 *
 * Both backends apply this below their API (get/getMany/set/writeAll/claimAndRead), so callers see
 * InterviewRecord either way. docs/deploy.md ("Store schema and upgrades") says what an upgrade across versions means.
 */
import type { InterviewRecord } from '../domain/types.js';
import { StoreUnavailableError, type Store } from './types.js';

/** The newest layout this code writes. */
export const STORE_SCHEMA_VERSION = 2;

const INTERVIEW_PREFIX = 'interview:';

/** A value read back in a layout newer than this bridge understands (a newer replica wrote it). */
export class StoreSchemaError extends Error {
  constructor(
    readonly key: string,
    readonly version: unknown,
  ) {
    super(`record ${key} is in store schema version ${String(version)}; this bridge reads versions 1 to ${STORE_SCHEMA_VERSION}: upgrade it`);
    this.name = 'StoreSchemaError';
  }
}

/** A stored value that no version of the bridge writes (corrupt, or edited by hand): this record only. */
export class StoreRecordError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`record ${key} cannot be read: ${reason}`);
    this.name = 'StoreRecordError';
  }
}

/** An error about one stored record (its version or its shape), as opposed to the store being unavailable. */
export function isRecordError(err: unknown): err is StoreSchemaError | StoreRecordError {
  return err instanceof StoreSchemaError || err instanceof StoreRecordError;
}

/**
 * Whether a backend passes an error on as it is instead of as StoreUnavailableError: already one, an error of
 * one record, or a caller's bug (TypeError, RangeError).
 */
export function passesThrough(err: unknown): boolean {
  return err instanceof StoreUnavailableError || isRecordError(err) || err instanceof TypeError || err instanceof RangeError;
}

/** What a backend's keyv deserializer gives for text that is not JSON; unpackRecord turns it into the key's StoreRecordError. */
export const NOT_JSON: unique symbol = Symbol('stored text that is not JSON');

/** What the deserializer gives for JSON that is not keyv's `{"value":…}` envelope. */
export const NOT_A_RECORD: unique symbol = Symbol('stored JSON that is not a record envelope');

/** keyv's deserializer for both backends: the envelope, or {value: NOT_JSON | NOT_A_RECORD} (keyv has no key to report). */
export function deserializeStored<T>(text: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { value: NOT_JSON } as T;
  }
  return (isEnvelope(parsed) ? parsed : { value: NOT_A_RECORD }) as T;
}

function isEnvelope(v: unknown): v is { value: unknown; expires?: number | null } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v;
}

/** Packs a value for `key` into what the store keeps. */
export function packRecord(key: string, value: unknown): unknown {
  if (key.startsWith(INTERVIEW_PREFIX) && isInterview(value)) return packInterview(value);
  return value;
}

/** The value a caller wrote for `key`, from what the store keeps (either version). */
export function unpackRecord(key: string, stored: unknown): unknown {
  if (stored === NOT_JSON) throw new StoreRecordError(key, 'not JSON');
  if (stored === NOT_A_RECORD) throw new StoreRecordError(key, 'not a stored record');
  if (stored === undefined || !key.startsWith(INTERVIEW_PREFIX)) return stored;
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw new StoreRecordError(key, 'not an interview record');
  const version = (stored as { v?: unknown }).v;
  if (version === undefined) return checkVersionOne(key, stored as Record<string, unknown>); // the record as it was built
  if (version === 2) return unpackInterview(key.slice(INTERVIEW_PREFIX.length), checkPacked(key, stored as Record<string, unknown>));
  // A later version is a small whole number; anything else is corrupt, not "newer".
  if (typeof version === 'number' && Number.isInteger(version) && version > STORE_SCHEMA_VERSION && version < 1000) throw new StoreSchemaError(key, version);
  throw new StoreRecordError(key, `unknown schema version ${JSON.stringify(version)}`);
}

/**
 * Whether a value has every field version 2 requires (so packing it never writes a record checkPacked would
 * refuse). Anything less is kept in version 1, as it is: the bridge always writes whole records, so only a
 * partial one written by hand or by a test stays so.
 */
function isInterview(value: unknown): value is InterviewRecord {
  const v = value as Partial<InterviewRecord> | null;
  if (typeof v !== 'object' || v === null) return false;
  const c = v.candidate as Partial<InterviewRecord['candidate']> | undefined;
  return (
    [v.accountId, v.upstream, v.templateId, v.jobTitle, v.callbackUrl].every(isText) &&
    isObject(c) && [c?.firstName, c?.lastName, c?.email].every(isText) && (c?.phone === undefined || isText(c.phone)) &&
    isStamp(v.createdAt) && isStamp(v.updatedAt) &&
    isObject(v.current) && isText((v.current as { status?: unknown }).status)
  );
}

/** Version 2 of an interview record. Short names; see {@link packInterview} for what each one holds. */
interface PackedInterview {
  v: 2;
  a: string;
  u: string;
  ui?: string;
  t: string;
  tn?: string;
  j?: string;
  jt: string;
  c: string;
  /** first name, last name, e-mail[, phone] */
  p: [string, string, string] | [string, string, string, string];
  pn?: string;
  pf?: Record<string, unknown>;
  cu?: string;
  ca: Stamp;
  ua: Stamp;
  ph?: 'inviting';
  r?: InterviewRecord['current'];
  dh?: string;
  da?: Stamp;
  cs?: Stamp;
  e?: Stamp;
  ue?: Stamp;
  /** url, created at[, days] */
  s?: [string, Stamp] | [string, Stamp, number];
  rp?: string;
  f?: 1;
  /** Fields this code does not know (written by a later minor change), kept as they are. */
  x?: Record<string, unknown>;
}

/** A timestamp: epoch ms when that round-trips to the same ISO text, else the text as it came. */
type Stamp = number | string;

function stamp(iso: string): Stamp {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && new Date(ms).toISOString() === iso ? ms : iso;
}

function iso(s: Stamp): string {
  return typeof s === 'number' ? new Date(s).toISOString() : s;
}

const isStamp = (s: unknown): boolean => (typeof s === 'number' || typeof s === 'string') && Number.isFinite(new Date(s).getTime());
const isText = (s: unknown): boolean => typeof s === 'string';
const isObject = (o: unknown): boolean => typeof o === 'object' && o !== null && !Array.isArray(o);

/** A version 1 record has at least what every bridge wrote and read: its account, candidate and current result. */
function checkVersionOne(key: string, r: Record<string, unknown>): InterviewRecord {
  const current = r.current as { status?: unknown } | undefined;
  if (!isText(r.accountId) || !isObject(r.candidate) || !isObject(current) || !isText(current?.status)) {
    throw new StoreRecordError(key, 'version 1 record without its account, candidate or current result');
  }
  return r as unknown as InterviewRecord;
}

/** A version 2 value has the shape packInterview writes, or it is refused (never decoded into a wrong record). */
function checkPacked(key: string, p: Record<string, unknown>): PackedInterview {
  const bad = (what: string): never => {
    throw new StoreRecordError(key, `version 2 record with ${what}`);
  };
  for (const f of ['a', 'u', 't', 'jt', 'c'] as const) if (!isText(p[f])) bad(`no text field "${f}"`);
  const people = p.p;
  if (!Array.isArray(people) || people.length < 3 || people.length > 4 || !people.every(isText)) bad('a candidate that is not 3 or 4 texts');
  for (const f of ['ca', 'ua'] as const) if (!isStamp(p[f])) bad(`no timestamp "${f}"`);
  for (const f of ['da', 'cs', 'e', 'ue'] as const) if (p[f] !== undefined && !isStamp(p[f])) bad(`a bad timestamp "${f}"`);
  for (const f of ['ui', 'tn', 'j', 'pn', 'cu', 'dh', 'rp'] as const) if (p[f] !== undefined && !isText(p[f])) bad(`a field "${f}" that is not text`);
  if (p.ph !== undefined && p.ph !== 'inviting') bad('an unknown phase');
  if (p.r !== undefined && !(isObject(p.r) && isText((p.r as { status?: unknown }).status))) bad('a result without a status');
  for (const f of ['pf', 'x'] as const) if (p[f] !== undefined && !isObject(p[f])) bad(`a field "${f}" that is not an object`);
  const share = p.s;
  if (share !== undefined && !(Array.isArray(share) && isText(share[0]) && isStamp(share[1]) && (share[2] === undefined || typeof share[2] === 'number'))) bad('a bad share link');
  if (p.f !== undefined && p.f !== 1) bad('a bad final flag');
  return p as unknown as PackedInterview;
}

const KNOWN = new Set<string>([
  'id', 'accountId', 'upstream', 'upstreamId', 'templateId', 'templateName', 'jobId', 'jobTitle', 'callbackUrl', 'candidate',
  'phoneNote', 'preferences', 'candidateUrl', 'createdAt', 'updatedAt', 'phase', 'current', 'deliveredHash', 'deliveredAt',
  'completedSeenAt', 'expiresAt', 'upstreamExpiresAt', 'share', 'reportId', 'final',
]);

function isDefaultCurrent(current: InterviewRecord['current']): boolean {
  return Object.keys(current).length === 1 && current.status === 'pending';
}

export function packInterview(r: InterviewRecord): PackedInterview {
  const { firstName, lastName, email, phone } = r.candidate;
  const p: PackedInterview = {
    v: 2,
    a: r.accountId,
    u: r.upstream,
    t: r.templateId,
    jt: r.jobTitle,
    c: r.callbackUrl,
    p: phone === undefined ? [firstName, lastName, email] : [firstName, lastName, email, phone],
    ca: stamp(r.createdAt),
    ua: stamp(r.updatedAt),
  };
  if (r.upstreamId !== null) p.ui = r.upstreamId;
  if (r.templateName !== undefined) p.tn = r.templateName;
  if (r.jobId !== undefined) p.j = r.jobId;
  if (r.phoneNote !== undefined) p.pn = r.phoneNote;
  if (r.preferences !== undefined) p.pf = r.preferences;
  if (r.candidateUrl !== undefined) p.cu = r.candidateUrl;
  if (r.phase === 'inviting') p.ph = 'inviting';
  if (!isDefaultCurrent(r.current)) p.r = r.current;
  if (r.deliveredHash !== undefined) p.dh = r.deliveredHash;
  if (r.deliveredAt !== undefined) p.da = stamp(r.deliveredAt);
  if (r.completedSeenAt !== undefined) p.cs = stamp(r.completedSeenAt);
  if (r.expiresAt !== undefined) p.e = stamp(r.expiresAt);
  if (r.upstreamExpiresAt !== undefined) p.ue = stamp(r.upstreamExpiresAt);
  if (r.share !== undefined) p.s = r.share.days === undefined ? [r.share.url, stamp(r.share.createdAt)] : [r.share.url, stamp(r.share.createdAt), r.share.days];
  if (r.reportId !== undefined) p.rp = r.reportId;
  if (r.final) p.f = 1;
  const extra = Object.keys(r).filter((k) => !KNOWN.has(k));
  if (extra.length > 0) p.x = Object.fromEntries(extra.map((k) => [k, (r as unknown as Record<string, unknown>)[k]]));
  return p;
}

export function unpackInterview(id: string, p: PackedInterview): InterviewRecord {
  const [firstName, lastName, email, phone] = p.p;
  // Only fields this code does not know come from `x` (packInterview never puts a known one there).
  const extra = p.x ? Object.fromEntries(Object.entries(p.x).filter(([k]) => !KNOWN.has(k))) : {};
  const r: InterviewRecord = {
    ...extra,
    id,
    accountId: p.a,
    upstream: p.u,
    upstreamId: p.ui ?? null,
    templateId: p.t,
    ...(p.tn !== undefined ? { templateName: p.tn } : {}),
    ...(p.j !== undefined ? { jobId: p.j } : {}),
    jobTitle: p.jt,
    callbackUrl: p.c,
    candidate: { firstName, lastName, email, ...(phone !== undefined ? { phone } : {}) },
    ...(p.pn !== undefined ? { phoneNote: p.pn } : {}),
    ...(p.pf !== undefined ? { preferences: p.pf } : {}),
    ...(p.cu !== undefined ? { candidateUrl: p.cu } : {}),
    createdAt: iso(p.ca),
    updatedAt: iso(p.ua),
    phase: p.ph ?? 'invited',
    current: p.r ?? { status: 'pending' },
    ...(p.dh !== undefined ? { deliveredHash: p.dh } : {}),
    ...(p.da !== undefined ? { deliveredAt: iso(p.da) } : {}),
    ...(p.cs !== undefined ? { completedSeenAt: iso(p.cs) } : {}),
    ...(p.e !== undefined ? { expiresAt: iso(p.e) } : {}),
    ...(p.ue !== undefined ? { upstreamExpiresAt: iso(p.ue) } : {}),
    ...(p.s !== undefined ? { share: { url: p.s[0], createdAt: iso(p.s[1]), ...(p.s[2] !== undefined ? { days: p.s[2] } : {}) } } : {}),
    ...(p.rp !== undefined ? { reportId: p.rp } : {}),
    ...(p.f ? { final: true } : {}),
  };
  return r;
}

/**
 * getMany for a walk over many records (retention, purge by e-mail, a poll's hints, the delivery listing):
 * one record that cannot be read (isRecordError) is reported to `onBad` and given as undefined, instead of
 * failing the whole page. A store outage still rejects. Never for a read that decides a write of that record.
 */
export async function getManySkipping<T>(store: Pick<Store, 'get' | 'getMany'>, keys: string[], onBad: (key: string, err: Error) => void): Promise<Array<T | undefined>> {
  try {
    return await store.getMany<T>(keys);
  } catch (err) {
    if (!isRecordError(err)) throw err;
  }
  // Some record in the page is unreadable: read them one by one to find it and keep the others.
  const out: Array<T | undefined> = [];
  for (const key of keys) {
    try {
      out.push(await store.get<T>(key));
    } catch (err) {
      if (!isRecordError(err)) throw err;
      onBad(key, err);
      out.push(undefined);
    }
  }
  return out;
}
