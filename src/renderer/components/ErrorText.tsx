// An API error as text, next to the control it concerns.
import type { ApiError } from '../../shared/api';

export function ErrorText({ error, id }: { error: ApiError | string | null; id?: string }) {
  if (error === null) return null;
  const text = typeof error === 'string' ? error : error.message;
  const code = typeof error === 'string' ? undefined : error.code;
  return (
    <p className="error-text" role="alert" id={id} data-code={code}>
      {text}
    </p>
  );
}
