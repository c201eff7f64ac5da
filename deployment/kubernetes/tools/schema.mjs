// Validates rendered objects against the Kubernetes OpenAPI schemas, offline: the JSON-schema
// validators that kubernetes-models compiles from the OpenAPI spec (types, enums, required fields,
// formats), and those of the Prometheus Operator and cert-manager CRDs. Two checks those
// validators leave out are added here:
// - unknown fields (a typo such as `readinessProbes` validates, and the API server would drop or
//   refuse it): every field must be a member of the model's type declarations, as with
//   kubeconform's -strict or the API server's strict field validation;
// - API versions the cluster serves: kubernetes-models merges the specs of old releases with a
//   current one, so a removed version (policy/v1beta1) still has a schema there.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const modules = join(dirname(require.resolve('kubernetes-models/package.json')), '..');

/** apiVersion -> the package directory of its models; only these versions are served (1.34). */
const SERVED = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'cert-manager.io/v1': '@kubernetes-models/cert-manager/cert-manager.io/v1',
};

export const ref = (object) => `${object?.kind ?? '?'}/${object?.metadata?.name ?? '?'}`;

/** Schema findings for one object: [] when it is valid. */
export async function validateObject(object) {
  const where = SERVED[object.apiVersion];
  if (!where) return [`${ref(object)}: apiVersion ${object.apiVersion} is not one this chart may use (served by Kubernetes 1.34: ${Object.keys(SERVED).join(', ')})`];
  const models = await import(where);
  const Model = models[object.kind];
  if (typeof Model !== 'function') return [`${ref(object)}: no kind ${object.kind} in ${object.apiVersion}`];
  const findings = [];
  try {
    new Model(object).validate();
  } catch (error) {
    for (const e of error.errors ?? [{ instancePath: '', message: error.message }]) {
      findings.push(`${ref(object)}: ${e.instancePath || '/'} ${e.message}${e.params?.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : ''}`);
    }
  }
  const declarations = join(modules, `${where}/${object.kind}.d.ts`);
  for (const path of unknownFields(object, { file: declarations, name: `I${object.kind}` })) {
    findings.push(`${ref(object)}: ${path}: unknown field`);
  }
  return findings;
}

// ---- unknown fields, from the models' TypeScript declarations --------------------------------

const files = new Map();

/** The interfaces, imports and aliases of one .d.ts file. */
function declarationsOf(file) {
  if (files.has(file)) return files.get(file);
  const text = readFileSync(file, 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '');
  const imports = new Map();
  for (const [, names, from] of text.matchAll(/import \{([^}]+)\} from "([^"]+)";/g)) {
    const target = from.startsWith('.') ? join(dirname(file), from.replace(/\.js$/, '.d.ts')) : join(modules, `${from.replace(/\.js$/, '')}.d.ts`);
    for (const name of names.split(',').map((n) => n.trim()).filter(Boolean)) imports.set(name.split(/\s+as\s+/).pop(), target);
  }
  const aliases = new Map();
  for (const [, list] of text.matchAll(/export type \{([^}]+)\}/g)) {
    for (const pair of list.split(',')) {
      const [local, exported] = pair.trim().split(/\s+as\s+/);
      if (exported) aliases.set(exported, local);
    }
  }
  const interfaces = new Map();
  for (const [, name, parents, body] of text.matchAll(/export interface (\w+)(?: extends ([^{]+))? \{\n([\s\S]*?)\n\}/g)) {
    interfaces.set(name, { parents: (parents ?? '').split(',').map((p) => p.trim()).filter(Boolean), members: members(body) });
  }
  const declarations = { imports, aliases, interfaces };
  files.set(file, declarations);
  return declarations;
}

/** "name" -> type text, for the members of one interface body (nested braces joined on one line). */
function members(body) {
  const result = new Map();
  let current = null;
  for (const line of body.split('\n')) {
    const member = line.match(/^ {4}"([^"]+)"\??: (.*)$/);
    if (member) {
      current = { name: member[1], type: member[2] };
    } else if (/^ {4}\[key: string\]/.test(line)) {
      result.set('*', 'any');
      continue;
    } else if (current) {
      current.type += ` ${line.trim()}`;
    } else {
      continue;
    }
    if (balanced(current.type)) {
      result.set(current.name, current.type.replace(/;$/, '').trim());
      current = null;
    }
  }
  return result;
}

const balanced = (type) => /;$/.test(type) && [...type].reduce((depth, c) => depth + ('{<'.includes(c)) - ('}>'.includes(c)), 0) === 0;

/** The interface named `name` as seen from `file` (imports and export aliases followed). */
function resolve(file, name) {
  const declarations = declarationsOf(file);
  if (declarations.interfaces.has(name)) return { file, name };
  if (declarations.aliases.has(name)) return resolve(file, declarations.aliases.get(name));
  const target = declarations.imports.get(name);
  if (target && existsSync(target)) return resolve(target, name);
  return null;
}

/** Every member of an interface, those of the interfaces it extends included. */
function membersOf(type) {
  const { interfaces } = declarationsOf(type.file);
  const own = interfaces.get(type.name);
  const all = new Map(own.members);
  for (const parent of own.parents) {
    if (parent === 'TypeMeta') {
      all.set('apiVersion', 'string').set('kind', 'string');
      continue;
    }
    const resolved = resolve(type.file, parent);
    if (resolved) for (const [k, v] of membersOf(resolved)) all.set(k, v);
    else all.set('*', 'any');
  }
  return all;
}

/** The paths of the fields of `value` that its type does not declare. */
function unknownFields(value, type, path = '') {
  if (!type || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const declared = membersOf(type);
  if (declared.has('*')) return [];
  const found = [];
  for (const [key, child] of Object.entries(value)) {
    const memberType = declared.get(key);
    if (memberType === undefined) {
      found.push(`${path}/${key}`);
      continue;
    }
    found.push(...walk(child, memberType, type.file, `${path}/${key}`));
  }
  return found;
}

/** Descends into one field by its declared type: interfaces, arrays and string-keyed maps. */
function walk(value, typeText, file, path) {
  const text = typeText.replace(/\s*\|\s*null$/, '').trim();
  const array = text.match(/^Array<(.*)>$/);
  if (array) return Array.isArray(value) ? value.flatMap((item, i) => walk(item, array[1], file, `${path}/${i}`)) : [];
  const map = text.match(/^\{ \[key: string\]: (.*); \}$/);
  if (map) return value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => walk(v, map[1], file, `${path}/${k}`)) : [];
  if (/^I\w+$/.test(text)) return unknownFields(value, resolve(file, text), path);
  return [];
}
