import { Link } from 'react-router-dom';
import { PageHeader } from '../components/page-header';

export default function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no such page, or your role does not include it. <Link to="/">Go to the start page</Link>.
      </p>
    </>
  );
}
