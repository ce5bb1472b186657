// docs/openapi.yaml is the contract other tools read: it must parse as YAML,
// and every HTTP route the server registers under /api, /hooks, /healthz and
// /metrics must be described there (and nothing described that no route serves).
// The routes are read from the gg_http_route() calls in src/, so a new handler
// without documentation fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function cFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...cFiles(p));
    else if (name.endsWith('.c')) out.push(p);
  }
  return out;
}

function serverRoutes() {
  const re = /gg_http_route\(\s*\w+,\s*"([A-Z]+)",\s*"([^"]+)"/g;
  const routes = new Set();
  for (const f of cFiles(join(root, 'src'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(re)) {
      routes.add(`${m[1].toLowerCase()} ${m[2]}`);
    }
  }
  return routes;
}

const documented = /^\/(api|hooks|healthz|metrics)(\/|$)/;

test('docs/openapi.yaml parses and names every API route the server has', () => {
  const doc = parse(readFileSync(join(root, 'docs', 'openapi.yaml'), 'utf8'), {
    uniqueKeys: true,
  });
  assert.match(String(doc.openapi), /^3\./);
  const inDoc = new Set();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
      if (item[m]) {
        assert.ok(item[m].responses, `${m} ${path} has no responses`);
        inDoc.add(`${m} ${path}`);
      }
    }
  }
  const routes = serverRoutes();
  const api = [...routes].filter((r) => documented.test(r.split(' ')[1]));
  assert.ok(api.length >= 50, `only ${api.length} API routes found in src/: the scan is broken`);
  const missing = api.filter((r) => !inDoc.has(r)).sort();
  assert.deepEqual(missing, [], 'routes missing from docs/openapi.yaml');
  const stale = [...inDoc].filter((r) => !routes.has(r)).sort();
  assert.deepEqual(stale, [], 'docs/openapi.yaml describes routes the server does not have');
});
