/**
 * The page's settings in its address: the scenario text, agents, days, seed and the comparison,
 * as JSON, deflated (CompressionStream 'deflate-raw') and written in base64url after `#z=`. Where a
 * browser has no CompressionStream the JSON goes uncompressed after `#u=`; both are read back.
 */

export interface Shared {
  yaml: string;
  /** The built-in the text came from, if any. */
  scenario?: string;
  agents?: string;
  days?: string;
  seed?: string;
  compare?: boolean;
  /** The changes for B, one `path=value` a line. */
  changes?: string;
  /** The parameter controls' changes, one `path=value` a line. */
  params?: string;
  /** The metric of the difference chart. */
  diff?: string;
  /** The metrics charted, in order, where the user chose them (absent: the scenario's default set). */
  charts?: string[];
}

const hasStreams = typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';

function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function through(bytes: Blob, stream: GenericTransformStream): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(bytes.stream().pipeThrough(stream)).arrayBuffer());
}

/** The hash (without `#`) that holds `state`. */
export async function encodeShared(state: Shared): Promise<string> {
  const json = JSON.stringify(state);
  if (!hasStreams) return `u=${toBase64url(new TextEncoder().encode(json))}`;
  return `z=${toBase64url(await through(new Blob([json]), new CompressionStream('deflate-raw')))}`;
}

/** The settings in a hash (with or without `#`), or undefined when it holds none (or is damaged). */
export async function decodeShared(hash: string): Promise<Shared | undefined> {
  const m = /^#?([zu])=([A-Za-z0-9_-]*)$/.exec(hash);
  if (!m) return undefined;
  try {
    const bytes = fromBase64url(m[2]!);
    const raw = m[1] === 'z' ? (hasStreams ? await through(new Blob([bytes]), new DecompressionStream('deflate-raw')) : undefined) : bytes;
    if (!raw) return undefined;
    const v = JSON.parse(new TextDecoder().decode(raw)) as unknown;
    return isShared(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function isShared(v: unknown): v is Shared {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  const optional = (k: string, type: string): boolean => o[k] === undefined || typeof o[k] === type;
  return typeof o.yaml === 'string' && ['scenario', 'agents', 'days', 'seed', 'changes', 'params', 'diff'].every((k) => optional(k, 'string')) && optional('compare', 'boolean') && (o.charts === undefined || (Array.isArray(o.charts) && o.charts.every((c) => typeof c === 'string')));
}
