// Small pure formatters shared by the views.

const integer = new Intl.NumberFormat('en');

/** 12345 -> "12,345". */
export const formatCount = (value) => integer.format(value ?? 0);

/** A byte count as B, kB, MB or GB (powers of 1000). */
export function formatBytes(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** An ISO time as the local time of day (today) or date and time (earlier). */
export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString() : date.toLocaleString();
}

/** How long a job ran (or has been running), as "1 min 5 s". */
export function formatDuration(startIso, endIso) {
  if (!startIso) return '';
  const seconds = Math.max(0, Math.round(((endIso ? Date.parse(endIso) : Date.now()) - Date.parse(startIso)) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** The first start URL of a job, shortened for a list. */
export function jobTitle(job) {
  const [first = ''] = job.urls;
  const rest = job.urls.length > 1 ? ` +${job.urls.length - 1}` : '';
  return `${first.replace(/^https?:\/\//, '')}${rest}`;
}
