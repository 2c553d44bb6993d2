import { type ReactElement, cloneElement, useId } from 'react';

interface FieldProps {
  label: string;
  hint?: string;
  error?: string;
  /** Shown after the hint, e.g. a live check result; announced politely. */
  status?: ReactElement | null;
  children: ReactElement<Record<string, unknown>>;
}

/** A labelled control with its hint and its error right next to it, wired for screen readers. */
export function FormField({ label, hint, error, status, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const statusId = status ? `${id}-status` : undefined;
  const describedBy = [hintId, statusId, errorId].filter(Boolean).join(' ') || undefined;
  const control = cloneElement(children, {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
  });
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      {status ? (
        <div id={statusId} className="field-status" aria-live="polite">
          {status}
        </div>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
