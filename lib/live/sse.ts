/** Server-Sent Events framing: one message, or a comment line (a heartbeat that keeps proxies from closing the stream). */
export function sseMessage(msg: { event?: string; id?: number | string; data?: unknown; retry?: number }): string {
  let out = '';
  if (msg.retry !== undefined) out += `retry: ${msg.retry}\n`;
  if (msg.event) out += `event: ${msg.event}\n`;
  if (msg.id !== undefined) out += `id: ${msg.id}\n`;
  // JSON has no raw newlines, so the data is always one `data:` line.
  if (msg.data !== undefined) out += `data: ${JSON.stringify(msg.data)}\n`;
  return `${out}\n`;
}

export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]/g, ' ')}\n\n`;
}
