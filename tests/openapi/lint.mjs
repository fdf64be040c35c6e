// Fetches /openapi.json from the real binary (the root document merged with every fragment)
// and validates it: @apidevtools/swagger-parser (schema and $refs) and `redocly lint` (the
// recommended ruleset's errors). Exit code 0 only when both accept it.
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ParcoursServer } from '../browser/server.js';

const here = dirname(fileURLToPath(import.meta.url));
const server = await new ParcoursServer().start();
let failed = false;
try {
  const response = await fetch(`${server.baseUrl}/openapi.json`);
  if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
  const doc = await response.json();
  const file = join(mkdtempSync(join(tmpdir(), 'parcours-openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(doc, null, 2));
  await SwaggerParser.validate(file);
  console.log(`swagger-parser: valid (${Object.keys(doc.paths).length} paths)`);
  try {
    execFileSync(join(here, 'node_modules', '.bin', 'redocly'), ['lint', '--config', join(here, 'redocly.yaml'), '--format=stylish', file], { stdio: 'inherit' });
  } catch {
    failed = true;
  }
} catch (e) {
  console.error(e.message);
  failed = true;
} finally {
  await server.stop();
  server.cleanup();
}
process.exit(failed ? 1 : 0);
