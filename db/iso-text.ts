// The last two results: a prepared row formats its occurred_at twice (hash, COPY text) and every row of a batch
// the same received_at, so most calls are answered from here.
let lastTime = Number.NaN;
let lastText = '';
let otherTime = Number.NaN;
let otherText = '';

/** date.toISOString() (and its RangeError for an invalid date), remembering the last two answers. */
export function isoText(date: Date): string {
  const time = date.getTime();
  if (time === lastTime) return lastText;
  if (time === otherTime) return otherText;
  const text = date.toISOString();
  otherTime = lastTime;
  otherText = lastText;
  lastTime = time;
  lastText = text;
  return text;
}
