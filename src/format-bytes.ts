/**
 * A byte count as a short human figure in powers of 1000 (`999 B`, `12.4 MB`), as the CLI's progress line and the image
 * gallery show it. (The service's web page has its own copy in `serve/web/format.js`: browsers load that file as is.)
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
