{{/* Names, labels and the pieces every workload shares. */}}

{{- define "prodstack.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "prodstack.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "prodstack.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "prodstack.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "api"). */}}
{{- define "prodstack.selectorLabels" -}}
app.kubernetes.io/name: {{ include "prodstack.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "prodstack.labels" -}}
{{ include "prodstack.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: prodstack
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- with .root.Values.environment }}
prodstack.dev/environment: {{ . }}
{{- end }}
{{- end -}}

{{/* Every pod of the release, whatever its component (the NetworkPolicies' default deny). */}}
{{- define "prodstack.instanceLabels" -}}
app.kubernetes.io/name: {{ include "prodstack.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* repository:tag of an image block; the tag defaults to the chart's appVersion. */}}
{{- define "prodstack.image" -}}
{{- printf "%s:%s" .image.repository (toString (.image.tag | default .root.Chart.AppVersion)) -}}
{{- end -}}

{{/*
The hardening of docker-compose.yml, per pod and per container: a fixed non-root uid, no
privilege escalation, read-only root filesystem, every capability dropped, the runtime's
default seccomp profile. Writable paths are emptyDir volumes, as the compose tmpfs mounts.
*/}}
{{- define "prodstack.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "prodstack.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
privileged: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The Secret with db-password and admin-token: yours (secrets.existingSecret) or the chart's. */}}
{{- define "prodstack.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "prodstack.fullname" .)) -}}
{{- end -}}

{{- define "prodstack.tlsSecretName" -}}
{{- if and .Values.tls.existingSecret .Values.tls.certManager.enabled -}}
{{- fail "tls: set either tls.existingSecret or tls.certManager.enabled, not both" -}}
{{- else if .Values.tls.existingSecret -}}
{{- .Values.tls.existingSecret -}}
{{- else if .Values.tls.certManager.enabled -}}
{{- printf "%s-tls" (include "prodstack.fullname" .) -}}
{{- else -}}
{{- fail "tls: set tls.existingSecret (a kubernetes.io/tls Secret) or tls.certManager.enabled" -}}
{{- end -}}
{{- end -}}

{{- define "prodstack.databaseUrl" -}}
{{- if .Values.postgres.enabled -}}
{{- printf "jdbc:postgresql://%s-db:5432/%s" (include "prodstack.fullname" .) .Values.postgres.database -}}
{{- else -}}
{{- required "externalDatabase.url is required when postgres.enabled is false" .Values.externalDatabase.url -}}
{{- end -}}
{{- end -}}

{{- define "prodstack.databaseUser" -}}
{{- ternary .Values.postgres.user .Values.externalDatabase.user .Values.postgres.enabled -}}
{{- end -}}

{{/* The api's own role, which the migration provisions; empty: the api connects as the owner. */}}
{{- define "prodstack.apiDatabaseUser" -}}
{{- ternary .Values.postgres.apiUser .Values.externalDatabase.apiUser .Values.postgres.enabled -}}
{{- end -}}

{{/* postgres_exporter's role (the in-chart Postgres only), which the migration provisions; empty: the exporter connects as the owner. */}}
{{- define "prodstack.monitorDatabaseUser" -}}
{{- ternary .Values.postgres.monitorUser "" .Values.postgres.enabled -}}
{{- end -}}

{{/* The Secret's keys a workload mounts: (dict "root" $ "role" "api"|"migrate"|"exporter"). */}}
{{- define "prodstack.databaseSecretKeys" -}}
{{- $apiRole := include "prodstack.apiDatabaseUser" .root -}}
{{- $monitorRole := include "prodstack.monitorDatabaseUser" .root -}}
{{- if eq .role "api" -}}
{{- ternary "db-api-password" "db-password" (ne $apiRole "") -}}
{{- else if eq .role "exporter" -}}
{{- ternary "db-monitor-password" "db-password" (ne $monitorRole "") -}}
{{- else -}}
db-password{{ if $apiRole }} db-api-password{{ end }}{{ if $monitorRole }} db-monitor-password{{ end }}
{{- end -}}
{{- end -}}

{{/*
Environment of the api and the migration, (dict "root" $ "role" "api"|"migrate"): only what
Kubernetes decides (addresses, the database roles and their secret files) and the stop timings the pod's grace period is computed from. Everything else keeps the
defaults of service/config.yml and the image, unless api.env sets it.
*/}}
{{- define "prodstack.apiEnv" -}}
{{- $root := .root -}}
{{- $apiRole := include "prodstack.apiDatabaseUser" $root -}}
- name: DATABASE_URL
  value: {{ include "prodstack.databaseUrl" $root | quote }}
{{- if and (eq .role "api") $apiRole }}
- name: DATABASE_USER
  value: {{ $apiRole | quote }}
- name: DATABASE_PASSWORD_FILE
  value: /run/secrets/db_api_password
{{- else }}
- name: DATABASE_USER
  value: {{ include "prodstack.databaseUser" $root | quote }}
- name: DATABASE_PASSWORD_FILE
  value: /run/secrets/db_password
{{- end }}
{{- if and (eq .role "migrate") $apiRole }}
- name: API_DATABASE_USER
  value: {{ $apiRole | quote }}
- name: API_DATABASE_PASSWORD_FILE
  value: /run/secrets/db_api_password
{{- end }}
{{- $monitorRole := include "prodstack.monitorDatabaseUser" $root -}}
{{- if and (eq .role "migrate") $monitorRole }}
- name: MONITOR_DATABASE_USER
  value: {{ $monitorRole | quote }}
- name: MONITOR_DATABASE_PASSWORD_FILE
  value: /run/secrets/db_monitor_password
{{- end }}
- name: REDIS_URL
  value: {{ printf "redis://%s-cache:6379" (include "prodstack.fullname" $root) | quote }}
{{- if eq .role "api" }}
# Redis' ACL user of the api (files/redis/users.acl): its own keys, GET/SETEX/DEL only.
- name: REDIS_USER
  value: prodstack
- name: REDIS_PASSWORD_FILE
  value: /run/secrets/cache_password
{{- end }}
- name: STOP_DELAY
  value: {{ printf "%ds" (int $root.Values.api.shutdown.stopDelaySeconds) | quote }}
- name: SHUTDOWN_GRACE_PERIOD
  value: {{ printf "%ds" (int $root.Values.api.shutdown.gracePeriodSeconds) | quote }}
{{- range $name, $value := $root.Values.api.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Spread over nodes, then zones: (dict "root" $ "component" "api" "when" "ScheduleAnyway"). */}}
{{- define "prodstack.topologySpread" -}}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: {{ .when }}
  labelSelector:
    matchLabels:
      {{- include "prodstack.selectorLabels" . | nindent 6 }}
  matchLabelKeys: [pod-template-hash]
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "prodstack.selectorLabels" . | nindent 6 }}
  matchLabelKeys: [pod-template-hash]
{{- end -}}

{{/* Annotation-based scraping: (dict "root" $ "port" 8081 "path" "/metrics/prometheus"). */}}
{{- define "prodstack.scrapeAnnotations" -}}
{{- if .root.Values.monitoring.annotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: {{ .path }}
{{- end }}
{{- end -}}

{{/* The secret files of /run/secrets: (dict "root" $ "keys" (list "db-password")). */}}
{{- define "prodstack.secretVolume" -}}
- name: {{ .name | default "secrets" }}
  secret:
    secretName: {{ include "prodstack.secretName" .root }}
    # 0440, owned by the pod's fsGroup: readable by the container's uid only.
    defaultMode: 288
    items:
      {{- range .keys }}
      - key: {{ . }}
        path: {{ . | replace "-" "_" }}
      {{- end }}
{{- end -}}
