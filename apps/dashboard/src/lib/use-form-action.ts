import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/api-error';

export interface FormAction<A extends unknown[]> {
  /** True while the action runs; buttons show it and refuse a second press. */
  busy: boolean;
  /** What the last run threw, until the next run or `clearError()`. */
  error: unknown;
  /** The error when the API answered it (field errors and codes live there). */
  apiError: ApiError | null;
  /** The API's plain-words message for one request field, if it named that field. */
  fieldError: (field: string) => string | undefined;
  /** Runs the action; resolves true when it succeeded. Never rejects: failures land in `error`. */
  run: (...args: A) => Promise<boolean>;
  clearError: () => void;
}

/**
 * The busy flag, the error and the API's field errors of one form or button action, so each view
 * does not repeat its own try/catch. `keepBusyOnSuccess` is for actions that leave the view on
 * success (the button stays "Working…" until the next view replaces it).
 */
export function useFormAction<A extends unknown[]>(
  action: (...args: A) => Promise<unknown>,
  options: { keepBusyOnSuccess?: boolean } = {},
): FormAction<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const actionRef = useRef(action);
  actionRef.current = action;
  const keepBusy = options.keepBusyOnSuccess ?? false;
  const running = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(
    async (...args: A): Promise<boolean> => {
      if (running.current) return false;
      running.current = true;
      setBusy(true);
      setError(null);
      try {
        await actionRef.current(...args);
        if (!keepBusy && mounted.current) setBusy(false);
        return true;
      } catch (e) {
        if (mounted.current) {
          setError(e);
          setBusy(false);
        }
        return false;
      } finally {
        running.current = false;
      }
    },
    [keepBusy],
  );
  const clearError = useCallback(() => setError(null), []);
  const apiError = error instanceof ApiError ? error : null;
  return {
    busy,
    error,
    apiError,
    fieldError: (field: string) => apiError?.forField(field),
    run,
    clearError,
  };
}
