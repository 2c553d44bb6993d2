import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../store/api-error';
import { decodeProtobuf } from './protobuf-decoder';

const maxBody = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBody)
      throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

function looksLikeJson(text: string): boolean {
  return /^\s*\{/.test(text);
}

function parseJsonOrYaml(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return parseYaml(text) as unknown;
  }
}

/** Decodes a JSON, YAML or (for the few kinds kubectl creates imperatively) protobuf request body. */
export function decodeBody(raw: Buffer, type: string): unknown {
  if (type.includes('protobuf')) return decodeProtobuf(raw);
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    // JSON is YAML, and clients (client-go, client-node) send apply patches as JSON: the JSON
    // parser is much faster than the YAML one, so try it first.
    if (type.includes('yaml'))
      return looksLikeJson(text) ? parseJsonOrYaml(text) : (parseYaml(text) as unknown);
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw ApiError.badRequest(`error decoding request body: ${(e as Error).message}`);
  }
}
