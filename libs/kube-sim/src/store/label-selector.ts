import { ApiError } from './api-error';

export type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!' };

/** The `metav1.LabelSelector` shape used by Deployments, PDBs, NetworkPolicies... */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * A parsed label selector. Matches every object when empty, like Kubernetes (an empty
 * `matchLabels` selector selects everything; a missing selector is handled by callers).
 */
export class LabelSelector {
  private constructor(readonly requirements: Requirement[]) {}

  static everything(): LabelSelector {
    return new LabelSelector([]);
  }

  static parse(text: string | undefined): LabelSelector {
    if (!text || !text.trim()) return LabelSelector.everything();
    const reqs: Requirement[] = [];
    for (const part of splitTopLevel(text)) {
      const p = part.trim();
      if (!p) continue;
      let m: RegExpExecArray | null;
      if ((m = /^!\s*([^\s!=(),]+)$/.exec(p))) {
        reqs.push({ key: m[1]!, op: '!' });
      } else if ((m = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
        const values = m[3]!
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '');
        reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
      } else if ((m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(p))) {
        reqs.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
      } else if ((m = /^([^\s!=(),]+)$/.exec(p))) {
        reqs.push({ key: m[1]!, op: 'exists' });
      } else {
        throw ApiError.badRequest(`unable to parse requirement: found '${p}', expected: identifier`);
      }
    }
    return new LabelSelector(reqs);
  }

  static fromObject(sel: LabelSelectorObject | undefined | null): LabelSelector {
    if (!sel) return LabelSelector.everything();
    const reqs: Requirement[] = [];
    for (const [key, value] of Object.entries(sel.matchLabels ?? {}))
      reqs.push({ key, op: 'in', values: [value] });
    for (const e of sel.matchExpressions ?? []) {
      switch (e.operator) {
        case 'In':
          reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
          break;
        case 'NotIn':
          reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
          break;
        case 'Exists':
          reqs.push({ key: e.key, op: 'exists' });
          break;
        case 'DoesNotExist':
          reqs.push({ key: e.key, op: '!' });
          break;
        default:
          throw ApiError.badRequest(`"${e.operator}" is not a valid label selector operator`);
      }
    }
    return new LabelSelector(reqs);
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Record<string, string> | undefined): boolean {
    const l = labels ?? {};
    for (const r of this.requirements) {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'in':
          if (!has || !r.values.includes(l[r.key]!)) return false;
          break;
        case 'notin':
          if (has && r.values.includes(l[r.key]!)) return false;
          break;
        case 'exists':
          if (!has) return false;
          break;
        case '!':
          if (has) return false;
          break;
      }
    }
    return true;
  }

  toString(): string {
    return this.requirements
      .map((r) => {
        switch (r.op) {
          case 'exists':
            return r.key;
          case '!':
            return `!${r.key}`;
          case 'in':
            return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
          case 'notin':
            return r.values.length === 1
              ? `${r.key}!=${r.values[0]}`
              : `${r.key} notin (${r.values.join(',')})`;
        }
      })
      .join(',');
  }
}

/** Splits on commas that are not inside parentheses. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
