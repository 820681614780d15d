/** A CEF line read back (independently of lib/streams/formats/cef.ts), to check what a receiver gets. */
export type ParsedCef = { header: string[]; extension: Record<string, string> };

/** Splits the seven header fields on unescaped pipes and the extension into key=value pairs, undoing the escapes. */
export function parseCef(line: string): ParsedCef {
  const header: string[] = [];
  let field = '';
  let i = 0;
  for (; i < line.length && header.length < 7; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) field += line[++i];
    else if (c === '|') {
      header.push(field);
      field = '';
    } else field += c;
  }
  const rest = line.slice(i);
  const extension: Record<string, string> = {};
  // A key is letters/digits before an unescaped "="; its value runs to the next " key=" (values escape their own "=").
  const pair = /([A-Za-z0-9_]+)=((?:\\.|[^\\])*?)(?= [A-Za-z0-9_]+=|$)/gs;
  for (const m of rest.matchAll(pair)) {
    extension[m[1]!] = m[2]!.replace(/\\(.)/gs, (_, e: string) => (e === 'n' ? '\n' : e === 'r' ? '\r' : e));
  }
  return { header, extension };
}
