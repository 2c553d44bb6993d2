import { isObject } from '../resources/json-path';
import { fieldKind, structFields, type FieldKind } from '../resources/type-schema';

function walk(value: unknown, kind: FieldKind | undefined, path: string, out: string[]): void {
  if (!kind) return;
  switch (kind.kind) {
    case 'struct':
      if (isObject(value)) walkStruct(value, kind.type, path, out);
      return;
    case 'map':
      if (isObject(value))
        for (const [k, v] of Object.entries(value)) walk(v, kind.value, `${path}.${k}`, out);
      return;
    case 'list':
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, kind.item, `${path}[${i}]`, out));
      return;
    case 'scalar':
      return;
  }
}

function walkStruct(obj: Record<string, unknown>, typeName: string, path: string, out: string[]): void {
  const fields = structFields(typeName);
  if (!fields) return;
  for (const [k, v] of Object.entries(obj)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in fields)) {
      out.push(p);
      continue;
    }
    walk(v, fieldKind(typeName, k), p, out);
  }
}

/** Field paths in `obj` that the kind's schema does not declare ("spec.foo", "spec.containers[0].bar"). */
export function unknownFields(obj: unknown, typeName: string): string[] {
  const out: string[] = [];
  if (isObject(obj)) walkStruct(obj, typeName, '', out);
  return out;
}
