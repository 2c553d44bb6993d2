import { ApiError } from '../store/api-error';

type FieldType =
  'string' | 'bytes' | 'bool' | 'map' | 'map-bytes' | 'strings' | `msg:${string}` | `msgs:${string}`;

// Field numbers from k8s.io/api generated.proto, for the kinds `kubectl create <type>` sends as
// protobuf and ops use by hand. Unlisted fields are skipped.
const messages: Record<string, Record<number, [string, FieldType]>> = {
  Unknown: { 1: ['typeMeta', 'msg:TypeMeta'], 2: ['raw', 'bytes'] },
  TypeMeta: { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] },
  ObjectMeta: {
    1: ['name', 'string'],
    2: ['generateName', 'string'],
    3: ['namespace', 'string'],
    11: ['labels', 'map'],
    12: ['annotations', 'map'],
    14: ['finalizers', 'strings'],
  },
  ConfigMap: {
    1: ['metadata', 'msg:ObjectMeta'],
    2: ['data', 'map'],
    3: ['binaryData', 'map-bytes'],
    4: ['immutable', 'bool'],
  },
  Secret: {
    1: ['metadata', 'msg:ObjectMeta'],
    2: ['data', 'map-bytes'],
    3: ['type', 'string'],
    4: ['stringData', 'map'],
    5: ['immutable', 'bool'],
  },
  Namespace: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['spec', 'msg:NamespaceSpec'] },
  NamespaceSpec: { 1: ['finalizers', 'strings'] },
  ServiceAccount: { 1: ['metadata', 'msg:ObjectMeta'], 4: ['automountServiceAccountToken', 'bool'] },
  Role: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['rules', 'msgs:PolicyRule'] },
  ClusterRole: { 1: ['metadata', 'msg:ObjectMeta'], 2: ['rules', 'msgs:PolicyRule'] },
  PolicyRule: {
    1: ['verbs', 'strings'],
    2: ['apiGroups', 'strings'],
    3: ['resources', 'strings'],
    4: ['resourceNames', 'strings'],
    5: ['nonResourceURLs', 'strings'],
  },
  RoleBinding: {
    1: ['metadata', 'msg:ObjectMeta'],
    2: ['subjects', 'msgs:Subject'],
    3: ['roleRef', 'msg:RoleRef'],
  },
  ClusterRoleBinding: {
    1: ['metadata', 'msg:ObjectMeta'],
    2: ['subjects', 'msgs:Subject'],
    3: ['roleRef', 'msg:RoleRef'],
  },
  Subject: {
    1: ['kind', 'string'],
    2: ['apiGroup', 'string'],
    3: ['name', 'string'],
    4: ['namespace', 'string'],
  },
  RoleRef: { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] },
};

const decodable: Record<string, string[]> = {
  v1: ['ConfigMap', 'Secret', 'Namespace', 'ServiceAccount'],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  // Reviews are answered from their kind alone; their spec is not needed.
  'authorization.k8s.io/v1': ['SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  'authentication.k8s.io/v1': ['SelfSubjectReview'],
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw ApiError.badRequest('protobuf: truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }

  bytes(): Buffer {
    const len = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw ApiError.badRequest(`protobuf: unsupported wire type ${wire}`);
    }
  }
}

function mapEntry(buf: Buffer, bytesValue: boolean): [string, string] {
  const r = new Reader(buf);
  let key = '';
  let value = '';
  while (r.pos < buf.length) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    if (field === 1) key = r.bytes().toString('utf8');
    else if (field === 2) {
      const b = r.bytes();
      value = bytesValue ? b.toString('base64') : b.toString('utf8');
    } else r.skip(tag & 7);
  }
  return [key, value];
}

function decodeMessage(buf: Buffer, type: string): Record<string, unknown> {
  const schema = messages[type] ?? {};
  const out: Record<string, unknown> = {};
  const r = new Reader(buf);
  while (r.pos < buf.length) {
    const tag = r.varint();
    const field = schema[Math.floor(tag / 8)];
    if (!field) {
      r.skip(tag & 7);
      continue;
    }
    const [name, kind] = field;
    switch (kind) {
      case 'string': {
        const s = r.bytes().toString('utf8');
        if (s !== '') out[name] = s;
        break;
      }
      case 'bytes':
        out[name] = r.bytes();
        break;
      case 'bool':
        out[name] = r.varint() !== 0;
        break;
      case 'strings':
        out[name] = [...((out[name] as string[] | undefined) ?? []), r.bytes().toString('utf8')];
        break;
      case 'map':
      case 'map-bytes': {
        const [k, v] = mapEntry(r.bytes(), kind === 'map-bytes');
        out[name] = { ...(out[name] ?? {}), [k]: v };
        break;
      }
      default: {
        if (kind.startsWith('msgs:')) {
          out[name] = [
            ...((out[name] as unknown[] | undefined) ?? []),
            decodeMessage(r.bytes(), kind.slice(5)),
          ];
          break;
        }
        const sub = decodeMessage(r.bytes(), kind.slice(4));
        if (Object.keys(sub).length) out[name] = sub;
      }
    }
  }
  return out;
}

/**
 * Decodes the protobuf envelope (`k8s\0` + runtime.Unknown) kubectl sends for imperative
 * `create configmap|secret|namespace|serviceaccount|role|rolebinding|...` and `auth can-i`;
 * anything else gets a clear 415.
 */
export function decodeProtobuf(raw: Buffer): Record<string, unknown> {
  if (raw.length < 4 || raw.subarray(0, 4).toString('latin1') !== 'k8s\0')
    throw ApiError.badRequest('protobuf body without the k8s envelope');
  const unknown = decodeMessage(raw.subarray(4), 'Unknown');
  const typeMeta = (unknown['typeMeta'] ?? {}) as { apiVersion?: string; kind?: string };
  const kind = typeMeta.kind ?? '';
  const apiVersion = typeMeta.apiVersion ?? '';
  if (!decodable[apiVersion]?.includes(kind))
    throw ApiError.unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (this Kubernetes emulator decodes protobuf only for ConfigMap, Secret, Namespace, ServiceAccount and RBAC kinds; use \`kubectl apply -f\` or \`kubectl create -f\` with a manifest for ${kind || 'this kind'})`,
    );
  const payload = unknown['raw'];
  const body: Buffer = Buffer.isBuffer(payload) ? payload : Buffer.alloc(0);
  return { apiVersion, kind, ...decodeMessage(body, kind) };
}
