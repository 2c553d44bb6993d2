import type { IssuedApiKeyResponse } from '@bsp/contracts';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { tenantsApi } from '../../api/endpoints';
import { AddNumberForm } from '../../components/add-number-form';
import { IssueKeyForm } from '../../components/api-keys-panel';
import { ErrorMessage, Loading } from '../../components/feedback';
import { KeyReveal } from '../../components/key-reveal';
import { PageHeader } from '../../components/page-header';
import { useResource } from '../../lib/use-resource';
import { ClientStep } from './client-step';
import { ProvisioningStep } from './provisioning-step';

const STEPS = [
  { id: 'client', label: 'Client' },
  { id: 'number', label: 'First number' },
  { id: 'provisioning', label: 'Provisioning' },
  { id: 'key', label: 'API key' },
] as const;
type StepId = (typeof STEPS)[number]['id'];

/**
 * Onboarding: client → first number → provisioning progress → first API key. Progress lives in
 * the URL (?tenant=&number=&step=) so a reload resumes where it was, never re-creating anything.
 */
export default function OnboardingPage() {
  const [params, setParams] = useSearchParams();
  const tenantId = params.get('tenant');
  const numberId = params.get('number');
  const requested = params.get('step') as StepId | null;
  const step: StepId = !tenantId
    ? 'client'
    : requested && STEPS.some((s) => s.id === requested)
      ? requested
      : 'number';
  const [issued, setIssued] = useState<IssuedApiKeyResponse | null>(null);
  const tenant = useResource(
    () => (tenantId ? tenantsApi.get(tenantId) : Promise.resolve(null)),
    tenantId ?? '',
  );

  const go = (next: Record<string, string>) => setParams({ ...Object.fromEntries(params), ...next });
  const index = STEPS.findIndex((s) => s.id === step);

  return (
    <>
      <PageHeader
        title="Onboard a client"
        subtitle="Create the client, add its first number, watch it come up, and hand over its first API key."
      />
      <ol className="steps" aria-label="Onboarding steps">
        {STEPS.map((s, i) => (
          <li
            key={s.id}
            className={i < index ? 'done' : i === index ? 'current' : ''}
            aria-current={i === index ? 'step' : undefined}
          >
            <span className="step-number" aria-hidden="true">
              {i + 1}
            </span>
            {s.label}
            {i < index ? <span className="sr-only"> (done)</span> : null}
          </li>
        ))}
      </ol>
      {step === 'client' ? (
        <ClientStep onCreated={(t) => setParams({ tenant: t.id, step: 'number' })} />
      ) : null}
      {step !== 'client' && tenant.loading && !tenant.data ? <Loading label="Loading client…" /> : null}
      {step !== 'client' ? <ErrorMessage error={tenant.error} onRetry={tenant.reload} /> : null}
      {step !== 'client' && tenant.data ? (
        <p className="notice">
          Client <strong>{tenant.data.name}</strong> (<code>{tenant.data.slug}</code>, region{' '}
          {tenant.data.dataRegion}) is created.
        </p>
      ) : null}
      {step === 'number' && tenant.data ? (
        <AddNumberForm
          tenantId={tenant.data.id}
          defaultRegion={tenant.data.dataRegion}
          title="Add the first number"
          headingLevel={2}
          submitLabel="Add number and continue"
          onAdded={(n) => go({ number: n.id, step: 'provisioning' })}
        />
      ) : null}
      {step === 'provisioning' && tenant.data ? (
        numberId ? (
          <ProvisioningStep numberId={numberId} onContinue={() => go({ step: 'key' })} />
        ) : (
          <ErrorMessage error={new Error('missing number')} />
        )
      ) : null}
      {step === 'key' && tenant.data ? (
        issued ? (
          <>
            <KeyReveal issued={issued} headingLevel={2} />
            <div className="actions">
              <Link className="button primary" to={`/tenants/${tenant.data.id}`}>
                Finish: go to {tenant.data.name}
              </Link>
            </div>
          </>
        ) : (
          <IssueKeyForm
            tenantId={tenant.data.id}
            defaultName={`${tenant.data.name} primary key`}
            headingLevel={2}
            onIssued={setIssued}
          />
        )
      ) : null}
    </>
  );
}
