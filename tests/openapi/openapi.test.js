// The OpenAPI document served at /openapi.json by the real binary is a valid OpenAPI 3.1
// description (schema and $refs checked by swagger-parser), with operation ids unique across
// the document, and every documented GET path is actually routed by the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ParcoursServer } from '../browser/server.js';

let server;
let document;

before(async () => {
  server = await new ParcoursServer().start();
  const response = await fetch(`${server.baseUrl}/openapi.json`);
  assert.equal(response.status, 200);
  document = await response.json();
});

after(async () => {
  if (server) {
    await server.stop();
    server.cleanup();
  }
});

test('the document is valid OpenAPI 3.1', async () => {
  assert.equal(document.openapi, '3.1.0');
  // validate() dereferences, so it works on a copy.
  await SwaggerParser.validate(structuredClone(document));
});

test('operation ids are unique and every operation documents its responses', () => {
  const seen = new Map();
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${path}: responses`);
      if (op.operationId) {
        assert.ok(!seen.has(op.operationId),
          `operationId ${op.operationId} used by ${seen.get(op.operationId)} and ${method} ${path}`);
        seen.set(op.operationId, `${method} ${path}`);
      }
    }
  }
  assert.ok(seen.size >= 4);
});

test('every documented GET without path parameters is routed', async () => {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!item.get || path.includes('{')) continue;
    const response = await fetch(`${server.baseUrl}${path}`, { headers: { Accept: 'application/json' } });
    // The router answers an unknown path with the problem code "http.not_found" and a known
    // path with another method with 405; anything else (200, 401, 403...) means it is routed.
    let code = '';
    if ((response.headers.get('content-type') || '').startsWith('application/problem+json')) {
      code = (await response.json()).code;
    }
    assert.ok(code !== 'http.not_found' && response.status !== 405,
      `GET ${path} is documented but not routed (${response.status} ${code})`);
  }
});
