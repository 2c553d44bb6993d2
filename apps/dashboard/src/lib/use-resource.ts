import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` when `key` changes; `pollMs` re-loads quietly (no loading flicker) while the page
 * is visible. Late answers of superseded loads are dropped.
 */
export function useResource<T>(
  load: () => Promise<T>,
  key: string,
  options: { pollMs?: number } = {},
): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    loadRef.current().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [key, nonce]);

  useEffect(() => {
    if (!options.pollMs) return;
    let live = true;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      loadRef.current().then(
        (data) => live && setState({ data, error: undefined, loading: false }),
        () => undefined, // a failed poll keeps the last good answer; the next poll tries again
      );
    }, options.pollMs);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [key, options.pollMs]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
