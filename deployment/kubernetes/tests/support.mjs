// What the chart tests share: rendering the chart with helm, finding objects, the repository's files.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const kube = join(dirname(fileURLToPath(import.meta.url)), '..');
export const root = join(kube, '..', '..');
const require = createRequire(join(kube, 'tools', 'package.json'));
const { parseAllDocuments, parse } = require('yaml');
export const helm = process.env.HELM || join(kube, 'tools', 'bin', 'helm');

export const repoFile = (path) => readFileSync(join(root, path), 'utf8');
export const parseYaml = (text) => parse(text);

/**
 * helm template of the chart with the values files of deployment/kubernetes/values (by name, e.g.
 * "kind") and --set pairs; {objects, status, stderr}. Namespace prodstack-test.
 */
export function template({ values = ['kind'], set = {}, namespace = 'prodstack-test' } = {}) {
  const args = ['template', 'prodstack', join(kube, 'prodstack'), '--namespace', namespace];
  for (const name of values) args.push('--values', name.includes('/') ? name : join(kube, 'values', `${name}.yaml`));
  for (const [key, value] of Object.entries(set)) args.push('--set', `${key}=${value}`);
  const result = spawnSync(helm, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run ${helm} (scripts/kubernetes.sh tools): ${result.error.message}`);
  const objects = result.status === 0
    ? parseAllDocuments(result.stdout).map((d) => d.toJS()).filter(Boolean)
    : [];
  return { objects, status: result.status, stderr: result.stderr.split('\n').filter((l) => !l.includes('found symbolic link')).join('\n') };
}

/** The objects of a render that must succeed. */
export function render(options) {
  const result = template(options);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return result.objects;
}

export const refs = (objects) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

export function get(objects, kind, name) {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the render: ${refs(objects).join(', ')}`);
  return found;
}

export const podSpec = (object) => (object.kind === 'CronJob' ? object.spec.jobTemplate.spec.template : object.spec.template).spec;
export const container = (object, name) => podSpec(object).containers.find((c) => c.name === name);
export const envOf = (c) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
