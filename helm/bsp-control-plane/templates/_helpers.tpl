{{/* Chart name. */}}
{{- define "bsp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name prefix: the release name, plus the chart name unless it is already in it. */}}
{{- define "bsp.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "bsp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels; call with (dict "ctx" $ "component" "api"). */}}
{{- define "bsp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bsp.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every label; call with (dict "ctx" $ "component" "api"). */}}
{{- define "bsp.labels" -}}
{{ include "bsp.selectorLabels" . }}
helm.sh/chart: {{ include "bsp.chart" .ctx }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: bsp-control-plane
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Image reference; call with (dict "ctx" $ "repository" "…"). */}}
{{- define "bsp.image" -}}
{{- $img := .ctx.Values.image -}}
{{- $tag := default .ctx.Chart.AppVersion $img.tag | toString -}}
{{- if eq $tag "latest" -}}
{{- fail "image.tag: \"latest\" is not allowed; pin a version or a digest" -}}
{{- end -}}
{{- if $img.digest -}}
{{- printf "%s/%s@%s" $img.registry .repository $img.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $img.registry .repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "bsp.workerServiceAccountName" -}}
{{- default (printf "%s-worker" (include "bsp.fullname" .)) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "bsp.apiServiceAccountName" -}}
{{- printf "%s-api" (include "bsp.fullname" .) -}}
{{- end -}}

{{/* The Secret the chart creates from secrets.inline. */}}
{{- define "bsp.inlineSecretName" -}}
{{- printf "%s-inline" (include "bsp.fullname" .) -}}
{{- end -}}

{{/* The Secret holding the secret variables: existingSecret, else the inline one, else `<fullname>-secrets`. */}}
{{- define "bsp.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else if .Values.secrets.inline -}}
{{- include "bsp.inlineSecretName" . -}}
{{- else -}}
{{- printf "%s-secrets" (include "bsp.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
One secret variable as an env entry; call with (dict "ctx" $ "key" "DATABASE_URL" "optional" false).
secrets.refs.<KEY> wins; otherwise the key of the same name in bsp.secretName. Optional variables
(or any variable missing from an inline Secret) may be absent.
*/}}
{{- define "bsp.secretEnv" -}}
{{- $s := .ctx.Values.secrets -}}
{{- $ref := get (default (dict) $s.refs) .key -}}
{{- $inlineOnly := and (not $s.existingSecret) $s.inline -}}
{{- if or $ref (not $inlineOnly) (hasKey (default (dict) $s.inline) .key) (not .optional) }}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      {{- if $ref }}
      name: {{ required (printf "secrets.refs.%s.name is required" .key) $ref.name }}
      key: {{ default .key $ref.key }}
      {{- else }}
      {{- if and $inlineOnly (not .optional) (not (hasKey $s.inline .key)) }}
      {{- fail (printf "secrets.inline has no %s: give it there, in secrets.refs.%s or use secrets.existingSecret" .key .key) }}
      {{- end }}
      name: {{ include "bsp.secretName" .ctx }}
      key: {{ .key }}
      {{- end }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{/* Environment of a long-running process; call with (dict "ctx" $ "component" "api"|"worker"). */}}
{{- define "bsp.env" -}}
{{- $ctx := .ctx -}}
- name: API_HOST
  value: "0.0.0.0"
{{- if eq .component "api" }}
- name: API_PORT
  value: {{ $ctx.Values.api.port | quote }}
- name: DASHBOARD_DIR
  value: dist/apps/dashboard
{{- else }}
- name: WORKER_HTTP_PORT
  value: {{ $ctx.Values.worker.port | quote }}
{{- end }}
{{- include "bsp.secretEnv" (dict "ctx" $ctx "key" "DATABASE_URL") }}
{{- include "bsp.secretEnv" (dict "ctx" $ctx "key" "REDIS_URL") }}
{{- include "bsp.secretEnv" (dict "ctx" $ctx "key" "JWT_SECRET") }}
{{- include "bsp.secretEnv" (dict "ctx" $ctx "key" "API_KEY_PEPPER") }}
{{- if eq .component "api" }}
{{- if $ctx.Values.admin.email }}
- name: BSP_ADMIN_EMAIL
  value: {{ $ctx.Values.admin.email | quote }}
{{- include "bsp.secretEnv" (dict "ctx" $ctx "key" "BSP_ADMIN_PASSWORD") }}
{{- end }}
{{- else }}
{{- include "bsp.secretEnv" (dict "ctx" $ctx "key" "SECRETS_ENCRYPTION_KEYS") }}
{{- include "bsp.secretEnv" (dict "ctx" $ctx "key" "TENANT_DATABASE_ADMIN_URL" "optional" true) }}
{{- if $ctx.Values.worker.runtimeProfile }}
- name: RUNTIME_PROFILE_FILE
  value: /etc/bsp/runtime-profile.json
{{- end }}
{{- end }}
{{- end -}}

{{/* Topology spread over zones and nodes; call with (dict "ctx" $ "component" "api"). */}}
{{- define "bsp.topologySpread" -}}
{{- $t := .ctx.Values.topologySpread -}}
{{- if $t.enabled }}
topologySpreadConstraints:
  {{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
  - maxSkew: {{ $t.maxSkew }}
    topologyKey: {{ . }}
    whenUnsatisfiable: {{ $t.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "bsp.selectorLabels" (dict "ctx" $.ctx "component" $.component) | nindent 8 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Egress every pod of the chart needs: DNS, PostgreSQL, Redis, and the extra rules. */}}
{{- define "bsp.commonEgress" -}}
{{- $e := .Values.networkPolicy.egress -}}
- ports:
    - { protocol: UDP, port: 53 }
    - { protocol: TCP, port: 53 }
- to:
    {{- range $e.postgresqlCidrs }}
    - ipBlock: { cidr: {{ . }} }
    {{- end }}
  ports:
    - { protocol: TCP, port: {{ $e.postgresqlPort }} }
- to:
    {{- range $e.redisCidrs }}
    - ipBlock: { cidr: {{ . }} }
    {{- end }}
  ports:
    - { protocol: TCP, port: {{ $e.redisPort }} }
{{- with $e.extra }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Where the numbers' fencing agents renew their activation leases: config.FENCING_LEASE_URL, else
the API Service in this cluster on api.port. Not the Service port: the pod sets' egress policy
admits the URL's port, and a NetworkPolicy sees the pod's port behind a Service, so the URL must
name a Service port equal to the container port (services.yaml adds it as `lease`).
*/}}
{{- define "bsp.leaseUrl" -}}
{{- if .Values.config.FENCING_LEASE_URL -}}
{{- .Values.config.FENCING_LEASE_URL -}}
{{- else -}}
{{- printf "http://%s-api.%s.svc.%s:%d/internal/v1/leases/renew" (include "bsp.fullname" .) .Release.Namespace (default "cluster.local" .Values.config.CLUSTER_DOMAIN) (int .Values.api.port) -}}
{{- end -}}
{{- end -}}
