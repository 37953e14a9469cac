{{/*
Names, labels and the pieces every workload shares. Templates taking a "component context" expect
a dict: root (the chart's top-level context) and component (e.g. "case-service"); workload
templates (_workload.tpl) add values (the service's values block).
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "clement.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: <release>-<chart>, or the release name when it already contains the chart name. */}}
{{- define "clement.fullname" -}}
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

{{/* chart-version, for the helm.sh/chart label. */}}
{{- define "clement.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of a component's resources: <fullname>-<component>. Context: root, component. */}}
{{- define "clement.componentName" -}}
{{- printf "%s-%s" (include "clement.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels selecting a component's pods. Context: root, component. */}}
{{- define "clement.selectorLabels" -}}
app.kubernetes.io/name: {{ include "clement.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of every resource. Context: root, component. */}}
{{- define "clement.labels" -}}
helm.sh/chart: {{ include "clement.chart" .root }}
{{ include "clement.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: clement
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/* Labels of hook Job pods; the hooks' NetworkPolicy selects them. Context: root, component. */}}
{{- define "clement.hookPodLabels" -}}
{{ include "clement.selectorLabels" . }}
app.kubernetes.io/part-of: clement
clement/hook: "true"
{{- end }}

{{/* Annotations of a pre-install,pre-upgrade hook. Context: weight (string). */}}
{{- define "clement.hookAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ .weight | quote }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}

{{/* Name of the ServiceAccount the hook Jobs run as. */}}
{{- define "clement.hooksServiceAccountName" -}}
{{- include "clement.componentName" (dict "root" . "component" "hooks") }}
{{- end }}

{{/*
Image reference: [<registry>/]<repository>(@<digest>|:<tag>).
Context: registry, image (repository, tag, digest), defaultTag.
*/}}
{{- define "clement.imageRef" -}}
{{- $registry := .registry | default "" | trimSuffix "/" }}
{{- $ref := .image.repository }}
{{- if $registry }}
{{- $ref = printf "%s/%s" $registry .image.repository }}
{{- end }}
{{- if .image.digest }}
{{- printf "%s@%s" $ref .image.digest }}
{{- else }}
{{- printf "%s:%s" $ref (.image.tag | default .defaultTag | toString) }}
{{- end }}
{{- end }}

{{/* A Clement service's image. Context: root, values. */}}
{{- define "clement.serviceImage" -}}
{{- include "clement.imageRef" (dict "registry" .root.Values.image.registry "image" .values.image "defaultTag" (.root.Values.image.tag | default .root.Chart.AppVersion)) }}
{{- end }}

{{/* The imagePullSecrets list of every pod (the field is rendered only when the list is not empty). Context: root. */}}
{{- define "clement.imagePullSecrets" -}}
{{- range .Values.imagePullSecrets }}
- name: {{ . | quote }}
{{- end }}
{{- end }}

{{/* Kafka bootstrap servers, required. Context: root. */}}
{{- define "clement.kafkaBrokers" -}}
{{- required "kafka.brokers is required: comma-separated host:port bootstrap servers" .Values.kafka.brokers }}
{{- end }}

{{/* DATABASE_URL (from the existing Secret) and DATABASE_SCHEMA. Context: root, values. */}}
{{- define "clement.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required: the name of a Secret holding DATABASE_URL (see deploy/README.md)" .root.Values.database.existingSecret | quote }}
      key: {{ .root.Values.database.urlKey | quote }}
- name: DATABASE_SCHEMA
  value: {{ .values.databaseSchema | quote }}
{{- end }}

{{/* OTEL_RESOURCE_ATTRIBUTES: the pod's namespace and name, then otel.resourceAttributes. Context: root. */}}
{{- define "clement.otelResourceAttributes" -}}
{{- $attributes := list "k8s.namespace.name=$(POD_NAMESPACE)" "k8s.pod.name=$(POD_NAME)" }}
{{- range $key, $value := .root.Values.otel.resourceAttributes }}
{{- $attributes = append $attributes (printf "%s=%s" $key (toString $value)) }}
{{- end }}
{{- join "," $attributes }}
{{- end }}

{{/* OpenTelemetry variables of a service. Context: root. */}}
{{- define "clement.otelEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ include "clement.otelResourceAttributes" . | quote }}
{{- with .root.Values.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- range $name, $value := .root.Values.otel.env }}
- name: {{ $name }}
  value: {{ toString $value | quote }}
{{- end }}
{{- end }}

{{/* The writable /tmp of every container (the root filesystem is read-only). */}}
{{- define "clement.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}
{{- define "clement.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end }}

{{/*
Every missing required value at once (each template also uses `required` where it reads one).
Called by hooks.yaml, which is always rendered. Context: root.
*/}}
{{- define "clement.validateValues" -}}
{{- $missing := list }}
{{- if not .Values.kafka.brokers }}
{{- $missing = append $missing "kafka.brokers (comma-separated host:port bootstrap servers)" }}
{{- end }}
{{- if not .Values.database.existingSecret }}
{{- $missing = append $missing "database.existingSecret (a Secret holding DATABASE_URL)" }}
{{- end }}
{{- if .Values.caseService.enabled }}
{{- if not .Values.caseService.pii.existingSecret }}
{{- $missing = append $missing "caseService.pii.existingSecret (a Secret holding PII_MASTER_KEYS)" }}
{{- end }}
{{- end }}
{{- /* The services with a staff API (_auth.tpl). */}}
{{- range $key := list "caseService" "strategyService" "paymentService" }}
{{- $v := index $.Values $key }}
{{- if and $v.enabled (not (or $v.auth.jwksUrl $v.auth.jwtSecret.existingSecret)) }}
{{- $missing = append $missing (printf "%s.auth.jwksUrl (production) or %s.auth.jwtSecret.existingSecret" $key $key) }}
{{- end }}
{{- end }}
{{- $d := .Values.dispatchService }}
{{- if $d.enabled }}
{{- if not (or $d.caseServiceToken.existingSecret $d.caseServiceToken.file) }}
{{- $missing = append $missing "dispatchService.caseServiceToken.existingSecret or .file (the contact-resolver token for case-service)" }}
{{- end }}
{{- if not (or $d.caseServiceUrl .Values.caseService.enabled) }}
{{- $missing = append $missing "dispatchService.caseServiceUrl (caseService.enabled is false)" }}
{{- end }}
{{- if not $d.twilio.accountSid }}
{{- $missing = append $missing "dispatchService.twilio.accountSid (AC + 32 hex)" }}
{{- end }}
{{- if not $d.providers.existingSecret }}
{{- $missing = append $missing "dispatchService.providers.existingSecret (a Secret holding TWILIO_AUTH_TOKEN and SENDGRID_API_KEY)" }}
{{- end }}
{{- if not $d.sendgrid.webhookPublicKey }}
{{- $missing = append $missing "dispatchService.sendgrid.webhookPublicKey (the Event Webhook verification key)" }}
{{- end }}
{{- if not $d.keys.existingSecret }}
{{- $missing = append $missing "dispatchService.keys.existingSecret (a Secret holding PORTAL_LINK_KEYS and ADDRESS_INDEX_KEY)" }}
{{- end }}
{{- if not (or $d.webhookPublicBaseUrl .Values.providerSim.enabled) }}
{{- $missing = append $missing "dispatchService.webhookPublicBaseUrl (the public origin providers call back)" }}
{{- end }}
{{- if not $d.portal.baseUrl }}
{{- $missing = append $missing "dispatchService.portal.baseUrl (the debtor portal's https origin)" }}
{{- end }}
{{- if not (or $d.tenants.config $d.tenants.existingConfigMap) }}
{{- $missing = append $missing "dispatchService.tenants.config or .tenants.existingConfigMap (the tenants file)" }}
{{- end }}
{{- end }}
{{- $p := .Values.paymentService }}
{{- if $p.enabled }}
{{- if not (or $p.tenants.config $p.tenants.existingConfigMap) }}
{{- $missing = append $missing "paymentService.tenants.config or .tenants.existingConfigMap (the tenants file)" }}
{{- end }}
{{- $psp := $p.psp.provider | default (ternary "sandbox" "stripe" .Values.providerSim.enabled) }}
{{- if and (eq $psp "stripe") (not $p.psp.stripe.existingSecret) }}
{{- $missing = append $missing "paymentService.psp.stripe.existingSecret (a Secret holding STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRETS), or psp.provider sandbox" }}
{{- end }}
{{- if and (eq $psp "sandbox") (not (or $p.psp.sandbox.url .Values.providerSim.enabled)) }}
{{- $missing = append $missing "paymentService.psp.sandbox.url (psp.provider is sandbox and providerSim.enabled is false)" }}
{{- end }}
{{- if and (or $p.psp.sandbox.url .Values.providerSim.enabled) (not $p.psp.sandbox.existingSecret) }}
{{- $missing = append $missing "paymentService.psp.sandbox.existingSecret (a Secret holding PSP_SANDBOX_SECRET_KEY and PSP_SANDBOX_WEBHOOK_SECRETS)" }}
{{- end }}
{{- end }}
{{- if .Values.providerSim.enabled }}
{{- if not .Values.providerSim.eventWebhookKey.existingSecret }}
{{- $missing = append $missing "providerSim.eventWebhookKey.existingSecret (a Secret holding SENDGRID_EVENT_WEBHOOK_PRIVATE_KEY)" }}
{{- end }}
{{- if not (or .Values.providerSim.credentials.existingSecret $d.providers.existingSecret) }}
{{- $missing = append $missing "providerSim.credentials.existingSecret (or dispatchService.providers.existingSecret)" }}
{{- end }}
{{- if not $d.twilio.accountSid }}
{{- $missing = append $missing "dispatchService.twilio.accountSid (the account the simulator accepts)" }}
{{- end }}
{{- end }}
{{- if $missing }}
{{- fail (printf "missing required values (see deploy/README.md):\n  - %s" (join "\n  - " (uniq $missing))) }}
{{- end }}
{{- end }}

{{/* In-cluster URL of a component's Service: http://<name>:<port>. Context: root, component, port. */}}
{{- define "clement.serviceUrl" -}}
{{- printf "http://%s:%v" (include "clement.componentName" .) .port }}
{{- end }}

{{/* A NetworkPolicyPeer selecting a component's pods in the release namespace. Context: root, component. */}}
{{- define "clement.componentPeer" -}}
- podSelector:
    matchLabels:
      {{- include "clement.selectorLabels" . | nindent 6 }}
{{- end }}
