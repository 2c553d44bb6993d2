import { kubeGatewayPermissions } from '@bsp/kube';
import { one, render } from './chart';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** `group/resource` → sorted verbs, from any list of rules. */
function grants(rules: { group: string; resource: string; verbs: string[] }[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const r of rules) {
    const key = `${r.group}/${r.resource}`;
    out[key] ??= new Set();
    for (const v of r.verbs) out[key].add(v);
  }
  return Object.fromEntries(
    Object.entries(out)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, [...v].sort()]),
  );
}

describe("the chart's ClusterRole and the worker's Kubernetes gateway", () => {
  const objects = render().objects;
  const role = one(objects, 'ClusterRole') as unknown as { rules: PolicyRule[] };

  it('grants exactly what kubeGatewayPermissions() says the gateway does: nothing missing, nothing more', () => {
    const chart = grants(
      role.rules.flatMap((rule) => {
        expect(rule.resourceNames, 'a ClusterRole rule limited to names').toBeUndefined();
        return rule.apiGroups.flatMap((group) =>
          rule.resources.map((resource) => ({ group, resource, verbs: rule.verbs })),
        );
      }),
    );
    const gateway = grants(kubeGatewayPermissions());
    expect(chart).toEqual(gateway);
  });

  it('has no wildcard, no escalate/bind/impersonate and no subresource but GET on services/proxy', () => {
    for (const rule of role.rules) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs]) expect(field).not.toContain('*');
      for (const verb of ['escalate', 'bind', 'impersonate', 'deletecollection'])
        expect(rule.verbs).not.toContain(verb);
      for (const resource of rule.resources) {
        // The health checks' WebApp probe; read-only, and nothing else behind the API server.
        if (resource === 'services/proxy') expect(rule.verbs).toEqual(['get']);
        else expect(resource).not.toContain('/');
      }
    }
  });

  it('is bound to the worker ServiceAccount only; the API mounts no token', () => {
    const binding = one(objects, 'ClusterRoleBinding') as unknown as {
      roleRef: { name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    };
    expect(binding.roleRef.name).toBe('bsp-control-plane-worker');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'bsp-control-plane-worker', namespace: 'bsp-control-plane' },
    ]);
    const apiAccount = one(objects, 'ServiceAccount', '-api') as unknown as {
      automountServiceAccountToken: boolean;
    };
    expect(apiAccount.automountServiceAccountToken).toBe(false);
  });
});
