// The stack's guarantees (DESIGN.md "Production rules", docker-compose.yml's hardening), checked on
// rendered manifests. Each finding names its rule and the object (Kind/name, and the container).
// Pure functions over plain objects: tests/policy.test.mjs feeds them hand-made manifests.

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
// Environment variables that hold a secret themselves; *_FILE names a file and is fine.
const SECRET_NAME = /(PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;
const COMPONENT = 'app.kubernetes.io/component';
// Which component's pods may open connections to which (the compose networks): the edge takes
// anyone on its public ports, and the scrapers (peers in other namespaces) only metrics ports.
const MAY_CONNECT = { api: ['edge'], db: ['api', 'migrate'], cache: ['api'] };
const PUBLIC_PORTS = new Set(['http', 'https', 8080, 8443]);
const METRICS_PORTS = new Set(['metrics', 'admin', 8081, 9113, 9121, 9187]);

export const ref = (object) => `${object?.kind ?? '?'}/${object?.metadata?.name ?? '?'}`;

/** The pod template's spec and metadata of a workload, or null. */
export function podOf(object) {
  if (!WORKLOADS.has(object?.kind)) return null;
  if (object.kind === 'Pod') return { metadata: object.metadata ?? {}, spec: object.spec ?? {} };
  const template = object.kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template : object.spec?.template;
  return { metadata: template?.metadata ?? {}, spec: template?.spec ?? {} };
}

export function matches(selector, labels = {}) {
  if (!selector) return false;
  const { matchLabels = {}, matchExpressions = [] } = selector;
  const byLabels = Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
  const byExpressions = matchExpressions.every(({ key, operator, values = [] }) => ({
    In: () => values.includes(labels[key]),
    NotIn: () => !values.includes(labels[key]),
    Exists: () => key in labels,
    DoesNotExist: () => !(key in labels),
  })[operator]?.() ?? false);
  return byLabels && byExpressions;
}

/** Seconds of a Go/Dropwizard duration ("5s", "500ms", "1m"), or NaN. */
export function seconds(text) {
  const m = String(text ?? '').trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/);
  if (!m) return NaN;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? 's'];
}

/**
 * Every finding for a list of objects: [{rule, object, message}]. environment "production" also
 * refuses every Secret object (its secrets must live outside the release).
 */
export function checkPolicy(objects, { environment = '' } = {}) {
  const findings = [];
  const add = (rule, object, message) => findings.push({ rule, object: ref(object), message });
  const workloads = objects.filter((o) => podOf(o));
  for (const object of workloads) checkPod(object, objects, add);
  for (const object of objects.filter((o) => o.kind === 'Secret')) checkSecret(object, environment, add);
  checkNetworkPolicies(objects, workloads, add);
  return findings;
}

function checkPod(object, objects, add) {
  const { metadata, spec } = podOf(object);
  const labels = metadata.labels ?? {};
  const pod = spec.securityContext ?? {};
  const containers = [...(spec.initContainers ?? []).map((c) => ({ ...c, init: true })), ...(spec.containers ?? [])];
  if (spec.automountServiceAccountToken !== false) add('service-account-token', object, 'automountServiceAccountToken is not false (no pod of the stack talks to the API)');
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[key]) add('host-namespaces', object, `${key} is true`);
  for (const volume of spec.volumes ?? []) if (volume.hostPath) add('host-namespaces', object, `volume ${volume.name} is a hostPath`);

  for (const c of containers) {
    const where = `container ${c.name}`;
    const sc = c.securityContext ?? {};
    const runAsUser = sc.runAsUser ?? pod.runAsUser;
    const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (runAsUser === 0) add('non-root', object, `${where}: runs as root (runAsUser 0)`);
    else if (runAsNonRoot !== true) add('non-root', object, `${where}: runAsNonRoot is not true (the image's user could be root)`);
    else if (runAsUser === undefined) add('non-root', object, `${where}: no runAsUser (the uid must be fixed, as compose's user:)`);
    if (sc.readOnlyRootFilesystem !== true) add('read-only-root', object, `${where}: readOnlyRootFilesystem is not true`);
    if (sc.allowPrivilegeEscalation !== false) add('no-privilege-escalation', object, `${where}: allowPrivilegeEscalation is not false`);
    if (sc.privileged) add('no-privilege-escalation', object, `${where}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) add('capabilities', object, `${where}: capabilities.drop does not hold ALL`);
    if ((sc.capabilities?.add ?? []).length) add('capabilities', object, `${where}: adds capabilities ${sc.capabilities.add.join(', ')}`);
    if ((sc.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault') add('seccomp', object, `${where}: seccompProfile is not RuntimeDefault`);
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (c.resources?.[kind]?.[resource] === undefined) add('resources', object, `${where}: no ${kind}.${resource}`);
      }
    }
    if (!/[:@]/.test(String(c.image).split('/').pop()) || /:latest$/.test(c.image)) add('image-pinned', object, `${where}: image ${c.image} has no pinned tag`);
    if (LONG_RUNNING.has(object.kind) && !c.init) {
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        if (!c[probe]) add('probes', object, `${where}: no ${probe}`);
      }
      // A container that serves clients (a port other than `metrics`) is told to stop only after
      // the Services and the edge's watcher have let go of it.
      const serves = (c.ports ?? []).some((p) => p.name !== 'metrics');
      if (serves && !c.lifecycle?.preStop) add('graceful-shutdown', object, `${where}: no preStop hook`);
    }
    for (const env of c.env ?? []) {
      if (SECRET_NAME.test(env.name) && env.value !== undefined && env.value !== '') {
        add('secret-literal', object, `${where}: env ${env.name} holds a literal value; secrets come from files (${env.name}_FILE) of a Secret`);
      }
    }
  }
  if (LONG_RUNNING.has(object.kind)) checkScaling(object, objects, labels, spec, add);
  if (labels[COMPONENT] === 'api') checkApiShutdown(object, spec, add);
}

function checkScaling(object, objects, labels, spec, add) {
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler'
    && o.spec?.scaleTargetRef?.kind === object.kind && o.spec?.scaleTargetRef?.name === object.metadata?.name);
  if (labels[COMPONENT] === 'api' && !hpa) add('hpa', object, 'the api has no HorizontalPodAutoscaler');
  const replicas = hpa ? hpa.spec.maxReplicas : (object.spec?.replicas ?? 1);
  if (replicas < 2 && labels[COMPONENT] !== 'api') return;
  if (!objects.some((o) => o.kind === 'PodDisruptionBudget' && matches(o.spec?.selector, labels))) {
    add('pdb', object, 'no PodDisruptionBudget selects its pods');
  }
  const spread = (spec.topologySpreadConstraints ?? [])
    .find((t) => t.topologyKey === 'kubernetes.io/hostname' && matches(t.labelSelector, labels));
  if (!spread) add('topology-spread', object, 'no topologySpreadConstraint over kubernetes.io/hostname selects its pods');
}

/** The kubelet must not kill a replica before preStop + STOP_DELAY + SHUTDOWN_GRACE_PERIOD are over. */
function checkApiShutdown(object, spec, add) {
  if (!LONG_RUNNING.has(object.kind)) return;
  for (const c of spec.containers ?? []) {
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    const stopDelay = seconds(env.STOP_DELAY);
    const grace = seconds(env.SHUTDOWN_GRACE_PERIOD);
    if (Number.isNaN(stopDelay) || Number.isNaN(grace)) {
      add('graceful-shutdown', object, `container ${c.name}: STOP_DELAY and SHUTDOWN_GRACE_PERIOD must be set (the grace period is computed from them)`);
      continue;
    }
    const needed = preStop + stopDelay + grace;
    const given = spec.terminationGracePeriodSeconds ?? 30;
    if (given <= needed) {
      add('graceful-shutdown', object, `terminationGracePeriodSeconds ${given} does not exceed preStop ${preStop} + STOP_DELAY ${stopDelay} + SHUTDOWN_GRACE_PERIOD ${grace} s`);
    }
  }
}

function checkSecret(object, environment, add) {
  const hasData = Object.keys(object.data ?? {}).length > 0 || Object.keys(object.stringData ?? {}).length > 0;
  if (!hasData) return;
  const generated = object.metadata?.annotations?.['prodstack.dev/secret-source'] === 'generated';
  if (environment === 'production') {
    add('secret-literal', object, 'a production release renders no Secret: name yours with secrets.existingSecret');
  } else if (!generated || object.stringData) {
    add('secret-literal', object, 'holds values written in the chart or its values (a literal secret); use secrets.existingSecret');
  }
}

function checkNetworkPolicies(objects, workloads, add) {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const componentOf = (selector) => workloads
    .map((w) => podOf(w).metadata.labels ?? {})
    .filter((labels) => matches(selector, labels))
    .map((labels) => labels[COMPONENT]);
  for (const object of workloads) {
    const labels = podOf(object).metadata.labels ?? {};
    const selecting = policies.filter((p) => matches(p.spec?.podSelector, labels));
    for (const type of ['Ingress', 'Egress']) {
      if (!selecting.some((p) => (p.spec.policyTypes ?? ['Ingress']).includes(type))) {
        add('network-policy', object, `no NetworkPolicy restricts its ${type.toLowerCase()}`);
      }
    }
    const component = labels[COMPONENT];
    for (const policy of selecting) {
      for (const rule of policy.spec.ingress ?? []) {
        const ports = (rule.ports ?? []).map((p) => p.port);
        const from = rule.from ?? [];
        const allPorts = (set) => ports.length > 0 && ports.every((p) => set.has(p));
        if (from.length === 0 && !(component === 'edge' && allPorts(PUBLIC_PORTS))) {
          add('network-policy', policy, `lets anyone reach the ${component} pods on ${ports.join(', ') || 'every port'}`);
        }
        for (const peer of from) {
          if (peer.namespaceSelector || peer.ipBlock) {
            if (!allPorts(METRICS_PORTS)) add('network-policy', policy, `lets pods of other namespaces reach the ${component} pods beyond the metrics ports (${ports.join(', ') || 'every port'})`);
            continue;
          }
          for (const source of componentOf(peer.podSelector)) {
            if (component !== 'edge' && !(MAY_CONNECT[component] ?? []).includes(source)) {
              add('network-policy', policy, `lets ${source} pods reach the ${component} pods (allowed: ${(MAY_CONNECT[component] ?? []).join(', ') || 'none'})`);
            }
          }
        }
      }
    }
  }
}
