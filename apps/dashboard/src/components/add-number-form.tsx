import { NUMBER_MODES, type NumberMode, type NumberResponse } from '@bsp/contracts';
import { type FormEvent, useId, useState } from 'react';
import { numbersApi } from '../api/endpoints';
import { checkPhone } from '../lib/phone';
import { useFormAction } from '../lib/use-form-action';
import { ErrorMessage } from './feedback';
import { FormField } from './form-field';

const MODE_TEXT: Record<NumberMode, string> = {
  single: 'Single instance: one pod set.',
  ha: 'High availability: a standby placement in another zone or cluster of the same region, for failover.',
};

export function AddNumberForm({
  tenantId,
  defaultRegion,
  title = 'Add a number',
  submitLabel = 'Add number',
  headingLevel = 3,
  onAdded,
}: {
  tenantId: string;
  defaultRegion: string;
  title?: string;
  submitLabel?: string;
  headingLevel?: 2 | 3;
  onAdded: (number: NumberResponse) => void;
}) {
  const id = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const [phone, setPhone] = useState('');
  const [touched, setTouched] = useState(false);
  const [displayName, setDisplayName] = useState('');
  const [mode, setMode] = useState<NumberMode>('single');
  const check = checkPhone(phone);
  const create = useFormAction(async (e164: string) =>
    onAdded(
      await numbersApi.create(tenantId, {
        phoneNumber: e164,
        mode,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      }),
    ),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (check.kind !== 'plausible') return;
    void create.run(check.e164);
  };

  const fe = create.apiError;
  const serverPhoneError =
    fe?.forField('phoneNumber') ?? (fe?.code === 'number_taken' ? fe.message : undefined);
  const localError =
    touched && check.kind === 'invalid'
      ? check.message
      : touched && check.kind === 'empty'
        ? 'Enter the phone number.'
        : undefined;
  const status =
    check.kind === 'plausible' ? (
      <p className="check-ok">
        {check.countryLabel ? `Country: ${check.countryLabel}` : 'Country: unknown'}
        {check.warning ? <span className="check-warn"> — {check.warning}</span> : null}
      </p>
    ) : check.kind === 'invalid' && !touched ? (
      <p className="check-pending">{check.message}</p>
    ) : null;

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`}>{title}</Heading>
      <FormField
        label="Phone number (E.164)"
        hint="International format: + country code and number, e.g. +4915123456789."
        status={status}
        error={serverPhoneError ?? localError}
      >
        <input
          type="tel"
          inputMode="tel"
          autoComplete="off"
          value={phone}
          onChange={(e) => {
            setPhone(e.target.value);
            create.clearError();
          }}
          onBlur={() => setTouched(phone.length > 0)}
          required
        />
      </FormField>
      <FormField
        label="Display name (optional)"
        hint="How staff will recognise the number, e.g. Support line."
        error={create.fieldError('displayName')}
      >
        <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={200} />
      </FormField>
      <fieldset className="field">
        <legend>Mode</legend>
        {NUMBER_MODES.map((m) => (
          <label key={m} className="check">
            <input
              type="radio"
              name={`${id}-mode`}
              value={m}
              checked={mode === m}
              onChange={() => setMode(m)}
            />
            <strong>{m === 'ha' ? 'HA' : 'Single'}</strong> — {MODE_TEXT[m]}
          </label>
        ))}
      </fieldset>
      <p className="muted small">Data-residency region: {defaultRegion} (the client&rsquo;s region).</p>
      <ErrorMessage error={serverPhoneError ? null : create.error} />
      <div className="actions">
        <button type="submit" className="button primary" disabled={create.busy}>
          {create.busy ? 'Adding…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
