import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ResponseRecord } from '@relkit/sandbox';

interface Extract {
  operations: Record<string, { operationId: string; responses: Record<string, unknown | null> }>;
  components: { schemas: Record<string, unknown> };
}

const ROOT_ID = 'https://relkit.test/github-openapi';
const extract = JSON.parse(readFileSync(new URL('../fixtures/openapi-operations.json', import.meta.url), 'utf8')) as Extract;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, inlineRefs: false });
addFormats(ajv);
// GitHub's description lists release-asset states `uploaded` and `open`, but an upload cut off
// mid-way leaves the asset in `starter` (seen by softprops/action-gh-release users), which the
// sandbox models; accept it rather than pretend it cannot happen.
const assetState = (extract.components.schemas['release-asset'] as { properties?: { state?: { enum?: string[] } } } | undefined)?.properties?.state;
if (assetState?.enum && !assetState.enum.includes('starter')) assetState.enum.push('starter');
ajv.addSchema({ $id: ROOT_ID, components: toJsonSchema(extract.components) });
const compiled = new Map<string, ValidateFunction>();

/** OpenAPI 3.0 `nullable: true` becomes JSON Schema's null type, which Ajv validates natively. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node))
    out[key] = key === 'properties' || key === 'patternProperties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toJsonSchema(v)])) : toJsonSchema(value);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function rebase(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${ROOT_ID}#/components/`));
}

function validatorFor(key: string, status: string): ValidateFunction | null | undefined {
  const cacheKey = `${key} ${status}`;
  if (compiled.has(cacheKey)) return compiled.get(cacheKey);
  const responses = extract.operations[key]?.responses;
  if (!responses || !(status in responses)) return undefined;
  const schema = responses[status];
  if (!schema) return null;
  const validate = ajv.compile(rebase(toJsonSchema(schema)) as object);
  compiled.set(cacheKey, validate);
  return validate;
}

/**
 * Checks one sandbox answer against GitHub's OpenAPI description of that operation and status.
 * Returns problems as readable lines; an empty list means the answer fits.
 */
export function validateAgainstOpenApi(record: ResponseRecord): string[] {
  if (record.server === 'graphql' || record.route === undefined || record.raw) return [];
  const key = `${record.method} ${record.route}`;
  if (!extract.operations[key]) return [];
  const status = String(record.status);
  const validate = validatorFor(key, status);
  if (validate === undefined) {
    // GitHub documents only some error statuses; an undocumented error must still look like one.
    if (record.status >= 400) return typeof (record.body as { message?: unknown })?.message === 'string' ? [] : [`${key} ${status}: error body without message`];
    return [`${key}: status ${status} is not in GitHub's description (${Object.keys(extract.operations[key]?.responses ?? {}).join(', ')})`];
  }
  if (validate === null || validate(record.body)) return [];
  return (validate.errors ?? []).slice(0, 5).map((e) => `${key} ${status}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

export function documentedOperations(): string[] {
  return Object.keys(extract.operations);
}
