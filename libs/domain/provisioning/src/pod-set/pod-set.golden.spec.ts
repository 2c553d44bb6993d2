import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { haStandbyInput, singlePrimaryInput } from './pod-set.fixtures';
import { renderPodSet } from './pod-set.renderer';
import type { KubernetesManifest, PodSetInput } from './pod-set.types';

// UPDATE_GOLDEN=1 rewrites the files; review the diff before committing it.
const update = process.env['UPDATE_GOLDEN'] === '1';

function toYaml(manifests: KubernetesManifest[]): string {
  return manifests.map((m) => `---\n${stringify(m, { lineWidth: 0, singleQuote: true })}`).join('');
}

const cases: [string, () => PodSetInput][] = [
  ['single-primary', singlePrimaryInput],
  ['ha-standby', haStandbyInput],
];

describe.each(cases)('golden pod set: %s', (name, input) => {
  const file = join(__dirname, '__golden__', `${name}.yaml`);

  it('matches the pinned manifests', () => {
    const rendered = renderPodSet(input());
    if (update || !existsSync(file)) {
      if (!update) throw new Error(`${file} is missing: run with UPDATE_GOLDEN=1 to create it`);
      writeFileSync(file, toYaml(rendered));
    }
    const golden = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
    expect(rendered).toEqual(golden);
  });
});
