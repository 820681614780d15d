/** What a receiver accepts in one request. */
export type RequestLimits = { maxBytes: number; maxItems: number };

/**
 * Splits serialized items, in order, into the fewest consecutive groups whose request body
 * (`open` + items joined by `separator` + `close`) stays within the limits. An item that alone exceeds
 * maxBytes still gets a group of its own: callers shrink such items first (see formats/oversize.ts).
 */
export function chunkItems(items: readonly Buffer[], limits: RequestLimits, framing: { open: number; separator: number; close: number }): Buffer[][] {
  const groups: Buffer[][] = [];
  let group: Buffer[] = [];
  let bytes = framing.open + framing.close;
  for (const item of items) {
    const added = item.length + (group.length > 0 ? framing.separator : 0);
    if (group.length > 0 && (group.length >= limits.maxItems || bytes + added > limits.maxBytes)) {
      groups.push(group);
      group = [];
      bytes = framing.open + framing.close;
    }
    bytes += item.length + (group.length > 0 ? framing.separator : 0);
    group.push(item);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** A request body: the group's items between `open` and `close`, separated by `separator`. */
export function joinChunk(group: readonly Buffer[], open: string, separator: string, close: string): Buffer {
  const parts: Buffer[] = [Buffer.from(open)];
  const sep = Buffer.from(separator);
  group.forEach((item, i) => parts.push(...(i > 0 ? [sep, item] : [item])));
  parts.push(Buffer.from(close));
  return Buffer.concat(parts);
}
