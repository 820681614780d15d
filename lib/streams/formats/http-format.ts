import { z } from 'zod';
import type { StreamEvent } from '@/lib/streams/sink';
import { toOcsfApiActivity } from './ocsf';

/** How an HTTP destination renders each entry: the API's event JSON as streamed, or OCSF API Activity. */
export const httpEventFormat = z.enum(['json', 'ocsf']);
export type HttpEventFormat = z.infer<typeof httpEventFormat>;

/** One entry in the destination's chosen format, as a JSON object. */
export function formatHttpEvent(event: StreamEvent, format: HttpEventFormat): Record<string, unknown> {
  return format === 'ocsf' ? toOcsfApiActivity(event) : event;
}
