import { CommonErrors } from '../errors/index.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function minutesOf(hhmm: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** SnapshotWindow "hh24:mi-hh24:mi" (UTC, at least 60 minutes). Returns [start, end] minutes of the day. */
export function parseSnapshotWindow(value: string): [number, number] {
  const [a, b, ...rest] = value.split('-');
  const start = a !== undefined ? minutesOf(a) : undefined;
  const end = b !== undefined ? minutesOf(b) : undefined;
  if (rest.length || start === undefined || end === undefined) {
    throw CommonErrors.invalidParameterValue(`Invalid SnapshotWindow '${value}': use the format hh24:mi-hh24:mi, e.g. 03:00-04:00 (UTC).`);
  }
  const length = (end - start + 1440) % 1440;
  if (length < 60) throw CommonErrors.invalidParameterValue(`SnapshotWindow '${value}' must be at least 60 minutes long.`);
  return [start, end];
}

/** PreferredMaintenanceWindow "ddd:hh24:mi-ddd:hh24:mi" (UTC, at least 60 minutes). Returns minutes of the week. */
export function parseMaintenanceWindow(value: string): [number, number] {
  const m = /^([a-z]{3}):(\d\d:\d\d)-([a-z]{3}):(\d\d:\d\d)$/.exec(value.toLowerCase());
  const d1 = m ? DAYS.indexOf(m[1]!) : -1;
  const d2 = m ? DAYS.indexOf(m[3]!) : -1;
  const t1 = m ? minutesOf(m[2]!) : undefined;
  const t2 = m ? minutesOf(m[4]!) : undefined;
  if (d1 < 0 || d2 < 0 || t1 === undefined || t2 === undefined) {
    throw CommonErrors.invalidParameterValue(
      `Invalid PreferredMaintenanceWindow '${value}': use the format ddd:hh24:mi-ddd:hh24:mi, e.g. sun:05:00-sun:06:00 (UTC).`);
  }
  const start = d1 * 1440 + t1;
  const end = d2 * 1440 + t2;
  if ((end - start + 10080) % 10080 < 60) {
    throw CommonErrors.invalidParameterValue(`PreferredMaintenanceWindow '${value}' must be at least 60 minutes long.`);
  }
  return [start, end];
}

export function inMaintenanceWindow(window: string, now: Date): boolean {
  const [start, end] = parseMaintenanceWindow(window);
  const t = now.getUTCDay() * 1440 + now.getUTCHours() * 60 + now.getUTCMinutes();
  return start <= end ? t >= start && t < end : t >= start || t < end;
}

/** A default window as AWS picks one when none is given (a fixed, quiet hour here). */
export const DEFAULT_MAINTENANCE_WINDOW = 'sun:05:00-sun:06:00';
export const DEFAULT_SNAPSHOT_WINDOW = '03:00-04:00';

const WEEK = 10080;
const DAY = 1440;

/** Two intervals on a circle of `period` minutes (start, length) share a minute. */
function circularOverlap(a: number, aLen: number, b: number, bLen: number, period: number): boolean {
  return ((a - b + period) % period) < bLen || ((b - a + period) % period) < aLen;
}

/** The daily snapshot window meets the weekly maintenance window on some day. */
export function windowsOverlap(snapshotWindow: string, maintenanceWindow: string): boolean {
  const [s, e] = parseSnapshotWindow(snapshotWindow);
  const [ms, me] = parseMaintenanceWindow(maintenanceWindow);
  const len = (e - s + DAY) % DAY;
  const mlen = (me - ms + WEEK) % WEEK;
  for (let d = 0; d < 7; d++) if (circularOverlap(d * DAY + s, len, ms, mlen, WEEK)) return true;
  return false;
}

/** As ElastiCache checks on create and modify: the two windows must not overlap. */
export function checkWindows(snapshotWindow: string, maintenanceWindow: string): void {
  if (windowsOverlap(snapshotWindow, maintenanceWindow)) {
    throw CommonErrors.invalidParameterCombination(
      `The snapshot window ${snapshotWindow} and the maintenance window ${maintenanceWindow} overlap; they must not.`);
  }
}

/**
 * The snapshot window chosen for a user who gave none (ElastiCache picks one): an hour at night,
 * the first of 03:00, 04:00, … that does not overlap the maintenance window.
 */
export function chooseSnapshotWindow(maintenanceWindow: string): string {
  for (let h = 0; h < 24; h++) {
    const start = (3 + h) % 24;
    const w = `${String(start).padStart(2, '0')}:00-${String((start + 1) % 24).padStart(2, '0')}:00`;
    if (!windowsOverlap(w, maintenanceWindow)) return w;
  }
  return DEFAULT_SNAPSHOT_WINDOW; // unreachable: a maintenance window is shorter than a day
}

/**
 * The occurrence of a daily window that `now` falls in: when it started and the UTC date it
 * started on (a window crossing midnight started the day before); undefined outside it.
 */
export function snapshotWindowAt(window: string, now: Date): { startedAt: Date; day: string } | undefined {
  const [start, end] = parseSnapshotWindow(window);
  const len = (end - start + DAY) % DAY;
  const t = now.getUTCHours() * 60 + now.getUTCMinutes();
  const into = (t - start + DAY) % DAY;
  if (into >= len) return undefined;
  const startedAt = new Date(Math.floor(now.getTime() / 60_000) * 60_000 - into * 60_000);
  return { startedAt, day: startedAt.toISOString().slice(0, 10) };
}
