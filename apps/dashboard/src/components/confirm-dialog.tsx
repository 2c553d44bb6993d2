import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** When set, the person must type this exact text before confirming (for irreversible actions). */
  typeToConfirm?: string;
  danger?: boolean;
  busy?: boolean;
  /** Keeps the confirm button disabled, e.g. until a required field in `children` is filled. */
  confirmDisabled?: boolean;
  error?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A modal built on <dialog>: focus moves in, Escape cancels, focus returns to the opener. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const {
    open,
    title,
    children,
    confirmLabel,
    typeToConfirm,
    danger,
    busy,
    confirmDisabled,
    error,
    onConfirm,
    onCancel,
  } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const titleId = useId();
  const inputId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setTyped('');
      dialog.showModal();
      // A field in the body marked data-autofocus (e.g. a reason to give) takes the focus from Cancel.
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  const ready = (!typeToConfirm || typed === typeToConfirm) && !confirmDisabled;
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (ready && !busy) onConfirm();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <div className="dialog-body">{children}</div>
        {typeToConfirm ? (
          <div className="field">
            <label htmlFor={inputId}>
              Type <strong>{typeToConfirm}</strong> to confirm
            </label>
            <input id={inputId} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </div>
        ) : null}
        {error}
        <div className="actions">
          <button type="button" className="button secondary" onClick={onCancel} autoFocus>
            Cancel
          </button>
          <button type="submit" className={`button${danger ? ' danger' : ''}`} disabled={!ready || busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
