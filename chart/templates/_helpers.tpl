{{/* Names, labels and shared pod/container fragments for the media-server chart. */}}

{{- define "media-server.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "media-server.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects: <fullname>-<component>. Call with (list $ "sonarr"). */}}
{{- define "media-server.component" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "media-server.fullname" $root) (index . 1) -}}
{{- end -}}

{{- define "media-server.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "media-server.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "media-server.labels" -}}
{{- $root := index . 0 -}}
{{ include "media-server.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/part-of: {{ include "media-server.name" $root }}
{{- end -}}

{{/* Image reference from {repository, tag, digest}. */}}
{{- define "media-server.image" -}}
{{- if .digest -}}
{{- printf "%s:%s@%s" .repository .tag .digest -}}
{{- else -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}
{{- end -}}

{{/* Pod-level security context for non-root pods. */}}
{{- define "media-server.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.global.uid }}
runAsGroup: {{ .Values.global.gid }}
fsGroup: {{ .Values.global.gid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container security context for non-root containers. */}}
{{- define "media-server.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Common pod spec fields. */}}
{{- define "media-server.podCommon" -}}
enableServiceLinks: false
automountServiceAccountToken: false
{{- with .Values.global.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Pod annotations: checksum of the component's values plus global ones. Call with (list $ "sonarr"). */}}
{{- define "media-server.podAnnotations" -}}
{{- $root := index . 0 -}}
checksum/values: {{ index $root.Values (index . 1) | toJson | sha256sum }}
checksum/secrets: {{ $root.Values.secrets | toJson | sha256sum }}
{{- with $root.Values.global.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* A volume from {hostPath, existingClaim}. Call with (list "name" $storage). */}}
{{- define "media-server.volume" -}}
{{- $name := index . 0 -}}
{{- $s := index . 1 -}}
- name: {{ $name }}
{{- if $s.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ $s.existingClaim }}
{{- else }}
  hostPath:
    path: {{ $s.hostPath }}
    type: DirectoryOrCreate
{{- end }}
{{- end -}}

{{/* Common env: TZ. */}}
{{- define "media-server.commonEnv" -}}
- name: TZ
  value: {{ .Values.global.timezone | quote }}
{{- end -}}

{{/* secretKeyRef env entry. Call with (list "ENV_NAME" "secret-name" "KEY" optional). */}}
{{- define "media-server.secretEnv" -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 }}
      key: {{ index . 2 }}
      {{- if gt (len .) 3 }}
      optional: {{ index . 3 }}
      {{- end }}
{{- end -}}

{{/* Environment for a Servarr app: (list $ "sonarr" $appValues withPostgres). */}}
{{- define "media-server.servarrEnv" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- $v := index . 2 -}}
{{- $pg := index . 3 -}}
{{- $p := upper $app -}}
{{ include "media-server.commonEnv" $root }}
- name: {{ $p }}__SERVER__PORT
  value: {{ $v.port | quote }}
- name: {{ $p }}__AUTH__METHOD
  value: {{ $v.auth.method | quote }}
- name: {{ $p }}__AUTH__REQUIRED
  value: {{ $v.auth.required | quote }}
{{ include "media-server.secretEnv" (list (printf "%s__AUTH__APIKEY" $p) $root.Values.secrets.names.apiKeys (printf "%s_API_KEY" $p)) }}
{{- if $pg }}
- name: {{ $p }}__POSTGRES__HOST
  value: {{ include "media-server.component" (list $root "postgres") }}
- name: {{ $p }}__POSTGRES__PORT
  value: {{ $root.Values.postgres.port | quote }}
- name: {{ $p }}__POSTGRES__USER
  value: {{ $v.database.user | quote }}
{{ include "media-server.secretEnv" (list (printf "%s__POSTGRES__PASSWORD" $p) $root.Values.secrets.names.postgres (printf "%s_POSTGRES_PASSWORD" $p)) }}
- name: {{ $p }}__POSTGRES__MAINDB
  value: {{ $v.database.main | quote }}
- name: {{ $p }}__POSTGRES__LOGDB
  value: {{ $v.database.logs | quote }}
{{- end }}
{{- end -}}

{{/* Probes for a Servarr app: TCP liveness/startup, /ping readiness. Call with the port. */}}
{{- define "media-server.servarrProbes" -}}
startupProbe:
  tcpSocket: {port: http}
  periodSeconds: 10
  failureThreshold: 30
livenessProbe:
  tcpSocket: {port: http}
  periodSeconds: 30
  timeoutSeconds: 5
  failureThreshold: 5
readinessProbe:
  httpGet: {path: /ping, port: http}
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 5
{{- end -}}

{{/* A ClusterIP Service. Call with (list $ "component" port). */}}
{{- define "media-server.service" -}}
{{- $root := index . 0 -}}
{{- $c := index . 1 -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "media-server.component" (list $root $c) }}
  labels:
    {{- include "media-server.labels" (list $root $c) | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "media-server.selectorLabels" (list $root $c) | nindent 4 }}
  ports:
    - name: http
      port: {{ index . 2 }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/* Deployment for a Servarr app. Call with (list $ "sonarr" withPostgres). */}}
{{- define "media-server.servarrDeployment" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- $pg := index . 2 -}}
{{- $v := index $root.Values $app -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "media-server.component" (list $root $app) }}
  labels:
    {{- include "media-server.labels" (list $root $app) | nindent 4 }}
spec:
  replicas: 1
  revisionHistoryLimit: 3
  strategy:
    type: Recreate
  selector:
    matchLabels:
      {{- include "media-server.selectorLabels" (list $root $app) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "media-server.selectorLabels" (list $root $app) | nindent 8 }}
      annotations:
        {{- include "media-server.podAnnotations" (list $root $app) | nindent 8 }}
    spec:
      {{- include "media-server.podCommon" $root | nindent 6 }}
      {{- with $v.dnsConfig }}
      {{- if or .nameservers .searches .options }}
      dnsConfig:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      securityContext:
        {{- include "media-server.overlay" (list (include "media-server.podSecurityContext" $root) $v.podSecurityContext) | nindent 8 }}
      containers:
        - name: {{ $app }}
          image: {{ include "media-server.image" $v.image }}
          imagePullPolicy: IfNotPresent
          env:
            {{- include "media-server.servarrEnv" (list $root $app $v $pg) | nindent 12 }}
            {{- include "media-server.extraEnv" $v.env | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $v.port }}
              protocol: TCP
          {{- include "media-server.servarrProbes" $root | nindent 10 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- include "media-server.overlay" (list (include "media-server.containerSecurityContext" $root) $v.securityContext) | nindent 12 }}
          volumeMounts:
            - {name: config, mountPath: /config}
            - {name: tmp, mountPath: /tmp}
            {{- if ne $app "prowlarr" }}
            {{- include "media-server.dataMounts" (dict "readOnly" false) | nindent 12 }}
            {{- end }}
            {{- with $v.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "media-server.volume" (list "config" $v.config) | nindent 8 }}
        - name: tmp
          emptyDir: {}
        {{- if ne $app "prowlarr" }}
        {{- include "media-server.dataVolumes" $root | nindent 8 }}
        {{- end }}
        {{- with $v.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}

{{/* Databases the Servarr apps use (they never create their own). */}}
{{- define "media-server.databases" -}}
{{- $dbs := list -}}
{{- range (include "media-server.databaseApps" . | fromJsonArray) }}{{ $dbs = concat $dbs .databases }}{{ end -}}
{{- toJson $dbs -}}
{{- end -}}

{{/* Each enabled Servarr app's role, databases and password key, as JSON. */}}
{{- define "media-server.databaseApps" -}}
{{- $apps := list -}}
{{- range $app := list "sonarr" "radarr" -}}
{{- $v := index $.Values $app -}}
{{- if $v.enabled -}}
{{- $apps = append $apps (dict "role" $v.database.user "databases" (list $v.database.main $v.database.logs) "passwordKey" (printf "%s_POSTGRES_PASSWORD" (upper $app))) -}}
{{- end -}}
{{- end -}}
{{- toJson $apps -}}
{{- end -}}

{{/*
SQL that gives each app its own login role owning its databases. Idempotent: it creates only
what is missing and re-asserts owners and passwords, so it runs safely on every install and
upgrade (an app enabled later gets its databases then). Run by psql >= 15 (\getenv, \gexec)
as the superuser, with each app's password in the environment under its passwordKey.
*/}}
{{- define "media-server.databasesSql" -}}
{{- range $a := (include "media-server.databaseApps" . | fromJsonArray) }}
\getenv {{ $a.role }}_password {{ $a.passwordKey }}
SELECT 'CREATE ROLE {{ $a.role }}' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{{ $a.role }}')\gexec
ALTER ROLE {{ $a.role }} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'{{ $a.role }}_password';
{{- range $db := $a.databases }}
SELECT 'CREATE DATABASE {{ $db }} OWNER {{ $a.role }}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{{ $db }}')\gexec
ALTER DATABASE {{ $db }} OWNER TO {{ $a.role }};
REVOKE ALL ON DATABASE {{ $db }} FROM PUBLIC;
{{- end }}
{{- end }}
{{- end -}}

{{/* One ExternalSecret. Call with (list $ "component" "target-secret" (list (list "KEY" "remote/KEY") ...) templateData). */}}
{{- define "media-server.externalSecret" -}}
{{- $root := index . 0 -}}
{{- $es := $root.Values.secrets.externalSecrets -}}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ include "media-server.component" (list $root (index . 1)) }}
  labels:
    {{- include "media-server.labels" (list $root (index . 1)) | nindent 4 }}
spec:
  refreshInterval: {{ $es.refreshInterval }}
  secretStoreRef:
    kind: SecretStore
    name: {{ include "media-server.component" (list $root "infisical") }}
  target:
    name: {{ index . 2 }}
    creationPolicy: Owner
    {{- with index . 4 }}
    template:
      engineVersion: v2
      mergePolicy: Merge
      data: {{ toJson . }}
    {{- end }}
  data:
    {{- range index . 3 }}
    - secretKey: {{ index . 0 }}
      remoteRef:
        key: {{ index . 1 }}
    {{- end }}
{{- end -}}


{{/*
One /data mount for every pod that touches media, so an import from /data/downloads to
/data/library is a hardlink or an atomic rename, never a copy: link() and rename() across two
mounts fail with EXDEV (TRaSH-Guides/Guides includes/hardlinks/bad-path-suggestion.md). The app
configs and database dumps live under the same host root, so they are masked with empty
read-only folders. Call with (dict "readOnly" bool).
*/}}
{{- define "media-server.dataMounts" -}}
- {name: data, mountPath: /data{{ if .readOnly }}, readOnly: true{{ end }}}
- {name: data-mask, mountPath: /data/config, readOnly: true}
- {name: data-mask, mountPath: /data/backups, readOnly: true}
{{- end -}}

{{- define "media-server.dataVolumes" -}}
{{ include "media-server.volume" (list "data" .Values.storage.data) }}
- name: data-mask
  emptyDir:
    sizeLimit: 1Mi
{{- end -}}

{{/*
The WireGuard interface the VPN sidecar creates. protonwire hard-codes it
(tprasadtp/protonvpn-docker 7.5.3, protonwire: `ip link show protonwire0 type wireguard`);
syncd binds qBittorrent to it. The only place the name is written.
*/}}
{{- define "media-server.vpnInterface" -}}
protonwire0
{{- end -}}

{{/*
Escape hatches, in bjw-s app-template's manner, so an image can be worked around without a
fork: every app's `env` (NAME: value, or NAME: {valueFrom: ...}; listed after the chart's own,
so they win), `securityContext` and `podSecurityContext` (deep-merged over the chart's), and
`extraVolumes` / `extraVolumeMounts`.
*/}}
{{- define "media-server.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
{{- if kindIs "map" $value }}
  {{- toYaml $value | nindent 2 }}
{{- else }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* YAML text deep-merged with each following dict, later ones winning: (list yaml dict...). */}}
{{- define "media-server.overlay" -}}
{{- $out := fromYaml (index . 0) -}}
{{- range $layer := rest . }}
{{- $out = mergeOverwrite $out (deepCopy (default dict $layer)) -}}
{{- end }}
{{- toYaml $out -}}
{{- end -}}

{{/* The VPN pod: protonwire runs as root (its own container overrides this); the pod only
  fixes group ownership. Unsafe sysctls: the node's kubelet must allow them
  (scripts/setup/01-install-k3s.sh). */}}
{{- define "media-server.vpnPodSecurityContext" -}}
runAsUser: {{ .Values.global.uid }}
runAsGroup: {{ .Values.global.gid }}
fsGroup: {{ .Values.global.gid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
sysctls:
  - name: net.ipv4.conf.all.rp_filter
    value: "2"
  - name: net.ipv6.conf.all.disable_ipv6
    value: "1"
{{- end -}}

{{- define "media-server.sambaSecurityContext" -}}
runAsUser: 0
runAsNonRoot: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: false
capabilities:
  drop: ["ALL"]
  add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "NET_BIND_SERVICE"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
