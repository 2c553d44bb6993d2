/** The verb and resource of a Kubernetes API request, read from its method and path. */
export interface KubeRequestInfo {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export function kubeRequestInfo(method: string, url: string): KubeRequestInfo | undefined {
  const u = new URL(url, 'http://x');
  const parts = u.pathname.split('/').filter(Boolean);
  let rest: string[];
  let group: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (rest.length === 0) return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource) return undefined;
  const watch = u.searchParams.get('watch') === 'true' || u.searchParams.get('watch') === '1';
  let verb: string;
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      verb = name ? 'get' : watch ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = method.toLowerCase();
  }
  if (namespace === undefined && resource === 'namespaces' && name) {
    return { verb, group, resource, name, subresource };
  }
  return { verb, group, resource, namespace, name, subresource };
}
