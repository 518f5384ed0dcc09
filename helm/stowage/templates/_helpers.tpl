{{/* Chart name, truncated to the 63 characters of a label value. */}}
{{- define "stowage.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name of the release's resources: <release>-<chart>, or <release> when it already contains the chart name. */}}
{{- define "stowage.fullname" -}}
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

{{- define "stowage.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "stowage.labels" -}}
helm.sh/chart: {{ include "stowage.chart" . }}
{{ include "stowage.selectorLabels" . }}
app.kubernetes.io/version: {{ (.Values.image.tag | default .Chart.AppVersion) | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "stowage.selectorLabels" -}}
app.kubernetes.io/name: {{ include "stowage.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Tells the management Service from the registry's, for the ServiceMonitor's selector. */}}
{{- define "stowage.managementServiceLabel" -}}
app.kubernetes.io/component: management
{{- end -}}

{{- define "stowage.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "stowage.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "stowage.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion | toString -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* "true" when the metadata lives in an external PostgreSQL rather than the embedded one. */}}
{{- define "stowage.externalDatabase" -}}
{{- if or .Values.database.external.url .Values.database.external.host -}}true{{- end -}}
{{- end -}}

{{- define "stowage.jdbcUrl" -}}
{{- $db := .Values.database.external -}}
{{- if $db.url -}}
{{- $db.url -}}
{{- else -}}
{{- printf "jdbc:postgresql://%s:%d/%s" $db.host (int $db.port) $db.name -}}
{{- if $db.parameters }}?{{ $db.parameters }}{{ end -}}
{{- end -}}
{{- end -}}

{{/* "true" when the data volume is a claim several pods may mount at once. */}}
{{- define "stowage.sharedVolume" -}}
{{- if and .Values.persistence.enabled (has "ReadWriteMany" .Values.persistence.accessModes) -}}true{{- end -}}
{{- end -}}

{{/* The most pods that may run at once: autoscaling's maximum, or replicaCount. */}}
{{- define "stowage.maxPods" -}}
{{- if .Values.autoscaling.enabled -}}{{ int .Values.autoscaling.maxReplicas }}{{- else -}}{{ int .Values.replicaCount }}{{- end -}}
{{- end -}}

{{/* The fewest pods that normally run: autoscaling's minimum, or replicaCount. */}}
{{- define "stowage.minPods" -}}
{{- if .Values.autoscaling.enabled -}}{{ int .Values.autoscaling.minReplicas }}{{- else -}}{{ int .Values.replicaCount }}{{- end -}}
{{- end -}}

{{/*
Refuses values that cannot work, before anything is applied. Several pods share nothing but PostgreSQL and blob
storage, so both must be shared: the embedded PostgreSQL belongs to one pod's volume, and so do filesystem blobs on a
ReadWriteOnce claim.
*/}}
{{- define "stowage.validate" -}}
{{- $storageType := .Values.storage.type | toString -}}
{{- if not (has $storageType (list "filesystem" "s3")) -}}
{{- fail (printf "stowage: storage.type must be filesystem or s3, not %q" $storageType) -}}
{{- end -}}
{{- if not (has (.Values.auth.mode | toString) (list "token" "none")) -}}
{{- fail (printf "stowage: auth.mode must be token or none, not %q" (.Values.auth.mode | toString)) -}}
{{- end -}}
{{- if and (eq $storageType "s3") (not .Values.storage.s3.bucket) -}}
{{- fail "stowage: storage.type=s3 needs storage.s3.bucket" -}}
{{- end -}}
{{- if and (not .Values.storage.s3.existingSecret) (ne (empty .Values.storage.s3.accessKey) (empty .Values.storage.s3.secretKey)) -}}
{{- fail "stowage: set both storage.s3.accessKey and storage.s3.secretKey, or neither (the AWS SDK's default credential chain), or storage.s3.existingSecret" -}}
{{- end -}}
{{- if and .Values.networkPolicy.enabled .Values.metrics.serviceMonitor.enabled (empty .Values.networkPolicy.management.from) -}}
{{- fail "stowage: networkPolicy.enabled admits nobody to the management port unless networkPolicy.management.from lists the peers: with metrics.serviceMonitor.enabled, add Prometheus's (e.g. its namespace)" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) -}}
{{- fail "stowage: autoscaling.minReplicas must not exceed autoscaling.maxReplicas" -}}
{{- end -}}
{{- if and (include "stowage.externalDatabase" .) (eq (include "stowage.keyEncryptionKeyRef" .) "{}") -}}
{{- fail "stowage: an external database needs auth.keyEncryption.existingSecret (or auth.keyEncryption.key): the key that encrypts the signing keys in it must be the same in every pod and outlive them (openssl rand -base64 32)" -}}
{{- end -}}
{{- if gt (int (include "stowage.maxPods" .)) 1 -}}
{{- $why := ternary "autoscaling.enabled=true" (printf "replicaCount=%d" (int .Values.replicaCount)) .Values.autoscaling.enabled -}}
{{- if not (include "stowage.externalDatabase" .) -}}
{{- fail (printf "stowage: %s runs several pods, which needs an external PostgreSQL: set database.external.host (or database.external.url). The embedded PostgreSQL serves a single pod only." $why) -}}
{{- end -}}
{{- if and (eq $storageType "filesystem") (not (include "stowage.sharedVolume" .)) -}}
{{- fail (printf "stowage: %s runs several pods, which needs shared blob storage: set storage.type=s3, or keep filesystem storage on a ReadWriteMany volume (persistence.enabled=true, persistence.accessModes=[ReadWriteMany])." $why) -}}
{{- end -}}
{{- if and .Values.persistence.enabled (not (include "stowage.sharedVolume" .)) -}}
{{- fail (printf "stowage: %s runs several pods, but the data volume is ReadWriteOnce and cannot be mounted by all of them: set persistence.enabled=false (S3 storage keeps nothing lasting there) or persistence.accessModes=[ReadWriteMany]." $why) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Where each secret comes from, as JSON: the Secret's name and key, or {} when it is not set at all. */}}
{{- define "stowage.databasePasswordRef" -}}
{{- $db := .Values.database.external -}}
{{- if $db.existingSecret -}}
{{- dict "name" $db.existingSecret "key" $db.existingSecretPasswordKey | toJson -}}
{{- else if $db.password -}}
{{- dict "name" (include "stowage.fullname" .) "key" "database-password" | toJson -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{- define "stowage.s3AccessKeyRef" -}}
{{- $s3 := .Values.storage.s3 -}}
{{- if $s3.existingSecret -}}
{{- dict "name" $s3.existingSecret "key" $s3.existingSecretAccessKeyKey | toJson -}}
{{- else if $s3.accessKey -}}
{{- dict "name" (include "stowage.fullname" .) "key" "s3-access-key" | toJson -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{- define "stowage.s3SecretKeyRef" -}}
{{- $s3 := .Values.storage.s3 -}}
{{- if $s3.existingSecret -}}
{{- dict "name" $s3.existingSecret "key" $s3.existingSecretSecretKeyKey | toJson -}}
{{- else if $s3.secretKey -}}
{{- dict "name" (include "stowage.fullname" .) "key" "s3-secret-key" | toJson -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{- define "stowage.adminPasswordRef" -}}
{{- $admin := .Values.auth.admin -}}
{{- if $admin.existingSecret -}}
{{- dict "name" $admin.existingSecret "key" $admin.existingSecretPasswordKey | toJson -}}
{{- else if $admin.password -}}
{{- dict "name" (include "stowage.fullname" .) "key" "admin-password" | toJson -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{/* The secretKeyRef of the signing keys' key-encryption key (JSON), or {} when Stowage generates it. */}}
{{- define "stowage.keyEncryptionKeyRef" -}}
{{- $kek := .Values.auth.keyEncryption -}}
{{- if $kek.existingSecret -}}
{{- dict "name" $kek.existingSecret "key" $kek.existingSecretKey | toJson -}}
{{- else if $kek.key -}}
{{- dict "name" (include "stowage.fullname" .) "key" "key-encryption-key" | toJson -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{/* "true" when the chart's own Secret has something to hold. */}}
{{- define "stowage.ownSecret" -}}
{{- $db := .Values.database.external -}}
{{- $s3 := .Values.storage.s3 -}}
{{- $kek := .Values.auth.keyEncryption -}}
{{- if or (and $db.password (not $db.existingSecret)) (and $s3.accessKey (not $s3.existingSecret)) (and .Values.auth.admin.password (not .Values.auth.admin.existingSecret)) (and $kek.key (not $kek.existingSecret)) -}}true{{- end -}}
{{- end -}}

{{/*
Sets one environment variable in a dict, unless its value is unset (null or ""), so that Stowage's own default
applies. Lists are joined with commas, as Spring Boot binds them. Called with (list DICT NAME VALUE).
*/}}
{{- define "stowage.setEnv" -}}
{{- $env := index . 0 -}}
{{- $value := index . 2 -}}
{{- if kindIs "slice" $value -}}
{{- $value = join "," $value -}}
{{- else if kindIs "float64" $value -}}
{{- /* YAML numbers arrive as floats; 1000000 must not become 1e+06. */ -}}
{{- $value = int64 $value -}}
{{- end -}}
{{- if and (not (kindIs "invalid" $value)) (ne (toString $value) "") -}}
{{- $_ := set $env (index . 1) (toString $value) -}}
{{- end -}}
{{- end -}}

{{/*
The non-secret settings as environment variables (YAML map), for the ConfigMap. The names are Spring Boot's canonical
environment form of each property: dots become underscores and dashes are dropped (stowage.gc.review-delay is
STOWAGE_GC_REVIEWDELAY).
*/}}
{{- define "stowage.configEnv" -}}
{{- $env := dict -}}
{{- $db := .Values.database.external -}}
{{- if include "stowage.externalDatabase" . -}}
{{- include "stowage.setEnv" (list $env "SPRING_DATASOURCE_URL" (include "stowage.jdbcUrl" .)) -}}
{{- if not $db.existingSecretUsernameKey -}}
{{- include "stowage.setEnv" (list $env "SPRING_DATASOURCE_USERNAME" $db.username) -}}
{{- end -}}
{{- include "stowage.setEnv" (list $env "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE" $db.maxPoolSize) -}}
{{- end -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_STORAGE_TYPE" .Values.storage.type) -}}
{{- if eq (toString .Values.storage.type) "s3" -}}
{{- with .Values.storage.s3 -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_STORAGE_S3_ENDPOINT" .endpoint) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_STORAGE_S3_REGION" .region) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_STORAGE_S3_BUCKET" .bucket) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_STORAGE_S3_PATHSTYLE" .pathStyle) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_STORAGE_S3_REDIRECT" .redirect) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_STORAGE_S3_REDIRECTEXPIRY" .redirectExpiry) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_STORAGE_S3_PARTSIZE" .partSize) -}}
{{- end -}}
{{- else -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_STORAGE_FILESYSTEM_FSYNC" .Values.storage.filesystem.fsync) -}}
{{- end -}}
{{- with .Values.auth -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_MODE" .mode) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_ISSUER" .issuer) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_SERVICE" .service) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_TOKENLIFETIME" .tokenLifetime) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_REFRESHTOKENLIFETIME" .refreshTokenLifetime) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_PUBLICREPOSITORIES" .publicRepositories) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_LOGINBACKOFF_FREEATTEMPTS" .loginBackoff.freeAttempts) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_LOGINBACKOFF_INITIALDELAY" .loginBackoff.initialDelay) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_LOGINBACKOFF_MAXDELAY" .loginBackoff.maxDelay) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_AUTH_ADMIN_USERNAME" .admin.username) -}}
{{- end -}}
{{- with .Values.gc -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_GC_ENABLED" .enabled) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_GC_INTERVAL" .interval) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_GC_BATCHSIZE" .batchSize) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_GC_REVIEWDELAY" .reviewDelay) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_GC_UNTAGGED" .untagged) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_GC_RETRYDELAY" .retryDelay) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_GC_MAXRETRYDELAY" .maxRetryDelay) -}}
{{- end -}}
{{- with .Values.uploads -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_UPLOADS_EXPIRY" .expiry) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_UPLOADS_SWEEPINTERVAL" .sweepInterval) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_UPLOADS_MOUNTWITHOUTFROM" .mountWithoutFrom) -}}
{{- end -}}
{{- with .Values.registry -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_REGISTRY_MAXMANIFESTSIZE" .maxManifestSize) -}}
{{- include "stowage.setEnv" (list $env "STOWAGE_REGISTRY_DELETEENABLED" .deleteEnabled) -}}
{{- end -}}
{{- include "stowage.setEnv" (list $env "SERVER_FORWARDHEADERSSTRATEGY" (include "stowage.forwardHeadersStrategy" .)) -}}
{{- include "stowage.setEnv" (list $env "SERVER_TOMCAT_REMOTEIP_INTERNALPROXIES" .Values.server.internalProxies) -}}
{{- include "stowage.setEnv" (list $env "JAVA_TOOL_OPTIONS" .Values.javaToolOptions) -}}
{{- if .Values.applicationConfig -}}
{{- include "stowage.setEnv" (list $env "SPRING_CONFIG_ADDITIONAL_LOCATION" "file:/etc/stowage/application.yml") -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
The secret settings as container env entries (YAML list), each a secretKeyRef into the chart's Secret or an
existing one: the Deployment never carries a secret's value.
*/}}
{{- define "stowage.secretEnv" -}}
{{- $env := list -}}
{{- $db := .Values.database.external -}}
{{- if include "stowage.externalDatabase" . -}}
{{- if $db.existingSecretUsernameKey -}}
{{- $name := required "stowage: database.external.existingSecretUsernameKey needs database.external.existingSecret" $db.existingSecret -}}
{{- $env = append $env (dict "name" "SPRING_DATASOURCE_USERNAME" "valueFrom" (dict "secretKeyRef" (dict "name" $name "key" $db.existingSecretUsernameKey))) -}}
{{- end -}}
{{- with include "stowage.databasePasswordRef" . | fromJson -}}
{{- $env = append $env (dict "name" "SPRING_DATASOURCE_PASSWORD" "valueFrom" (dict "secretKeyRef" .)) -}}
{{- end -}}
{{- end -}}
{{- if eq (toString .Values.storage.type) "s3" -}}
{{- with include "stowage.s3AccessKeyRef" . | fromJson -}}
{{- $env = append $env (dict "name" "STOWAGE_STORAGE_S3_ACCESSKEY" "valueFrom" (dict "secretKeyRef" .)) -}}
{{- end -}}
{{- with include "stowage.s3SecretKeyRef" . | fromJson -}}
{{- $env = append $env (dict "name" "STOWAGE_STORAGE_S3_SECRETKEY" "valueFrom" (dict "secretKeyRef" .)) -}}
{{- end -}}
{{- end -}}
{{- with include "stowage.adminPasswordRef" . | fromJson -}}
{{- $env = append $env (dict "name" "STOWAGE_AUTH_ADMIN_PASSWORD" "valueFrom" (dict "secretKeyRef" .)) -}}
{{- end -}}
{{- with include "stowage.keyEncryptionKeyRef" . | fromJson -}}
{{- $env = append $env (dict "name" "STOWAGE_AUTH_KEYENCRYPTION_KEY" "valueFrom" (dict "secretKeyRef" .)) -}}
{{- end -}}
{{- if $env -}}
{{- toYaml $env -}}
{{- end -}}
{{- end -}}

{{/* The server.forward-headers-strategy in force: as set, or native behind the chart's Ingress. */}}
{{- define "stowage.forwardHeadersStrategy" -}}
{{- if .Values.server.forwardHeadersStrategy -}}
{{- .Values.server.forwardHeadersStrategy -}}
{{- else if .Values.ingress.enabled -}}
native
{{- end -}}
{{- end -}}
