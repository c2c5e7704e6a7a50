// Extracts, from GitHub's OpenAPI description (npm @octokit/openapi), the response schemas of
// every operation the sandbox serves, with the components they reference, into a small fixture
// the fidelity tests validate against. Run after adding a route: `node scripts/extract-openapi.mjs`.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const api = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'));
const restDir = new URL('../packages/sandbox/src/rest/', import.meta.url);
const routes = [];
for (const file of readdirSync(restDir)) {
  const text = readFileSync(new URL(file, restDir), 'utf8');
  for (const m of text.matchAll(/router\.add\(\s*'([A-Z]+)',\s*'([^']+)'/g)) routes.push([m[1], m[2]]);
}

const operations = {};
const needed = new Set();
const collect = (node) => {
  if (Array.isArray(node)) return node.forEach(collect);
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const [, kind, name] = value.split('/').slice(1);
        const id = `${kind}/${name}`;
        if (!needed.has(id)) {
          needed.add(id);
          collect(api.components[kind][name]);
        }
      } else collect(value);
    }
  }
};
const resolveResponse = (response) => (response.$ref ? api.components.responses[response.$ref.split('/').pop()] : response);
const missing = [];
for (const [method, path] of routes) {
  const operation = api.paths[path]?.[method.toLowerCase()];
  if (!operation) {
    missing.push(`${method} ${path}`);
    continue;
  }
  const responses = {};
  for (const [status, raw] of Object.entries(operation.responses)) {
    const response = resolveResponse(raw);
    const schema = response?.content?.['application/json']?.schema;
    responses[status] = schema ?? null;
    if (schema) collect(schema);
  }
  operations[`${method} ${path}`] = { operationId: operation.operationId, responses };
}
const components = { schemas: {} };
for (const id of [...needed].sort()) {
  const [kind, name] = id.split('/');
  if (kind !== 'schemas') continue;
  components.schemas[name] = api.components.schemas[name];
}
const out = { source: `@octokit/openapi ${require('@octokit/openapi/package.json').version} (api.github.com ${api.info.version})`, unlisted: missing.sort(), operations, components };
writeFileSync(new URL('../test/fixtures/openapi-operations.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
console.log(`${Object.keys(operations).length} operations, ${Object.keys(components.schemas).length} schemas; not in GitHub's description: ${missing.join(', ') || 'none'}`);
