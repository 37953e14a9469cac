{{/*
The resources of one Clement service, shared by every service. A service's template file calls

  include "clement.workload" (dict
    "root" .                       the chart context
    "component" "case-service"     name suffix and app.kubernetes.io/component
    "values" .Values.caseService   its values block (shape: see caseService in values.yaml)
    "env" (include ...)            its own environment variables, a YAML list (may be empty)
    "egress" (include ...))        its own NetworkPolicy egress rules, a YAML list (may be empty)

and optionally
    "ingressFrom" (include ...)    further NetworkPolicy sources of its HTTP port (NetworkPolicyPeers)
    "volumes" / "volumeMounts"     further pod volumes and container mounts, YAML lists
    "podAnnotations" (include ...) further pod annotations, a YAML map (e.g. a config checksum)
    "noInfrastructure" true        no Kafka/PostgreSQL variables and no egress to them (provider-sim)

and gets a ServiceAccount, Service, Deployment, PodDisruptionBudget, HorizontalPodAutoscaler,
ServiceMonitor and NetworkPolicy (each when enabled) and its migration Job (a Helm hook).
*/}}
{{- define "clement.workload" -}}
{{ include "clement.serviceAccount" . }}
{{ include "clement.service" . }}
{{ include "clement.deployment" . }}
{{ include "clement.podDisruptionBudget" . }}
{{ include "clement.horizontalPodAutoscaler" . }}
{{ include "clement.serviceMonitor" . }}
{{ include "clement.networkPolicy" . }}
{{ include "clement.migrationJob" . }}
{{- end }}

{{/* The ServiceAccount the service's pods run as. */}}
{{- define "clement.serviceAccountName" -}}
{{- if .values.serviceAccount.create }}
{{- .values.serviceAccount.name | default (include "clement.componentName" .) }}
{{- else }}
{{- .values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{- define "clement.serviceAccount" -}}
{{- if .values.serviceAccount.create }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "clement.serviceAccountName" . }}
  labels:
    {{- include "clement.labels" . | nindent 4 }}
  {{- with .values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
# The services never call the Kubernetes API.
automountServiceAccountToken: false
{{- end }}
{{- end }}

{{- define "clement.service" -}}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "clement.componentName" . }}
  labels:
    {{- include "clement.labels" . | nindent 4 }}
  {{- with .values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .values.service.type }}
  selector:
    {{- include "clement.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .values.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}

{{- define "clement.deployment" -}}
{{- $v := .values }}
{{- $root := .root }}
{{- $selector := include "clement.selectorLabels" . | fromYaml }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "clement.componentName" . }}
  labels:
    {{- include "clement.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- toYaml $selector | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      # New pods must be ready before old ones go: capacity never drops during a rollout.
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "clement.labels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if or $v.metrics.podAnnotations $v.podAnnotations (trim (.podAnnotations | default "")) }}
      annotations:
        {{- if $v.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $v.port | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with trim (.podAnnotations | default "") }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "clement.serviceAccountName" . }}
      automountServiceAccountToken: false
      # No <SERVICE>_PORT-style variables from other Services in the namespace.
      enableServiceLinks: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- include "clement.imagePullSecrets" $root | trim | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . | quote }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "clement.serviceImage" . | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $v.port }}
              protocol: TCP
          env:
            - name: PORT
              value: {{ $v.port | quote }}
            - name: HOST
              value: "0.0.0.0"
            {{- if not .noInfrastructure }}
            - name: KAFKA_BROKERS
              value: {{ include "clement.kafkaBrokers" $root | quote }}
            {{- include "clement.databaseEnv" . | nindent 12 }}
            {{- end }}
            - name: LOG_LEVEL
              value: {{ $v.logLevel | default $root.Values.logLevel | quote }}
            {{- if not .noInfrastructure }}
            # Migrations run in the pre-install/pre-upgrade Job, never at start.
            - name: MIGRATE_ON_START
              value: "false"
            {{- end }}
            {{- include "clement.otelEnv" . | nindent 12 }}
            {{- with trim .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $v.extraEnvFrom }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          startupProbe:
            {{- toYaml $v.startupProbe | nindent 12 }}
          livenessProbe:
            {{- toYaml $v.livenessProbe | nindent 12 }}
          readinessProbe:
            {{- toYaml $v.readinessProbe | nindent 12 }}
          {{- if gt (int $v.preStopSleepSeconds) 0 }}
          lifecycle:
            preStop:
              exec:
                command: ["sleep", {{ $v.preStopSleepSeconds | quote }}]
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            {{- include "clement.tmpVolumeMount" . | nindent 12 }}
            {{- with trim (.volumeMounts | default "") }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "clement.tmpVolume" . | nindent 8 }}
        {{- with trim (.volumes | default "") }}
        {{- . | nindent 8 }}
        {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- range . }}
        {{- $constraint := deepCopy . }}
        {{- if not (hasKey $constraint "labelSelector") }}
        {{- $_ := set $constraint "labelSelector" (dict "matchLabels" $selector) }}
        {{- end }}
        - {{ toYaml $constraint | indent 10 | trim }}
        {{- end }}
      {{- end }}
{{- end }}

{{- define "clement.podDisruptionBudget" -}}
{{- $pdb := .values.podDisruptionBudget }}
{{- if $pdb.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "clement.componentName" . }}
  labels:
    {{- include "clement.labels" . | nindent 4 }}
spec:
  {{- if ne (toString $pdb.minAvailable) "" }}
  minAvailable: {{ $pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "clement.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{- define "clement.horizontalPodAutoscaler" -}}
{{- $hpa := .values.autoscaling }}
{{- if $hpa.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "clement.componentName" . }}
  labels:
    {{- include "clement.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "clement.componentName" . }}
  minReplicas: {{ $hpa.minReplicas }}
  maxReplicas: {{ $hpa.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $hpa.targetCPUUtilizationPercentage }}
    {{- if ne (toString $hpa.targetMemoryUtilizationPercentage) "" }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ $hpa.targetMemoryUtilizationPercentage }}
    {{- end }}
{{- end }}
{{- end }}

{{- define "clement.serviceMonitor" -}}
{{- $sm := .values.metrics.serviceMonitor }}
{{- if $sm.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "clement.componentName" . }}
  labels:
    {{- include "clement.labels" . | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "clement.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ $sm.interval }}
      scrapeTimeout: {{ $sm.scrapeTimeout }}
{{- end }}
{{- end }}

{{/* Egress to cluster DNS. Context: root. */}}
{{- define "clement.dnsEgress" -}}
{{- $egress := .Values.networkPolicy.egress }}
- to:
    - namespaceSelector:
        {{- toYaml $egress.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml $egress.dns.podSelector | nindent 8 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end }}

{{/* Egress to cluster DNS, Kafka and PostgreSQL: what every pod of the chart needs. Context: root. */}}
{{- define "clement.baseEgress" -}}
{{- $egress := .Values.networkPolicy.egress }}
{{ include "clement.dnsEgress" . }}
{{- range $name := list "kafka" "postgres" }}
{{- $rule := index $egress $name }}
- ports:
    {{- range $rule.ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with $rule.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{- define "clement.networkPolicy" -}}
{{- $np := .root.Values.networkPolicy }}
{{- if $np.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "clement.componentName" . }}
  labels:
    {{- include "clement.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "clement.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - from:
        - namespaceSelector:
            {{- toYaml $np.ingress.namespaceSelector | nindent 12 }}
          {{- with $np.ingress.podSelector }}
          podSelector:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        {{- with $np.ingress.extraFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- with trim (.ingressFrom | default "") }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- with .values.networkPolicy.extraFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
  egress:
    {{- if .noInfrastructure }}
    {{- include "clement.dnsEgress" .root | trim | nindent 4 }}
    {{- else }}
    {{- include "clement.baseEgress" .root | trim | nindent 4 }}
    {{- end }}
    {{- if .root.Values.otel.endpoint }}
    - ports:
        {{- range $np.egress.otlp.ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
      {{- with $np.egress.otlp.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- with trim .egress }}
    {{- . | nindent 4 }}
    {{- end }}
    {{- with .values.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with $np.egress.extraRules }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end }}

{{/*
The service's migration Job: a pre-install,pre-upgrade hook (weight 0, after the topics Job) that
runs the image's migrate entry point with DATABASE_URL and DATABASE_SCHEMA only.
*/}}
{{- define "clement.migrationJob" -}}
{{- $v := .values }}
{{- $root := .root }}
{{- if and (not .noInfrastructure) $v.migration.enabled }}
{{- $job := dict "root" $root "component" (printf "%s-migrate" .component) }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "clement.componentName" $job }}
  labels:
    {{- include "clement.labels" $job | nindent 4 }}
  annotations:
    {{- include "clement.hookAnnotations" (dict "weight" "0") | nindent 4 }}
    # Helm prints the Job's logs when it fails.
    helm.sh/hook-output-log-policy: hook-failed
spec:
  backoffLimit: {{ $root.Values.hooks.backoffLimit }}
  activeDeadlineSeconds: {{ $root.Values.hooks.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "clement.hookPodLabels" $job | nindent 8 }}
    spec:
      restartPolicy: Never
      serviceAccountName: {{ include "clement.hooksServiceAccountName" $root }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- include "clement.imagePullSecrets" $root | trim | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      containers:
        - name: migrate
          image: {{ include "clement.serviceImage" . | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command:
            {{- toYaml $v.migration.command | nindent 12 }}
          env:
            {{- include "clement.databaseEnv" . | nindent 12 }}
          resources:
            {{- toYaml $root.Values.hooks.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            {{- include "clement.tmpVolumeMount" . | nindent 12 }}
      volumes:
        {{- include "clement.tmpVolume" . | nindent 8 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end }}
