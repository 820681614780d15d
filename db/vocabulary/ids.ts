const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical text form (what the uuid columns accept). */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
