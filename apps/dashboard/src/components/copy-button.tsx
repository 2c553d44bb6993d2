import { useState } from 'react';

/** Copies `value`; falls back to selecting the text of `fallbackSelectId` when the clipboard is refused. */
export function CopyButton({
  value,
  label = 'Copy',
  fallbackSelectId,
}: {
  value: string;
  label?: string;
  fallbackSelectId?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      const el = fallbackSelectId ? document.getElementById(fallbackSelectId) : null;
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
        el.focus();
        el.select();
      }
      setState('manual');
    }
  };
  return (
    <span className="copy">
      <button type="button" className="button" onClick={() => void copy()}>
        {label}
      </button>
      <span className="muted small" role="status" aria-live="polite">
        {state === 'copied'
          ? 'Copied to the clipboard.'
          : state === 'manual'
            ? 'Selected: press Ctrl+C to copy.'
            : ''}
      </span>
    </span>
  );
}
