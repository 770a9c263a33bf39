{{/* Names */}}
{{- define "workout-api.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "workout-api.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "workout-api.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "workout-api.selectorLabels" . }}
app.kubernetes.io/version: {{ include "workout-api.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: workout-api
{{- end }}

{{- define "workout-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "workout-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "workout-api.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "workout-api.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "workout-api.imageTag" .) }}
{{- end }}

{{- define "workout-api.secretName" -}}
{{- if .Values.secret.create }}{{ include "workout-api.fullname" . }}{{ else }}{{ .Values.secret.existingSecret }}{{ end }}
{{- end }}

{{/* "true" when some backend lives in the pod (on the data volume, or in memory), else "". */}}
{{- define "workout-api.embedded" -}}
{{- with .Values.backends }}{{ if or (eq .postgres "embedded") (eq .mongodb "embedded") (eq .redis "embedded") }}true{{ end }}{{ end }}
{{- end }}

{{/* "true" when the data volume is needed: SQLite or the embedded MongoDB store. */}}
{{- define "workout-api.dataVolume" -}}
{{- with .Values.backends }}{{ if or (eq .postgres "embedded") (eq .mongodb "embedded") }}true{{ end }}{{ end }}
{{- end }}

{{/* Refuses configurations that cannot work. Included by every template that renders a workload. */}}
{{- define "workout-api.validate" -}}
{{- $replicas := int .Values.replicaCount }}
{{- if and (include "workout-api.embedded" .) (or (gt $replicas 1) .Values.autoscaling.enabled) }}
{{- fail (printf "replicaCount=%d (or autoscaling) needs every backend external: the embedded store, SQLite and the in-memory channel layer serve one process. Set backends.postgres, backends.mongodb and backends.redis to \"external\" (a real PostgreSQL, MongoDB and Redis, REDIS_URL for channels-redis), or replicaCount=1 with autoscaling off." $replicas) }}
{{- end }}
{{- if and (not .Values.secret.create) (not .Values.secret.existingSecret) }}
{{- fail "secret.existingSecret must name a Secret holding DJANGO_SECRET_KEY (and DATABASE_URL, MONGODB_URI, REDIS_URL for external backends), or set secret.create=true with secret.data." }}
{{- end }}
{{- if and .Values.secret.create (lt (len (index .Values.secret.data "DJANGO_SECRET_KEY" | default "")) 32) }}
{{- fail "secret.create=true needs secret.data.DJANGO_SECRET_KEY of 32+ random characters." }}
{{- end }}
{{- end }}

{{/* ALLOWED_HOSTS: the ingress hosts, extra names, and localhost for the probes. */}}
{{- define "workout-api.allowedHosts" -}}
{{- $hosts := list }}
{{- if .Values.ingress.enabled }}{{ $hosts = concat $hosts .Values.ingress.hosts }}{{ end }}
{{- $hosts = concat $hosts .Values.config.allowedHosts (list "localhost" "127.0.0.1") }}
{{- $hosts | uniq | join "," }}
{{- end }}

{{- define "workout-api.csrfTrustedOrigins" -}}
{{- $origins := list }}
{{- if .Values.ingress.enabled }}
{{- $scheme := ternary "https" "http" .Values.https.enabled }}
{{- range .Values.ingress.hosts }}{{ $origins = append $origins (printf "%s://%s" $scheme .) }}{{ end }}
{{- end }}
{{- concat $origins .Values.config.csrfTrustedOrigins | uniq | join "," }}
{{- end }}

{{/* The non-secret environment: the ConfigMap's data, and the migration Job's env. */}}
{{- define "workout-api.config" -}}
DJANGO_DEBUG: "false"
HOST: "0.0.0.0"
PORT: "8000"
DATA_DIR: "/data"
LOG_FORMAT: "json"
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
ALLOWED_HOSTS: {{ include "workout-api.allowedHosts" . | quote }}
CSRF_TRUSTED_ORIGINS: {{ include "workout-api.csrfTrustedOrigins" . | quote }}
CORS_ALLOWED_ORIGINS: {{ join "," .Values.config.corsAllowedOrigins | quote }}
MONGODB_DB: {{ .Values.config.mongodbDatabase | quote }}
SHUTDOWN_TIMEOUT: {{ .Values.config.shutdownTimeoutSeconds | toString | quote }}
PROXY_HEADERS: {{ .Values.config.proxyHeaders | quote }}
SECURE_PROXY_SSL: {{ .Values.https.enabled | quote }}
SECURE_SSL_REDIRECT: {{ and .Values.https.enabled .Values.https.redirect | quote }}
SECURE_COOKIES: {{ .Values.https.enabled | quote }}
SECURE_HSTS_SECONDS: {{ ternary (int64 .Values.https.hstsSeconds) 0 .Values.https.enabled | quote }}
SECURE_HSTS_INCLUDE_SUBDOMAINS: {{ .Values.https.hstsIncludeSubdomains | quote }}
SECURE_HSTS_PRELOAD: {{ .Values.https.hstsPreload | quote }}
{{- range $name, $value := .Values.config.extraEnv }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* Secret variables, each from the secret; a missing key stops the pod from starting. */}}
{{- define "workout-api.secretEnv" -}}
{{- $secret := include "workout-api.secretName" . }}
- name: DJANGO_SECRET_KEY
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: DJANGO_SECRET_KEY}
{{- if eq .Values.backends.postgres "external" }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: DATABASE_URL}
{{- end }}
{{- if eq .Values.backends.mongodb "external" }}
- name: MONGODB_URI
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: MONGODB_URI}
{{- end }}
{{- if eq .Values.backends.redis "external" }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef: {name: {{ $secret }}, key: REDIS_URL}
{{- end }}
{{- end }}

{{- define "workout-api.podSecurity" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .Values.serviceAccountName }}
serviceAccountName: {{ .Values.serviceAccountName }}
{{- end }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* /api/health/ with `Host: localhost`, so the probe passes ALLOWED_HOSTS and the HTTPS redirect. */}}
{{- define "workout-api.healthProbe" -}}
httpGet:
  path: /api/health/
  port: http
  httpHeaders:
    - name: Host
      value: localhost
{{- end }}
