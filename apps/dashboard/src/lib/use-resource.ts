import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** When the data last arrived (a load or a poll), for "updated … ago". */
  loadedAt: number | null;
  reload: () => void;
}

interface State<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  loadedAt: number | null;
}

/**
 * Loads `load()` when `key` changes; `pollMs` re-loads quietly (no loading flicker) while the page
 * is visible. Polls never overlap: the next one is scheduled when the previous answer arrived.
 * A hidden page stops polling and catches up at once when it is shown again. A superseded load
 * (new key, reload, unmount) is aborted and its late answer dropped.
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
  options: { pollMs?: number } = {},
): Resource<T> {
  const [state, setState] = useState<State<T>>({
    data: undefined,
    error: undefined,
    loading: true,
    loadedAt: null,
  });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const pollMs = options.pollMs;

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    let inFlight: AbortController | null = null;

    const fetchOnce = (quiet: boolean) => {
      const controller = new AbortController();
      inFlight = controller;
      loadRef
        .current(controller.signal)
        .then(
          (data) => live && setState({ data, error: undefined, loading: false, loadedAt: Date.now() }),
          (error: unknown) => {
            // A failed poll keeps the last good answer; the next poll tries again.
            if (live && !quiet) setState({ data: undefined, error, loading: false, loadedAt: null });
          },
        )
        .finally(() => {
          if (inFlight === controller) inFlight = null;
          schedule();
        });
    };
    const schedule = () => {
      if (!live || !pollMs || timer !== undefined || inFlight) return;
      if (document.visibilityState !== 'visible') return;
      timer = window.setTimeout(() => {
        timer = undefined;
        if (live && !inFlight) fetchOnce(true);
      }, pollMs);
    };
    const onVisibility = () => {
      if (document.visibilityState !== 'visible') {
        window.clearTimeout(timer);
        timer = undefined;
      } else if (!inFlight && timer === undefined) {
        fetchOnce(true);
      }
    };

    setState((s) => ({ ...s, loading: true, error: undefined }));
    fetchOnce(false);
    if (pollMs) document.addEventListener('visibilitychange', onVisibility);
    return () => {
      live = false;
      window.clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [key, nonce, pollMs]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
