{{/* Chart name. */}}
{{- define "hostprobe.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: <release>-<chart>, or the release name when it already contains the chart name. */}}
{{- define "hostprobe.fullname" -}}
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

{{/* Namespace of the namespaced resources. */}}
{{- define "hostprobe.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hostprobe.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels (immutable on a DaemonSet: keep them few). */}}
{{- define "hostprobe.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hostprobe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of every resource. */}}
{{- define "hostprobe.labels" -}}
helm.sh/chart: {{ include "hostprobe.chart" . }}
{{ include "hostprobe.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: metrics
app.kubernetes.io/part-of: hostprobe
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "hostprobe.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hostprobe.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* registry/repository@digest or registry/repository:tag. */}}
{{- define "hostprobe.image" -}}
{{- $registry := .Values.global.imageRegistry | default .Values.image.registry -}}
{{- $repo := .Values.image.repository -}}
{{- if $registry }}{{ $repo = printf "%s/%s" $registry $repo }}{{ end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}
{{- end }}

{{/* The kube-rbac-proxy image: registry/repository@digest or registry/repository:tag. */}}
{{- define "hostprobe.proxyImage" -}}
{{- $i := .Values.kubeRBACProxy.image -}}
{{- $registry := .Values.global.imageRegistry | default $i.registry -}}
{{- $repo := $i.repository -}}
{{- if $registry }}{{ $repo = printf "%s/%s" $registry $repo }}{{ end -}}
{{- if $i.digest -}}
{{- printf "%s@%s" $repo $i.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (toString $i.tag) -}}
{{- end -}}
{{- end }}

{{/* Name of the port Prometheus scrapes: the proxy's with kubeRBACProxy, else the agent's. */}}
{{- define "hostprobe.scrapePortName" -}}
{{- if .Values.kubeRBACProxy.enabled }}{{ .Values.kubeRBACProxy.portName }}{{ else }}{{ .Values.web.portName }}{{ end -}}
{{- end }}

{{/*
The action of one of the agent's probes (dict "p" <probe values> "root" $).
With kubeRBACProxy the agent listens on 127.0.0.1 only and the proxy forwards only the
telemetry path, so the kubelet must reach the agent's loopback itself: under hostNetwork
the pod's loopback is the node's, where the kubelet runs (httpGet with host 127.0.0.1);
otherwise only a command run inside the container reaches it (exec: the image's node).
*/}}
{{- define "hostprobe.probeAction" -}}
{{- $v := .root.Values -}}
{{- if not $v.kubeRBACProxy.enabled -}}
httpGet:
  path: {{ .p.path }}
  port: {{ $v.web.portName }}
  scheme: {{ ternary "HTTPS" "HTTP" $v.web.tls.enabled }}
{{- else if $v.hostNetwork -}}
httpGet:
  host: 127.0.0.1
  path: {{ .p.path }}
  port: {{ $v.web.port }}
  scheme: HTTP
{{- else -}}
exec:
  command:
    - {{ $v.image.node }}
    - -e
    - {{ printf "require('http').get({host:'127.0.0.1',port:%d,path:'%s',timeout:%d},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1)).on('timeout',()=>process.exit(1))" (int $v.web.port) .p.path (mul (int .p.timeoutSeconds) 1000) | quote }}
{{- end -}}
{{- end }}

{{/*
V8 heap limit in MiB: heapMiB, or 75 % of the memory limit when it is written in Mi/Gi
(or M/G); "" when neither is known.
*/}}
{{- define "hostprobe.heapMiB" -}}
{{- if .Values.heapMiB -}}
{{- .Values.heapMiB | int -}}
{{- else -}}
{{- $limit := "" -}}
{{- with .Values.resources }}{{ with .limits }}{{ with .memory }}{{ $limit = toString . }}{{ end }}{{ end }}{{ end -}}
{{- if regexMatch "^[0-9]+Mi$" $limit -}}
{{- div (mul (trimSuffix "Mi" $limit | int) 3) 4 -}}
{{- else if regexMatch "^[0-9]+Gi$" $limit -}}
{{- div (mul (trimSuffix "Gi" $limit | int) 3072) 4 -}}
{{- else if regexMatch "^[0-9]+M$" $limit -}}
{{- div (mul (trimSuffix "M" $limit | int) 715) 1000 -}}
{{- else if regexMatch "^[0-9]+G$" $limit -}}
{{- div (mul (trimSuffix "G" $limit | int) 715255) 1000 -}}
{{- end -}}
{{- end -}}
{{- end }}

{{/* Where the chart mounts its Secrets. */}}
{{- define "hostprobe.webConfigDir" -}}/etc/hostprobe/web{{- end }}
{{- define "hostprobe.proxyTlsDir" -}}/etc/kube-rbac-proxy/tls{{- end }}
{{- define "hostprobe.otlpHeadersDir" -}}/etc/hostprobe/otlp-headers{{- end }}
{{- define "hostprobe.otlpTlsDir" -}}/etc/hostprobe/otlp-tls{{- end }}
{{- define "hostprobe.configDir" -}}/etc/hostprobe{{- end }}

{{/*
The agent's config file: .Values.config, with the otlp section generated from .Values.otlp.
(paths and the listener come from flags, see the DaemonSet.)
*/}}
{{- define "hostprobe.config" -}}
{{- $cfg := deepCopy (.Values.config | default dict) -}}
{{- if .Values.otlp.enabled -}}
{{- $o := .Values.otlp -}}
{{- $otlp := dict "endpoint" $o.endpoint "protocol" $o.protocol "compression" $o.compression "timeout" $o.timeout "interval" $o.interval -}}
{{- $headers := deepCopy ($o.headers | default dict) -}}
{{- range $name, $key := $o.headersFromSecret.headers -}}
{{- $_ := set $headers $name (dict "file" (printf "%s/%s" (include "hostprobe.otlpHeadersDir" $) $key)) -}}
{{- end -}}
{{- if $headers }}{{ $_ := set $otlp "headers" $headers }}{{ end -}}
{{- if $o.resourceAttributes }}{{ $_ := set $otlp "resource_attributes" $o.resourceAttributes }}{{ end -}}
{{- $tls := dict -}}
{{- if $o.tls.secretName -}}
{{- if $o.tls.caKey }}{{ $_ := set $tls "ca_file" (printf "%s/%s" (include "hostprobe.otlpTlsDir" $) $o.tls.caKey) }}{{ end -}}
{{- if $o.tls.certKey }}{{ $_ := set $tls "cert_file" (printf "%s/%s" (include "hostprobe.otlpTlsDir" $) $o.tls.certKey) }}{{ end -}}
{{- if $o.tls.keyKey }}{{ $_ := set $tls "key_file" (printf "%s/%s" (include "hostprobe.otlpTlsDir" $) $o.tls.keyKey) }}{{ end -}}
{{- end -}}
{{- if $o.tls.insecureSkipVerify }}{{ $_ := set $tls "insecure_skip_verify" true }}{{ end -}}
{{- if $tls }}{{ $_ := set $otlp "tls" $tls }}{{ end -}}
{{- $_ := set $cfg "otlp" $otlp -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end }}

{{/* sampleLimit/labelLimit/targetLimit of a ServiceMonitor or PodMonitor spec (0 = unset). */}}
{{- define "hostprobe.monitorLimits" -}}
{{- if .sampleLimit }}
sampleLimit: {{ .sampleLimit }}
{{- end }}
{{- if .labelLimit }}
labelLimit: {{ .labelLimit }}
{{- end }}
{{- if .targetLimit }}
targetLimit: {{ .targetLimit }}
{{- end }}
{{- end }}

{{/*
The endpoint fields shared by ServiceMonitor endpoints and PodMonitor podMetricsEndpoints
(dict "m" <monitor values> "root" $ "kind" "ServiceMonitor"|"PodMonitor"). With
kubeRBACProxy: https to the proxy, a bearer token (Prometheus's own token file for a
ServiceMonitor, or a Secret), and the proxy's CA or no verification of its self-signed
certificate unless the monitor's own tlsConfig is set.
*/}}
{{- define "hostprobe.monitorEndpoint" -}}
{{- $m := .m -}}
{{- $p := .root.Values.kubeRBACProxy -}}
path: {{ .root.Values.web.telemetryPath }}
{{- if $p.enabled }}
scheme: https
{{- else }}
scheme: {{ $m.scheme }}
{{- end }}
interval: {{ $m.interval }}
scrapeTimeout: {{ $m.scrapeTimeout }}
honorLabels: {{ $m.honorLabels }}
{{- if $p.enabled }}
{{- if $m.basicAuth }}
{{- fail (printf "%s: basicAuth cannot be combined with kubeRBACProxy (it authenticates bearer tokens)" .kind) }}
{{- end }}
{{- if $p.monitorAuth.tokenSecret.name }}
authorization:
  type: Bearer
  credentials:
    name: {{ $p.monitorAuth.tokenSecret.name }}
    key: {{ $p.monitorAuth.tokenSecret.key }}
{{- else if and (eq .kind "ServiceMonitor") $p.monitorAuth.bearerTokenFile }}
bearerTokenFile: {{ $p.monitorAuth.bearerTokenFile }}
{{- else }}
{{- fail (printf "%s with kubeRBACProxy needs a bearer token: set kubeRBACProxy.monitorAuth.tokenSecret.name%s" .kind (ternary " (or monitorAuth.bearerTokenFile)" " (a PodMonitor cannot read a token file)" (eq .kind "ServiceMonitor"))) }}
{{- end }}
tlsConfig:
  {{- if $m.tlsConfig }}
  {{- toYaml $m.tlsConfig | nindent 2 }}
  {{- else if and $p.tls.secretName $p.tls.caKey }}
  ca:
    secret:
      name: {{ $p.tls.secretName }}
      key: {{ $p.tls.caKey }}
  {{- with $p.tls.serverName }}
  serverName: {{ . }}
  {{- end }}
  {{- else }}
  insecureSkipVerify: true
  {{- end }}
{{- else }}
{{- with $m.tlsConfig }}
tlsConfig:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $m.basicAuth }}
basicAuth:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- if or $m.instanceFromNodeName $m.relabelings }}
relabelings:
  {{- if $m.instanceFromNodeName }}
  - action: replace
    sourceLabels: [__meta_kubernetes_pod_node_name]
    targetLabel: instance
  {{- end }}
  {{- with $m.relabelings }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- with $m.metricRelabelings }}
metricRelabelings:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
