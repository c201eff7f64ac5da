// The deliberate violations of tests/violations/, end to end: scripts/kubernetes.sh validate
// --values <file> exits 1 and its output names the offending object, in every environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { kube, root } from './support.mjs';

const violations = {
  'root-container.yaml': ['FAIL Deployment/prodstack-api: container api: runs as root (runAsUser 0) [non-root]',
    'FAIL Job/prodstack-migrate: container migrate: runs as root (runAsUser 0) [non-root]'],
  'missing-probe.yaml': ['FAIL Deployment/prodstack-api: container api: no readinessProbe [probes]'],
  'literal-secret.yaml': ['FAIL Deployment/prodstack-api: container api: env DATABASE_PASSWORD holds a literal value',
    'FAIL Job/prodstack-migrate: container migrate: env DATABASE_PASSWORD holds a literal value'],
};

for (const [file, expected] of Object.entries(violations)) {
  test(`validate --values violations/${file} fails and names the object`, () => {
    const result = spawnSync('bash', [join(root, 'scripts/kubernetes.sh'), 'validate', '--values', join(kube, 'tests/violations', file)],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const output = result.stdout + result.stderr;
    assert.equal(result.status, 1, output);
    for (const line of expected) {
      // Once per environment: staging, production and kind.
      assert.equal(output.split('\n').filter((l) => l.startsWith(line)).length, 3, `"${line}" three times in:\n${output}`);
    }
    assert.match(output, /error validate: 3 check\(s\) failed/);
  });
}
