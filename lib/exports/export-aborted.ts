/**
 * An export that cannot go on for a reason the user should read (its message is recorded as the failed
 * export's error, and logged without a stack): e.g. a PDF whose view grew past the cap while it was read.
 */
export class ExportAborted extends Error {
  override name = 'ExportAborted';
}
