import {
  CACHED_RESOURCES,
  collectionPath,
  kubeGatewayPermissions,
  objectPath,
  resourceFor,
  UnsupportedKindError,
} from './kube-resource.table';

describe('kube resource table', () => {
  it('builds core, group, namespaced and cluster-scoped paths', () => {
    expect(objectPath(resourceFor('v1', 'Namespace'), { name: 'n-1' })).toBe('/api/v1/namespaces/n-1');
    expect(objectPath(resourceFor('v1', 'Namespace'), { name: 'n-1', namespace: 'ignored' })).toBe(
      '/api/v1/namespaces/n-1',
    );
    expect(objectPath(resourceFor('apps/v1', 'StatefulSet'), { namespace: 'ns', name: 'core' })).toBe(
      '/apis/apps/v1/namespaces/ns/statefulsets/core',
    );
    expect(objectPath(resourceFor('coordination.k8s.io/v1', 'Lease'), { namespace: 'ns', name: 'l' })).toBe(
      '/apis/coordination.k8s.io/v1/namespaces/ns/leases/l',
    );
    expect(collectionPath(resourceFor('policy/v1', 'PodDisruptionBudget'))).toBe(
      '/apis/policy/v1/poddisruptionbudgets',
    );
    expect(objectPath(resourceFor('v1', 'Secret'), { namespace: 'a b', name: 'x/y' })).toBe(
      '/api/v1/namespaces/a%20b/secrets/x%2Fy',
    );
  });

  it('refuses unknown kinds and namespaced objects without a namespace', () => {
    expect(() => resourceFor('v1', 'ConfigMap')).toThrow(UnsupportedKindError);
    expect(() => resourceFor('apps/v2', 'Deployment')).toThrow('does not handle apps/v2 Deployment');
    expect(() => objectPath(resourceFor('v1', 'Service'), { name: 's' })).toThrow(
      'Service s: metadata.namespace is required',
    );
  });

  it('caches every kind but the Lease and derives RBAC rules from the table', () => {
    expect(CACHED_RESOURCES.map((r) => r.kind)).not.toContain('Lease');
    expect(CACHED_RESOURCES).toHaveLength(12);
    const rules = kubeGatewayPermissions();
    expect(rules).toContainEqual({
      group: 'apps',
      resource: 'statefulsets',
      verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
    });
    expect(rules).toContainEqual({
      group: 'coordination.k8s.io',
      resource: 'leases',
      verbs: ['get', 'create', 'patch', 'delete'],
    });
    expect(rules.find((r) => r.resource === 'pods')?.group).toBe('');
    expect(rules).toContainEqual({ group: '', resource: 'services/proxy', verbs: ['get'] });
  });
});
