// The policy and schema checks themselves: each rule passes the chart's render and fails it once
// one guarantee is broken, naming the object; the schema check refuses unknown fields and removed
// API versions.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { render } from './support.mjs';
import { checkPolicy, seconds } from '../tools/policy.mjs';
import { validateObject } from '../tools/schema.mjs';

const clean = render({ values: ['staging'] });

/** The findings after `change` mutated a copy of the staging render. */
function findingsAfter(change, environment = 'staging') {
  const objects = structuredClone(clean);
  const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  change(find, objects);
  return checkPolicy(objects, { environment }).map((f) => `${f.object}: ${f.message} [${f.rule}]`);
}
const api = (find) => find('Deployment', 'prodstack-api').spec.template.spec;
const apiContainer = (find) => api(find).containers[0];

describe('policy', () => {
  test('the staging render passes every rule', () => {
    assert.deepEqual(checkPolicy(clean, { environment: 'staging' }), []);
  });

  const cases = [
    ['a root container', (f) => { apiContainer(f).securityContext.runAsUser = 0; }, 'Deployment/prodstack-api: container api: runs as root (runAsUser 0) [non-root]'],
    ['runAsNonRoot left to the image', (f) => { delete apiContainer(f).securityContext.runAsNonRoot; delete api(f).securityContext.runAsNonRoot; }, 'Deployment/prodstack-api: container api: runAsNonRoot is not true (the image\'s user could be root) [non-root]'],
    ['a writable root filesystem', (f) => { apiContainer(f).securityContext.readOnlyRootFilesystem = false; }, 'Deployment/prodstack-api: container api: readOnlyRootFilesystem is not true [read-only-root]'],
    ['privilege escalation', (f) => { delete f('StatefulSet', 'prodstack-db').spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation; }, 'StatefulSet/prodstack-db: container exporter: allowPrivilegeEscalation is not false [no-privilege-escalation]'],
    ['a capability added', (f) => { apiContainer(f).securityContext.capabilities.add = ['NET_ADMIN']; }, 'Deployment/prodstack-api: container api: adds capabilities NET_ADMIN [capabilities]'],
    ['capabilities not dropped', (f) => { apiContainer(f).securityContext.capabilities.drop = ['NET_RAW']; }, 'Deployment/prodstack-api: container api: capabilities.drop does not hold ALL [capabilities]'],
    ['no seccomp profile', (f) => { delete apiContainer(f).securityContext.seccompProfile; delete api(f).securityContext.seccompProfile; }, 'Deployment/prodstack-api: container api: seccompProfile is not RuntimeDefault [seccomp]'],
    ['no memory limit', (f) => { delete f('Deployment', 'prodstack-cache').spec.template.spec.containers[0].resources.limits.memory; }, 'Deployment/prodstack-cache: container redis: no limits.memory [resources]'],
    ['a missing readiness probe', (f) => { delete f('Deployment', 'prodstack-edge').spec.template.spec.containers[0].readinessProbe; }, 'Deployment/prodstack-edge: container nginx: no readinessProbe [probes]'],
    ['a missing startup probe', (f) => { delete f('StatefulSet', 'prodstack-db').spec.template.spec.containers[0].startupProbe; }, 'StatefulSet/prodstack-db: container postgres: no startupProbe [probes]'],
    ['a literal secret in the environment', (f) => { apiContainer(f).env.push({ name: 'DATABASE_PASSWORD', value: 'hunter2' }); }, 'Deployment/prodstack-api: container api: env DATABASE_PASSWORD holds a literal value; secrets come from files (DATABASE_PASSWORD_FILE) of a Secret [secret-literal]'],
    ['a Secret written in values', (f) => { delete f('Secret', 'prodstack-secrets').metadata.annotations['prodstack.dev/secret-source']; }, 'Secret/prodstack-secrets: holds values written in the chart or its values (a literal secret); use secrets.existingSecret [secret-literal]'],
    ['no PodDisruptionBudget for the api', (_, objects) => { objects.splice(objects.findIndex((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'prodstack-api'), 1); }, 'Deployment/prodstack-api: no PodDisruptionBudget selects its pods [pdb]'],
    ['no HPA for the api', (_, objects) => { objects.splice(objects.findIndex((o) => o.kind === 'HorizontalPodAutoscaler'), 1); }, 'Deployment/prodstack-api: the api has no HorizontalPodAutoscaler [hpa]'],
    ['no spread over nodes', (f) => { api(f).topologySpreadConstraints.shift(); }, 'Deployment/prodstack-api: no topologySpreadConstraint over kubernetes.io/hostname selects its pods [topology-spread]'],
    ['a grace period shorter than the stop', (f) => { api(f).terminationGracePeriodSeconds = 15; }, 'Deployment/prodstack-api: terminationGracePeriodSeconds 15 does not exceed preStop 2 + STOP_DELAY 5 + SHUTDOWN_GRACE_PERIOD 10 s [graceful-shutdown]'],
    ['no preStop on the api', (f) => { delete apiContainer(f).lifecycle; }, 'Deployment/prodstack-api: container api: no preStop hook [graceful-shutdown]'],
    ['the service account token mounted', (f) => { api(f).automountServiceAccountToken = true; }, 'Deployment/prodstack-api: automountServiceAccountToken is not false (no pod of the stack talks to the API) [service-account-token]'],
    ['an unpinned image', (f) => { apiContainer(f).image = 'prodstack/api:latest'; }, 'Deployment/prodstack-api: container api: image prodstack/api:latest has no pinned tag [image-pinned]'],
    ['Redis without any NetworkPolicy', (_, objects) => {
      for (const name of ['prodstack-default-deny', 'prodstack-cache']) objects.splice(objects.findIndex((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name), 1);
    }, 'Deployment/prodstack-cache: no NetworkPolicy restricts its ingress [network-policy]'],
    ['the edge let into Postgres', (f) => { f('NetworkPolicy', 'prodstack-db').spec.ingress[0].from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'edge' } } }); }, 'NetworkPolicy/prodstack-db: lets edge pods reach the db pods (allowed: api, migrate) [network-policy]'],
    ['Redis open to everyone', (f) => { delete f('NetworkPolicy', 'prodstack-cache').spec.ingress[0].from; }, 'NetworkPolicy/prodstack-cache: lets anyone reach the cache pods on redis [network-policy]'],
    ['the scrapers let onto the api port', (f) => { f('NetworkPolicy', 'prodstack-api').spec.ingress[1].ports.push({ port: 'http' }); }, 'NetworkPolicy/prodstack-api: lets pods of other namespaces reach the api pods beyond the metrics ports (admin, http) [network-policy]'],
  ];
  for (const [what, change, expected] of cases) {
    test(`${what} is found and named`, () => {
      assert.ok(findingsAfter(change).includes(expected), `expected "${expected}" among:\n${findingsAfter(change).join('\n')}`);
    });
  }

  test('production refuses any Secret object, generated or not', () => {
    assert.deepEqual(findingsAfter(() => {}, 'production'), ['Secret/prodstack-secrets: a production release renders no Secret: name yours with secrets.existingSecret [secret-literal]']);
  });

  test('durations read as the service reads them', () => {
    assert.equal(seconds('5s'), 5);
    assert.equal(seconds('500ms'), 0.5);
    assert.equal(seconds('1m'), 60);
    assert.ok(Number.isNaN(seconds('soon')));
  });
});

describe('schema', () => {
  const deployment = () => structuredClone(clean.find((o) => o.kind === 'Deployment' && o.metadata.name === 'prodstack-api'));

  test('every object of the render is valid', async () => {
    for (const object of clean) assert.deepEqual(await validateObject(object), [], `${object.kind}/${object.metadata.name}`);
  });

  test('a wrong type is refused with its path', async () => {
    const object = deployment();
    object.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand';
    assert.deepEqual(await validateObject(object), ['Deployment/prodstack-api: /spec/template/spec/containers/0/ports/0/containerPort must be integer']);
  });

  test('an unknown field is refused, however deep', async () => {
    const object = deployment();
    object.spec.template.spec.containers[0].readinessProbes = object.spec.template.spec.containers[0].readinessProbe;
    object.spec.template.spec.securityContext.seccompProfile.typ = 'RuntimeDefault';
    assert.deepEqual(await validateObject(object), [
      'Deployment/prodstack-api: /spec/template/spec/securityContext/seccompProfile/typ: unknown field',
      'Deployment/prodstack-api: /spec/template/spec/containers/0/readinessProbes: unknown field',
    ]);
  });

  test('unknown fields of CRD objects are refused too', async () => {
    const rule = structuredClone(clean.find((o) => o.kind === 'PrometheusRule'));
    rule.spec.groups[0].rules[0].fore = '1m';
    const monitor = structuredClone(clean.find((o) => o.kind === 'PodMonitor'));
    monitor.spec.podMetricsEndpoints[0].paths = '/x';
    assert.deepEqual(await validateObject(rule), ['PrometheusRule/prodstack: /spec/groups/0/rules/0/fore: unknown field']);
    assert.deepEqual(await validateObject(monitor), ['PodMonitor/prodstack-api: /spec/podMetricsEndpoints/0/paths: unknown field']);
  });

  test('an API version Kubernetes no longer serves is refused', async () => {
    const pdb = structuredClone(clean.find((o) => o.kind === 'PodDisruptionBudget'));
    pdb.apiVersion = 'policy/v1beta1';
    assert.match((await validateObject(pdb))[0], /^PodDisruptionBudget\/prodstack-api: apiVersion policy\/v1beta1 is not one this chart may use/);
  });
});
