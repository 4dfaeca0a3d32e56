/**
 * Warnings for silent mistakes that still have a defined result (a null gradient): each
 * distinct message is printed once per process, on stderr through console.warn, prefixed with
 * "tapeflow: ". `TAPEFLOW_QUIET=1` silences them.
 */
const seen = new Set<string>();

export function warnOnce(message: string): void {
  if (seen.has(message) || process.env.TAPEFLOW_QUIET === '1') return;
  seen.add(message);
  console.warn(`tapeflow: ${message}`);
}
