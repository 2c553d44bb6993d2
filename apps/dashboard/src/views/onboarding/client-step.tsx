import type { TenantResponse } from '@bsp/contracts';
import { type FormEvent, useState } from 'react';
import { clustersApi, tenantsApi } from '../../api/endpoints';
import { ErrorMessage } from '../../components/feedback';
import { FormField } from '../../components/form-field';
import { useFormAction } from '../../lib/use-form-action';
import { useResource } from '../../lib/use-resource';

const REGION = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;

export function ClientStep({ onCreated }: { onCreated: (tenant: TenantResponse) => void }) {
  const [name, setName] = useState('');
  const [dataRegion, setDataRegion] = useState('');
  const [slug, setSlug] = useState('');
  const [touched, setTouched] = useState(false);
  // Regions with registered clusters, offered as suggestions; any well-formed region is accepted.
  const clusters = useResource(() => clustersApi.list({}).catch(() => []), 'wizard-regions');
  const regions = [...new Set((clusters.data ?? []).map((c) => c.region))].sort();

  const localName = touched && !name.trim() ? 'Enter the client’s name.' : undefined;
  const localRegion =
    touched && !dataRegion
      ? 'Choose the data-residency region.'
      : dataRegion && !REGION.test(dataRegion)
        ? 'Lowercase letters, digits and hyphens, e.g. eu-central.'
        : undefined;

  const create = useFormAction(
    async () =>
      onCreated(
        await tenantsApi.create({
          name: name.trim(),
          dataRegion,
          ...(slug.trim() ? { slug: slug.trim() } : {}),
        }),
      ),
    { keepBusyOnSuccess: true },
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!name.trim() || !REGION.test(dataRegion)) return;
    void create.run();
  };
  const fe = create.apiError;
  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="client-step-title">
      <h2 id="client-step-title">The client</h2>
      <FormField label="Client name" error={fe?.forField('name') ?? localName}>
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required autoFocus />
      </FormField>
      <FormField
        label="Data region"
        hint={
          regions.length
            ? `Where the client’s data and numbers live. Regions with clusters: ${regions.join(', ')}.`
            : 'Where the client’s data and numbers live, e.g. eu-central. No clusters are registered yet.'
        }
        error={fe?.forField('dataRegion') ?? localRegion}
      >
        <input
          value={dataRegion}
          onChange={(e) => setDataRegion(e.target.value.trim())}
          list="wizard-regions"
          required
        />
      </FormField>
      <datalist id="wizard-regions">
        {regions.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <FormField
        label="Slug (optional)"
        hint="Short DNS-safe name used in namespaces; derived from the name when empty."
        error={fe?.forField('slug') ?? (fe?.code === 'slug_taken' ? fe.message : undefined)}
      >
        <input value={slug} onChange={(e) => setSlug(e.target.value)} maxLength={63} />
      </FormField>
      <ErrorMessage error={fe?.code === 'slug_taken' ? null : create.error} />
      <div className="actions">
        <button type="submit" className="button primary" disabled={create.busy}>
          {create.busy ? 'Creating…' : 'Create client and continue'}
        </button>
      </div>
    </form>
  );
}
