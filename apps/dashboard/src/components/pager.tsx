import { useCallback, useState } from 'react';

/** Cursor pagination: remembers the cursors of earlier pages so "Previous" works with opaque cursors. */
export function useCursorPager() {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  const cursor = stack[stack.length - 1];
  const next = useCallback((nextCursor: string) => setStack((s) => [...s, nextCursor]), []);
  const previous = useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)), []);
  const reset = useCallback(() => setStack([undefined]), []);
  return { cursor, pageNumber: stack.length, next, previous, reset };
}

export function Pager({
  pageNumber,
  nextCursor,
  onNext,
  onPrevious,
  label,
}: {
  pageNumber: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  label: string;
}) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="button secondary" onClick={onPrevious} disabled={pageNumber <= 1}>
        Previous page
      </button>
      <span aria-live="polite">Page {pageNumber}</span>
      <button
        type="button"
        className="button secondary"
        onClick={() => nextCursor && onNext(nextCursor)}
        disabled={!nextCursor}
      >
        Next page
      </button>
    </nav>
  );
}
