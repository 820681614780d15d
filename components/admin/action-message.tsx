import { Alert } from '@/components/ui/alert';
import type { ActionResult } from '@/lib/recording/operation';

/** The outcome of a form's server action: the error (with support reference) or a success note. */
export function ActionMessage<T>({ state, success }: { state: ActionResult<T> | null; success?: React.ReactNode }) {
  if (!state) return null;
  if (!state.ok) {
    return (
      <Alert tone="error">
        {state.error}
        {state.fieldErrors && Object.keys(state.fieldErrors).length > 0 ? (
          <ul className="mt-1 list-disc pl-5">
            {Object.entries(state.fieldErrors).map(([field, messages]) => (
              <li key={field}>{messages[0]}</li>
            ))}
          </ul>
        ) : null}
      </Alert>
    );
  }
  return success ? <Alert tone="info">{success}</Alert> : null;
}
