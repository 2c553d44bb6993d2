import { ApiError } from '../store/api-error';
import { builtinResources } from './builtin-resources';
import type { ResourceDefinition } from './resource-definition';

/**
 * Looks resources up by plural ("pods"), qualified plural ("deployments.apps"), kind
 * ("Deployment"), singular or short name, and by group/version/plural for HTTP routing.
 */
export class ResourceRegistry {
  private readonly byName = new Map<string, ResourceDefinition>();
  private readonly byRoute = new Map<string, ResourceDefinition>();

  constructor(readonly all: ResourceDefinition[] = builtinResources()) {
    for (const d of all) {
      this.byRoute.set(`${d.group}/${d.version}/${d.plural}`, d);
      for (const n of [d.plural, `${d.plural}.${d.group}`, d.kind, d.singular, ...d.shortNames]) {
        if (!this.byName.has(n)) this.byName.set(n, d);
      }
    }
  }

  /** Finds a resource by any of its names; throws a 404 Status if unknown. */
  resolve(name: string): ResourceDefinition {
    const d = this.byName.get(name) ?? this.byName.get(name.toLowerCase());
    if (!d) throw new ApiError(404, 'NotFound', `the server doesn't have a resource type "${name}"`);
    return d;
  }

  find(name: string): ResourceDefinition | undefined {
    return this.byName.get(name);
  }

  route(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.byRoute.get(`${group}/${version}/${plural}`);
  }

  byKind(apiVersion: string, kind: string): ResourceDefinition | undefined {
    return this.all.find(
      (d) => d.kind === kind && (d.group ? `${d.group}/${d.version}` : d.version) === apiVersion,
    );
  }

  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const d of this.all) seen.set(`${d.group}/${d.version}`, { group: d.group, version: d.version });
    return [...seen.values()];
  }
}
