{{/* Peers and rules the NetworkPolicies share. */}}

{{/* The cluster DNS, for every pod that resolves a name. */}}
{{- define "prodstack.dnsEgress" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  to:
    - namespaceSelector:
        {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 8 }}
{{- end -}}

{{/* The Prometheus pods allowed on the metrics ports (monitoring.scrapers). */}}
{{- define "prodstack.scrapers" -}}
- namespaceSelector:
    {{- toYaml .Values.monitoring.scrapers.namespaceSelector | nindent 4 }}
  podSelector:
    {{- toYaml .Values.monitoring.scrapers.podSelector | nindent 4 }}
{{- end -}}

{{/* To Postgres: the bundled one by its pods, an external one by its address. */}}
{{- define "prodstack.databaseEgress" -}}
{{- if .root.Values.postgres.enabled -}}
- ports:
    - port: 5432
  to:
    - podSelector:
        matchLabels:
          {{- get .sel "db" | nindent 10 }}
{{- else -}}
- ports:
    - port: {{ .root.Values.externalDatabase.port }}
  to:
    - ipBlock:
        cidr: {{ required "externalDatabase.cidr: the external database's address, for the NetworkPolicy" .root.Values.externalDatabase.cidr }}
{{- end -}}
{{- end -}}
