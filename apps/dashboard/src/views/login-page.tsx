import { type FormEvent, useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useSession } from '../auth/session-context';
import { ErrorMessage } from '../components/feedback';
import { FormField } from '../components/form-field';
import { useFormAction } from '../lib/use-form-action';

export function LoginPage() {
  const { login } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  useEffect(() => {
    document.title = 'Log in · BSP control plane';
  }, []);

  const signIn = useFormAction(
    async () => {
      await login(email.trim(), password);
      const next = params.get('next');
      // Only same-app paths: an open redirect through ?next= would be a phishing aid.
      void navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    },
    { keepBusyOnSuccess: true },
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void signIn.run();
  };

  return (
    <main id="main" className="login">
      <form className="panel login-card" onSubmit={submit} noValidate>
        <h1>BSP control plane</h1>
        <p className="muted">Log in with your staff or client account.</p>
        <FormField label="Email" error={signIn.fieldError('email')}>
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
          />
        </FormField>
        <FormField label="Password" error={signIn.fieldError('password')}>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </FormField>
        <ErrorMessage error={signIn.error} />
        <button type="submit" className="button primary" disabled={signIn.busy}>
          {signIn.busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
