{{/*
Staff API authentication (libs/staff-api), the same for every service with a staff API: bearer
JWTs checked against an identity provider's JWKS or, on clusters without one, an HS256 shared
secret. Templates take a dict: root (the chart context) and valuesKey, the service's values path
(e.g. "caseService"), whose `auth` and `networkPolicy.jwks*` blocks they read.
*/}}

{{/* AUTH_JWKS_URL or AUTH_JWT_SECRET, AUTH_ISSUER and AUTH_AUDIENCE. */}}
{{- define "clement.staffAuthEnv" -}}
{{- $auth := (index .root.Values .valuesKey).auth }}
{{- if and $auth.jwksUrl $auth.jwtSecret.existingSecret }}
{{- fail (printf "%s.auth: set jwksUrl or jwtSecret.existingSecret, not both (the service refuses to start with both)" .valuesKey) }}
{{- else if $auth.jwksUrl }}
- name: AUTH_JWKS_URL
  value: {{ $auth.jwksUrl | quote }}
{{- else if $auth.jwtSecret.existingSecret }}
# HS256 shared secret: for clusters without an identity provider, not for production.
- name: AUTH_JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $auth.jwtSecret.existingSecret | quote }}
      key: {{ $auth.jwtSecret.key | quote }}
{{- else }}
{{- fail (printf "%s.auth: set jwksUrl (the identity provider's JWKS) or jwtSecret.existingSecret" .valuesKey) }}
{{- end }}
{{- with $auth.issuer }}
- name: AUTH_ISSUER
  value: {{ . | quote }}
{{- end }}
{{- with $auth.audience }}
- name: AUTH_AUDIENCE
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{/* The NetworkPolicy egress rule to the identity provider, when auth.jwksUrl is set. */}}
{{- define "clement.staffAuthEgress" -}}
{{- $v := index .root.Values .valuesKey }}
{{- if $v.auth.jwksUrl }}
# The identity provider's JWKS.
- ports:
    {{- range $v.networkPolicy.jwksPorts }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with $v.networkPolicy.jwksTo }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/* How NOTES.txt tells where staff tokens come from. */}}
{{- define "clement.staffAuthNote" -}}
{{- $auth := (index .root.Values .valuesKey).auth }}
{{- if $auth.jwksUrl }}
{{- printf "from the identity provider (%s)" $auth.jwksUrl }}
{{- else }}
{{- printf "signed with the HS256 secret of Secret \"%s\" (not for production: prefer %s.auth.jwksUrl)" $auth.jwtSecret.existingSecret .valuesKey }}
{{- end }}
{{- end }}
