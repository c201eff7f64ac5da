// The chart's rendered objects: one source per fact, the compose stack's contracts, and that every
// reference between objects (selectors, ports, ConfigMaps, Secrets, hooks) lands on something.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { container, envOf, get, parseYaml, podSpec, refs, render, repoFile, root, template } from './support.mjs';

const name = 'prodstack';
const workloads = (objects) => objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

describe('objects per environment', () => {
  test('staging renders the whole stack with Prometheus Operator objects and a generated Secret', () => {
    const objects = render({ values: ['staging'] });
    for (const ref of ['Deployment/prodstack-api', 'Deployment/prodstack-edge', 'Deployment/prodstack-cache',
      'StatefulSet/prodstack-db', 'Job/prodstack-migrate', 'HorizontalPodAutoscaler/prodstack-api',
      'PodDisruptionBudget/prodstack-api', 'PrometheusRule/prodstack', 'PodMonitor/prodstack-api',
      'PodMonitor/prodstack-postgres', 'Secret/prodstack-secrets', 'NetworkPolicy/prodstack-default-deny']) {
      assert.ok(refs(objects).includes(ref), `${ref} in staging: ${refs(objects).join(', ')}`);
    }
  });

  test('production renders no Secret and takes its certificate from cert-manager', () => {
    const objects = render({ values: ['production'] });
    assert.deepEqual(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name), []);
    const certificate = get(objects, 'Certificate', `${name}-edge`);
    const tls = podSpec(get(objects, 'Deployment', `${name}-edge`)).volumes.find((v) => v.name === 'tls');
    assert.equal(tls.secret.secretName, certificate.spec.secretName);
    assert.deepEqual(certificate.spec.dnsNames, ['api.example.com']);
    for (const w of workloads(objects).filter((o) => o.kind !== 'Job')) {
      const secrets = podSpec(w).volumes.filter((v) => v.name === 'secrets');
      for (const v of secrets) assert.equal(v.secret.secretName, 'prodstack-secrets', `${w.metadata.name} mounts the existing Secret`);
    }
    assert.equal(get(objects, 'Service', `${name}-edge`).spec.externalTrafficPolicy, 'Local', 'nginx sees the client address (rate limit)');
  });
});

describe('one source per fact', () => {
  test('the edge, Postgres and Redis configs are the repository files, byte for byte', () => {
    const objects = render();
    const data = (cm) => get(objects, 'ConfigMap', cm).data;
    assert.equal(data(`${name}-edge`)['nginx.conf'], repoFile('security/nginx/nginx.conf'));
    assert.equal(data(`${name}-edge`)['upstream-watch.sh'], repoFile('security/nginx/upstream-watch.sh'));
    assert.equal(data(`${name}-edge`)['limit-exempt.conf'], repoFile('security/nginx/limit-exempt.conf'));
    assert.equal(data(`${name}-db`)['postgresql.conf'], repoFile('deployment/postgres/postgresql.conf'));
    assert.equal(data(`${name}-cache`)['redis.conf'], repoFile('deployment/redis/redis.conf'));
  });

  test('the PrometheusRule holds the groups of the rule files promtool tests, unchanged', () => {
    const objects = render({ values: ['staging'] });
    const listed = parseYaml(repoFile('deployment/kubernetes/prodstack/values.yaml')).monitoring.prometheusRule.files;
    const expected = listed.flatMap((file) => parseYaml(repoFile(`monitoring/prometheus/rules/${file}`)).groups);
    assert.deepEqual(get(objects, 'PrometheusRule', name).spec.groups, expected);
    assert.ok(expected.some((g) => g.rules.some((r) => r.alert === 'ApiDown')), 'ApiDown among them');
  });

  test('only the rule files of compose-only parts are left out, and each left-out file exists', () => {
    const all = readdirSync(join(root, 'monitoring/prometheus/rules')).filter((f) => f.endsWith('.yml')).sort();
    const listed = parseYaml(repoFile('deployment/kubernetes/prodstack/values.yaml')).monitoring.prometheusRule.files;
    assert.deepEqual(all.filter((f) => !listed.includes(f)), ['blackbox-alerts.yml', 'disk-alerts.yml', 'logging-alerts.yml']);
  });

  test('a rule file that does not exist fails the render with its name', () => {
    const result = template({ set: { 'monitoring.prometheusRule.enabled': true, 'monitoring.prometheusRule.files[0]': 'nope.yml' } });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /no rule file nope\.yml/);
  });

  test('the api gets only the settings Kubernetes decides; the rest stays the service\'s', () => {
    const api = container(get(render(), 'Deployment', `${name}-api`), 'api');
    assert.deepEqual(Object.keys(envOf(api)).sort(), ['ADMIN_TOKEN_FILE', 'DATABASE_PASSWORD_FILE', 'DATABASE_URL',
      'DATABASE_USER', 'REDIS_PASSWORD_FILE', 'REDIS_URL', 'REDIS_USER', 'SHUTDOWN_GRACE_PERIOD', 'STOP_DELAY']);
    const config = repoFile('service/config.yml');
    for (const variable of Object.keys(envOf(api))) assert.match(config, new RegExp(`\\$\\{${variable}:-`), `${variable} is read by service/config.yml`);
    const extra = container(get(render({ set: { 'api.env.WARMUP_DURATION': '5s' } }), 'Deployment', `${name}-api`), 'api');
    assert.equal(envOf(extra).WARMUP_DURATION, '5s');
  });

  test('the api connects as its own role and mounts only its password; the migration provisions that role as the owner', () => {
    const objects = render();
    const apiPod = get(objects, 'Deployment', `${name}-api`);
    const api = envOf(container(apiPod, 'api'));
    assert.equal(api.DATABASE_USER, 'prodstack_api');
    assert.equal(api.DATABASE_PASSWORD_FILE, '/run/secrets/db_api_password');
    assert.deepEqual(podSpec(apiPod).volumes.find((v) => v.name === 'secrets').secret.items.map((i) => i.key), ['db-api-password', 'cache-password', 'admin-token']);
    const job = get(objects, 'Job', `${name}-migrate`);
    const migrate = envOf(container(job, 'migrate'));
    assert.deepEqual(container(job, 'migrate').args, ['migrate', '/app/config.yml']);
    assert.equal(migrate.DATABASE_USER, 'prodstack');
    assert.equal(migrate.DATABASE_PASSWORD_FILE, '/run/secrets/db_password');
    assert.equal(migrate.API_DATABASE_USER, 'prodstack_api');
    assert.equal(migrate.API_DATABASE_PASSWORD_FILE, '/run/secrets/db_api_password');
    const owner = envOf(container(get(render({ set: { 'postgres.apiUser': '' } }), 'Deployment', `${name}-api`), 'api'));
    assert.equal(owner.DATABASE_USER, 'prodstack', 'without an api role the api connects as the owner');
  });

  test('Redis loads the ACL users of compose from the Secret; the api logs in as prodstack with its password file', () => {
    const objects = render();
    const cache = get(objects, 'Deployment', `${name}-cache`);
    assert.deepEqual(container(cache, 'redis').args.slice(-2), ['--aclfile', '/acl/users.acl']);
    const init = podSpec(cache).initContainers.find((c) => c.name === 'acl');
    assert.match(init.command.at(-1), /sha256sum/);
    assert.deepEqual(podSpec(cache).volumes.find((v) => v.name === 'secrets').secret.items.map((i) => i.key), ['cache-password']);
    const config = get(objects, 'ConfigMap', `${name}-cache`);
    assert.equal(config.data['users.acl'], repoFile('deployment/redis/users.acl'), 'the one ACL file of compose and the chart');
    const api = envOf(container(get(objects, 'Deployment', `${name}-api`), 'api'));
    assert.equal(api.REDIS_USER, 'prodstack');
    assert.equal(api.REDIS_PASSWORD_FILE, '/run/secrets/cache_password');
    assert.equal(envOf(container(get(objects, 'Job', `${name}-migrate`), 'migrate')).REDIS_USER, undefined);
  });

  test('postgres_exporter connects as the monitor role and mounts only its password; the migration provisions it', () => {
    const objects = render();
    const db = get(objects, 'StatefulSet', `${name}-db`);
    const exporter = container(db, 'exporter');
    assert.equal(envOf(exporter).DATA_SOURCE_USER, 'prodstack_monitor');
    assert.equal(envOf(exporter).DATA_SOURCE_PASS_FILE, '/run/secrets/db_monitor_password');
    const mounted = exporter.volumeMounts.find((m) => m.mountPath === '/run/secrets').name;
    assert.deepEqual(podSpec(db).volumes.find((v) => v.name === mounted).secret.items.map((i) => i.key), ['db-monitor-password']);
    const migrate = envOf(container(get(objects, 'Job', `${name}-migrate`), 'migrate'));
    assert.equal(migrate.MONITOR_DATABASE_USER, 'prodstack_monitor');
    assert.equal(migrate.MONITOR_DATABASE_PASSWORD_FILE, '/run/secrets/db_monitor_password');
    const owner = envOf(container(get(render({ set: { 'postgres.monitorUser': '' } }), 'StatefulSet', `${name}-db`), 'exporter'));
    assert.equal(owner.DATA_SOURCE_USER, 'prodstack', 'without a monitor role the exporter connects as the owner');
  });
});

describe('the compose contracts', () => {
  const compose = parseYaml(repoFile('deployment/docker-compose.yml')).services;
  const objects = render();

  test('api startup and readiness probes ask what the compose healthcheck asks', () => {
    // ["CMD", "/usr/bin/healthcheck", PORT, PATH]: the image's probe (deployment/api/healthcheck.c).
    const [command, probeBinary, probePort, probePath] = compose.api.healthcheck.test;
    assert.deepEqual([command, probeBinary], ['CMD', '/usr/bin/healthcheck']);
    const api = container(get(objects, 'Deployment', `${name}-api`), 'api');
    const port = (named) => api.ports.find((p) => p.name === named).containerPort;
    for (const probe of [api.startupProbe, api.readinessProbe]) {
      assert.equal(probe.httpGet.path, probePath);
      assert.equal(port(probe.httpGet.port), Number(probePort));
    }
    assert.equal(api.startupProbe.periodSeconds * api.startupProbe.failureThreshold, 60, 'compose start_period 60s');
    assert.equal(api.livenessProbe.httpGet.path, '/ping', 'liveness is the admin ping, not /health');
  });

  test('edge probes ask the proxy healthcheck\'s URL', () => {
    const url = new URL(compose.proxy.healthcheck.test.at(-1));
    const nginx = container(get(objects, 'Deployment', `${name}-edge`), 'nginx');
    for (const probe of [nginx.startupProbe, nginx.readinessProbe, nginx.livenessProbe]) {
      assert.equal(probe.httpGet.path, url.pathname);
      assert.equal(nginx.ports.find((p) => p.name === probe.httpGet.port).containerPort, Number(url.port));
    }
  });

  test('db and cache probes run the compose healthcheck commands', () => {
    const postgres = container(get(objects, 'StatefulSet', `${name}-db`), 'postgres');
    const redis = container(get(objects, 'Deployment', `${name}-cache`), 'redis');
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      assert.deepEqual(postgres[probe].exec.command, compose.db.healthcheck.test.slice(1));
      assert.deepEqual(redis[probe].exec.command, ['sh', '-c', compose.cache.healthcheck.test[1]]);
    }
  });

  test('images run as the compose users, with the compose commands', () => {
    const uid = (o, c) => container(o, c).securityContext.runAsUser;
    assert.equal(uid(get(objects, 'Deployment', `${name}-edge`), 'nginx'), Number(compose.proxy.user.match(/PROXY_UID:-(\d+)/)[1]));
    assert.equal(uid(get(objects, 'StatefulSet', `${name}-db`), 'postgres'), Number(compose.db.user.match(/DB_UID:-(\d+)/)[1]));
    assert.equal(uid(get(objects, 'Deployment', `${name}-cache`), 'redis'), Number(compose.cache.user.match(/CACHE_UID:-(\d+)/)[1]));
    assert.deepEqual(container(get(objects, 'Deployment', `${name}-edge`), 'nginx').command, compose.proxy.entrypoint);
    assert.deepEqual(container(get(objects, 'StatefulSet', `${name}-db`), 'postgres').args, compose.db.command);
    assert.deepEqual(container(get(objects, 'Job', `${name}-migrate`), 'migrate').args, compose.migrate.command);
  });

  test('the kubelet waits out preStop, STOP_DELAY and the drain, whatever they are set to', () => {
    const api = get(render({ set: { 'api.shutdown.stopDelaySeconds': 20, 'api.shutdown.gracePeriodSeconds': 15 } }), 'Deployment', `${name}-api`);
    assert.equal(envOf(container(api, 'api')).STOP_DELAY, '20s');
    assert.equal(envOf(container(api, 'api')).SHUTDOWN_GRACE_PERIOD, '15s');
    assert.equal(container(api, 'api').lifecycle.preStop.sleep.seconds, 2);
    assert.equal(podSpec(api).terminationGracePeriodSeconds, 2 + 20 + 15 + 5);
  });

  test('the edge\'s watcher resolves a headless Service that lists every api pod, ready or not', () => {
    const nginx = container(get(objects, 'Deployment', `${name}-edge`), 'nginx');
    const host = envOf(nginx).UPSTREAM_HOST;
    assert.equal(host, `${name}-api-pods.prodstack-test.svc.cluster.local`);
    const service = get(objects, 'Service', host.split('.')[0]);
    assert.equal(service.spec.clusterIP, 'None');
    assert.equal(service.spec.publishNotReadyAddresses, true);
    assert.equal(service.spec.ports[0].port, 8000);
  });

  test('the migration is a hook after install and before upgrade, without the admin token', () => {
    const job = get(objects, 'Job', `${name}-migrate`);
    assert.equal(job.metadata.annotations['helm.sh/hook'], 'post-install,pre-upgrade');
    assert.equal(envOf(container(job, 'migrate')).ADMIN_TOKEN_FILE, undefined);
    assert.deepEqual(podSpec(job).volumes.find((v) => v.name === 'secrets').secret.items.map((i) => i.key), ['db-password', 'db-api-password', 'db-monitor-password']);
  });
});

describe('references land', () => {
  for (const environment of ['staging', 'production', 'kind']) {
    test(`${environment}: every selector, port, ConfigMap and Secret reference has its target`, () => {
      const objects = render({ values: [environment] });
      const pods = workloads(objects).map((w) => ({ labels: w.spec.template.metadata.labels, spec: podSpec(w), claims: (w.spec.volumeClaimTemplates ?? []).map((c) => c.metadata.name) }));
      const podsOf = (selector) => pods.filter((p) => matches(selector, p.labels));
      const portNames = (selected) => selected.flatMap((p) => p.spec.containers.flatMap((c) => (c.ports ?? []).map((port) => port.name)));
      for (const service of objects.filter((o) => o.kind === 'Service')) {
        const selected = podsOf(service.spec.selector);
        assert.ok(selected.length > 0, `Service/${service.metadata.name} selects a pod`);
        for (const port of service.spec.ports) assert.ok(portNames(selected).includes(port.targetPort), `Service/${service.metadata.name} port ${port.targetPort}`);
      }
      for (const o of objects.filter((x) => ['PodDisruptionBudget', 'PodMonitor'].includes(x.kind))) {
        assert.ok(podsOf(o.spec.selector.matchLabels).length > 0, `${o.kind}/${o.metadata.name} selects a pod`);
      }
      for (const monitor of objects.filter((o) => o.kind === 'PodMonitor')) {
        for (const endpoint of monitor.spec.podMetricsEndpoints) assert.ok(portNames(podsOf(monitor.spec.selector.matchLabels)).includes(endpoint.port), `PodMonitor/${monitor.metadata.name} port ${endpoint.port}`);
      }
      for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
        const selected = podsOf(policy.spec.podSelector.matchLabels);
        assert.ok(selected.length > 0, `NetworkPolicy/${policy.metadata.name} selects a pod`);
        for (const rule of policy.spec.ingress ?? []) {
          for (const port of rule.ports ?? []) assert.ok(typeof port.port === 'number' || portNames(selected).includes(port.port), `NetworkPolicy/${policy.metadata.name} port ${port.port}`);
        }
      }
      for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) get(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
      const values = parseYaml(repoFile(`deployment/kubernetes/values/${environment}.yaml`));
      const external = [values.secrets?.existingSecret, values.tls?.existingSecret].filter(Boolean);
      const certificates = objects.filter((o) => o.kind === 'Certificate').map((c) => c.spec.secretName);
      for (const pod of pods) {
        for (const volume of pod.spec.volumes ?? []) {
          if (volume.configMap) get(objects, 'ConfigMap', volume.configMap.name);
          if (volume.secret) {
            const rendered = objects.some((o) => o.kind === 'Secret' && o.metadata.name === volume.secret.secretName);
            assert.ok(rendered || external.includes(volume.secret.secretName) || certificates.includes(volume.secret.secretName), `Secret ${volume.secret.secretName} is rendered, yours, or cert-manager's`);
          }
        }
        for (const c of pod.spec.containers) {
          for (const mount of c.volumeMounts ?? []) assert.ok(pod.spec.volumes.some((v) => v.name === mount.name) || pod.claims.includes(mount.name), `volume ${mount.name} of container ${c.name}`);
        }
      }
    });
  }
});

describe('switches', () => {
  test('an external database: no StatefulSet, its URL, egress to its address only', () => {
    const objects = render({ set: { 'postgres.enabled': false, 'externalDatabase.url': 'jdbc:postgresql://10.9.8.7:5432/app', 'externalDatabase.cidr': '10.9.8.7/32' } });
    assert.ok(!objects.some((o) => o.kind === 'StatefulSet'));
    assert.equal(envOf(container(get(objects, 'Deployment', `${name}-api`), 'api')).DATABASE_URL, 'jdbc:postgresql://10.9.8.7:5432/app');
    const egress = get(objects, 'NetworkPolicy', `${name}-api`).spec.egress;
    assert.deepEqual(egress[0].to, [{ ipBlock: { cidr: '10.9.8.7/32' } }]);
    const missing = template({ set: { 'postgres.enabled': false, 'externalDatabase.cidr': '10.9.8.7/32' } });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /externalDatabase\.url is required/);
  });

  test('TLS needs exactly one source', () => {
    assert.match(template({ set: { 'tls.existingSecret': '' } }).stderr, /set tls\.existingSecret .* or tls\.certManager\.enabled/);
    assert.match(template({ set: { 'tls.certManager.enabled': true } }).stderr, /not both/);
  });

  test('the generated Secret is kept across uninstall and marked as generated', () => {
    const secret = get(render(), 'Secret', `${name}-secrets`);
    assert.equal(secret.metadata.annotations['helm.sh/resource-policy'], 'keep');
    assert.equal(secret.metadata.annotations['prodstack.dev/secret-source'], 'generated');
    for (const key of ['db-password', 'db-api-password', 'db-monitor-password', 'cache-password', 'admin-token']) assert.equal(Buffer.from(secret.data[key], 'base64').toString().length, 32);
  });

  test('without autoscaling the Deployment holds the replica count and there is no HPA', () => {
    const objects = render({ set: { 'api.autoscaling.enabled': false, 'api.replicas': 3 } });
    assert.equal(get(objects, 'Deployment', `${name}-api`).spec.replicas, 3);
    assert.ok(!objects.some((o) => o.kind === 'HorizontalPodAutoscaler'));
    assert.equal(get(render(), 'Deployment', `${name}-api`).spec.replicas, undefined, 'with the HPA, helm never resets the count');
  });

  test('scrape annotations can be turned off; PodMonitors name the jobs the rules select on', () => {
    const off = render({ set: { 'monitoring.annotations': false } });
    assert.equal(get(off, 'Deployment', `${name}-api`).spec.template.metadata.annotations, undefined);
    assert.equal(get(off, 'Deployment', `${name}-edge`).spec.template.metadata.annotations['prometheus.io/scrape'], undefined);
    const on = render({ values: ['staging'] });
    assert.equal(get(on, 'Deployment', `${name}-api`).spec.template.metadata.annotations['prometheus.io/path'], '/metrics/prometheus');
    const jobs = on.filter((o) => o.kind === 'PodMonitor').map((m) => m.spec.podMetricsEndpoints[0].relabelings[0].replacement).sort();
    assert.deepEqual(jobs, ['api', 'nginx', 'postgres', 'redis']);
    const scraped = parseYaml(repoFile('monitoring/prometheus/prometheus.yml')).scrape_configs.map((c) => c.job_name);
    for (const job of jobs) assert.ok(scraped.includes(job), `${job} is a job of prometheus.yml`);
  });
});
