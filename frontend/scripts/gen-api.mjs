// Generates src/api/schema.d.ts from the API's OpenAPI schema, without a running server:
// `python manage.py export_openapi` writes the JSON, openapi-typescript turns it into types.
// OPENAPI_SCHEMA=path/to/openapi.json skips the Python step (e.g. in a Node-only build stage).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, "..");
const root = resolve(frontend, "..");
const out = resolve(frontend, "src/api/schema.d.ts");
let schema = process.env.OPENAPI_SCHEMA && resolve(process.env.OPENAPI_SCHEMA);

if (!schema) {
  schema = resolve(frontend, "node_modules/.cache/openapi.json");
  mkdirSync(dirname(schema), { recursive: true });
  const venvPython = resolve(root, ".venv/bin/python");
  const python = process.env.PYTHON || (existsSync(venvPython) ? venvPython : "python3");
  const env = { ...process.env };
  // Exporting the schema needs no secret; debug settings skip the production key check.
  if (!env.DJANGO_SECRET_KEY) env.DJANGO_DEBUG = "true";
  execFileSync(python, ["manage.py", "export_openapi", schema], { cwd: root, env, stdio: "inherit" });
}

const cli = resolve(frontend, "node_modules/openapi-typescript/bin/cli.js");
execFileSync(process.execPath, [cli, schema, "-o", out, "--root-types", "--root-types-no-schema-prefix"], {
  cwd: frontend,
  stdio: "inherit",
});
