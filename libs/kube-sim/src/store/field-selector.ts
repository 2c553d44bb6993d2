import { ApiError } from './api-error';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** A parsed field selector (`a=b,c!=d`); which fields are allowed is per resource. */
export class FieldSelector {
  private constructor(readonly requirements: FieldRequirement[]) {}

  static parse(text: string | undefined): FieldSelector {
    if (!text || !text.trim()) return new FieldSelector([]);
    const reqs: FieldRequirement[] = [];
    for (const part of text.split(',')) {
      const p = part.trim();
      if (!p) continue;
      const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(p);
      if (!m) throw ApiError.badRequest(`invalid selector: '${text}'; can't understand '${p}'`);
      reqs.push({ field: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! });
    }
    return new FieldSelector(reqs);
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  /** The single `metadata.name=x` requirement if that is all there is (kubectl wait/delete use it). */
  exactName(): string | undefined {
    const r = this.requirements;
    return r.length === 1 && r[0]!.field === 'metadata.name' && r[0]!.op === '=' ? r[0]!.value : undefined;
  }

  check(allowed: (field: string) => boolean): void {
    for (const r of this.requirements) {
      if (!allowed(r.field)) throw ApiError.badRequest(`field label not supported: ${r.field}`);
    }
  }

  matches(get: (field: string) => string | undefined): boolean {
    for (const r of this.requirements) {
      const v = get(r.field) ?? '';
      if (r.op === '=' ? v !== r.value : v === r.value) return false;
    }
    return true;
  }
}
