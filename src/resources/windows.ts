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
