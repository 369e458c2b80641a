{{/* Names, labels, the image reference and the config checks of the standalone syncd chart. */}}

{{- define "syncd.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "syncd.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "syncd.labels" -}}
{{ include "syncd.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "syncd.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Fails the render unless exactly one config source is set. */}}
{{- define "syncd.checkConfig" -}}
{{- $c := .Values.config -}}
{{- $sources := compact (list $c.inline $c.existingConfigMap $c.existingSecret) -}}
{{- if ne (len $sources) 1 -}}
{{- fail "syncd: set exactly one of config.inline, config.existingConfigMap or config.existingSecret (the syncd, Recyclarr or Configarr file to run)" -}}
{{- end -}}
{{- if and $c.inline (not $c.fileName) -}}
{{- fail "syncd: config.inline needs config.fileName, the name the file is mounted under" -}}
{{- end -}}
{{- if and .Values.apiKeys.keys (not .Values.apiKeys.existingSecret) -}}
{{- fail "syncd: apiKeys.keys needs apiKeys.existingSecret, the Secret that holds them" -}}
{{- end -}}
{{- end -}}

{{- define "syncd.stateClaim" -}}
{{- .Values.persistence.existingClaim | default (include "syncd.fullname" .) -}}
{{- end -}}
