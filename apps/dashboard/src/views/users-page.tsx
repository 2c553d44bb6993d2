import {
  isStaffRole,
  MAX_PAGE_SIZE,
  STAFF_ROLES,
  TENANT_ROLES,
  type UserRole,
  type UserResponse,
} from '@bsp/contracts';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { tenantsApi, usersApi } from '../api/endpoints';
import { type Permissions, ROLE_LABELS } from '../auth/permissions';
import { useSignedIn } from '../auth/session-context';
import { Empty, ErrorMessage, Loading } from '../components/feedback';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { StateBadge } from '../components/state-badge';
import { ClientFilterBar, TenantPicker } from '../components/tenant-picker';
import { formatDateTime, formatRelative } from '../lib/format';
import { useFormAction } from '../lib/use-form-action';
import { useResource } from '../lib/use-resource';

/** The roles this person may hand out: platform admins any; operators and client admins client roles. */
function grantableRoles(can: Permissions): readonly UserRole[] {
  return can.role === 'platform_admin' ? [...STAFF_ROLES, ...TENANT_ROLES] : TENANT_ROLES;
}

const ROLE_HINT: Record<UserRole, string> = {
  platform_admin: 'BSP staff: everything, including clusters and staff users.',
  operator: 'BSP staff: every client, onboarding and day-two operations.',
  tenant_admin: 'The client’s own admin: its numbers, keys and users.',
  tenant_viewer: 'Read only, within one client.',
};

function CreateUserForm({
  can,
  defaultTenantId,
  onCreated,
  onCancel,
}: {
  can: Permissions;
  defaultTenantId: string;
  onCreated: (user: UserResponse) => void;
  onCancel: () => void;
}) {
  const roles = grantableRoles(can);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('tenant_viewer');
  const [tenantId, setTenantId] = useState(can.tenantId ?? defaultTenantId);
  const [touched, setTouched] = useState(false);
  const staff = isStaffRole(role);
  const create = useFormAction(async () =>
    onCreated(
      await usersApi.create({
        email: email.trim(),
        password,
        role,
        ...(staff ? {} : { tenantId }),
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      }),
    ),
  );
  const localErrors = {
    email: touched && !email.trim() ? 'Enter the person’s email.' : undefined,
    password:
      touched && password.length < 12 ? 'Use at least 12 characters; a passphrase is best.' : undefined,
    tenantId: touched && !staff && !tenantId ? 'Choose the client this person belongs to.' : undefined,
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!email.trim() || password.length < 12 || (!staff && !tenantId)) return;
    void create.run();
  };
  const fe = create.apiError;
  const emailError =
    create.fieldError('email') ?? (fe?.code === 'email_taken' ? fe.message : undefined) ?? localErrors.email;

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="create-user-title">
      <h2 id="create-user-title">Add a user</h2>
      <div className="grid-2">
        <FormField label="Email" error={emailError}>
          <input type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </FormField>
        <FormField label="Name (optional)" error={create.fieldError('displayName')}>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={200} />
        </FormField>
        <FormField
          label="Initial password"
          hint="At least 12 characters. Hand it over through a safe channel."
          error={create.fieldError('password') ?? localErrors.password}
        >
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </FormField>
        <FormField label="Role" hint={ROLE_HINT[role]} error={create.fieldError('role')}>
          <select value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </FormField>
        {!staff && can.isStaff ? (
          <div
            className={`field${localErrors.tenantId || create.fieldError('tenantId') ? ' field-invalid' : ''}`}
          >
            <label htmlFor="new-user-tenant">Client</label>
            <TenantPicker id="new-user-tenant" value={tenantId} onChange={setTenantId} />
            {(create.fieldError('tenantId') ?? localErrors.tenantId) ? (
              <p className="field-error">{create.fieldError('tenantId') ?? localErrors.tenantId}</p>
            ) : null}
          </div>
        ) : null}
      </div>
      <ErrorMessage error={fe?.code === 'email_taken' || create.fieldError('email') ? null : create.error} />
      <div className="actions">
        <button type="submit" className="button primary" disabled={create.busy}>
          {create.busy ? 'Adding…' : 'Add user'}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export default function UsersPage() {
  const { can } = useSignedIn();
  const [params, setParams] = useSearchParams();
  const tenantFilter = can.tenantId ?? params.get('tenant') ?? '';
  const [version, setVersion] = useState(0);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<UserResponse | null>(null);
  const users = useResource(
    (signal) => usersApi.list({ tenantId: tenantFilter || undefined }, signal),
    `${tenantFilter}|${version}`,
  );
  // Client names for the table (staff see every client; a client user only their own).
  const tenants = useResource(
    () =>
      can.isStaff
        ? tenantsApi.list({ limit: MAX_PAGE_SIZE }).then((p) => p.items)
        : tenantsApi.get(can.tenantId ?? '').then((t) => [t]),
    'users-tenants',
  );
  const tenantName = (id: string | null) =>
    id ? (tenants.data?.find((t) => t.id === id)?.name ?? id.slice(0, 8)) : null;

  return (
    <>
      <PageHeader
        title="Users"
        subtitle={can.isStaff ? 'Staff and client users.' : 'The people of your client.'}
        actions={
          can.canWrite && !adding ? (
            <button
              type="button"
              className="button primary"
              onClick={() => {
                setAdding(true);
                setCreated(null);
              }}
            >
              Add user
            </button>
          ) : null
        }
      />
      <p role="status" aria-live="polite" className="small">
        {created ? `Added ${created.email} as ${ROLE_LABELS[created.role]}.` : ''}
      </p>
      {adding ? (
        <CreateUserForm
          can={can}
          defaultTenantId={tenantFilter}
          onCreated={(user) => {
            setAdding(false);
            setCreated(user);
            setVersion((v) => v + 1);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : null}
      {can.isStaff ? (
        <ClientFilterBar
          id="users-tenant"
          value={tenantFilter}
          onChange={(id) => setParams(id ? { tenant: id } : {})}
          allowAll="Everyone"
        />
      ) : null}
      {users.loading && !users.data ? <Loading label="Loading users…" /> : null}
      <ErrorMessage error={users.error} onRetry={users.reload} />
      {users.data && users.data.length === 0 ? (
        <Empty>
          <p>No users{tenantFilter ? ' for this client' : ''} yet.</p>
        </Empty>
      ) : null}
      {users.data && users.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Users</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Client</th>
                <th scope="col">Status</th>
                <th scope="col">Last login</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <th scope="row">{u.email}</th>
                  <td>{u.displayName ?? '—'}</td>
                  <td>{ROLE_LABELS[u.role]}</td>
                  <td>
                    {u.tenantId ? (
                      <Link to={`/tenants/${u.tenantId}`}>{tenantName(u.tenantId)}</Link>
                    ) : (
                      'BSP staff'
                    )}
                  </td>
                  <td>
                    <StateBadge
                      state={u.disabled ? 'suspended' : 'active'}
                      label={u.disabled ? 'disabled' : 'active'}
                    />
                  </td>
                  <td title={u.lastLoginAt ? formatDateTime(u.lastLoginAt) : undefined}>
                    {formatRelative(u.lastLoginAt)}
                  </td>
                  <td>{formatDateTime(u.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
