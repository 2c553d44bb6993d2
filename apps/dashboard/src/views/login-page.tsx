import { type FormEvent, useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/api-error';
import { useSession } from '../auth/session-context';
import { ErrorMessage } from '../components/feedback';
import { FormField } from '../components/form-field';

export function LoginPage() {
  const { login } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    document.title = 'Log in · BSP control plane';
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
      const next = params.get('next');
      // Only same-app paths: an open redirect through ?next= would be a phishing aid.
      void navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const fieldError = error instanceof ApiError ? error : null;
  return (
    <main id="main" className="login">
      <form className="panel login-card" onSubmit={(e) => void submit(e)} noValidate>
        <h1>BSP control plane</h1>
        <p className="muted">Log in with your staff or client account.</p>
        <FormField label="Email" error={fieldError?.forField('email')}>
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoFocus
          />
        </FormField>
        <FormField label="Password" error={fieldError?.forField('password')}>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </FormField>
        <ErrorMessage error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
