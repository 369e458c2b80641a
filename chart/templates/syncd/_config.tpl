{{/*
syncd.yml for the chart's own stack: every service by its in-cluster Service name and port, and
the wiring among them (syncd.wiring), then the user's syncd.config deep-merged over it. Built as
data and written with toYaml; a string "!env NAME" becomes syncd's !env tag, and "!env_var NAME \"\"" its
!env_var tag with an empty default (a secret that may be unset: PLEX_TOKEN), so no secret is
ever written into the ConfigMap.
*/}}

{{/* http://<release>-<component>:<port>. Call with (list $ "sonarr" port). */}}
{{- define "media-server.url" -}}
{{- printf "http://%s:%v" (include "media-server.component" (list (index . 0) (index . 1))) (index . 2) -}}
{{- end -}}

{{/* Which wiring links exist, as JSON: a link needs syncd and both of its ends enabled. */}}
{{- define "media-server.syncdLinks" -}}
{{- $w := .Values.syncd.wiring -}}
{{- $syncd := .Values.syncd.enabled -}}
{{- toJson (dict
  "qbittorrent" (and $syncd .Values.qbittorrent.enabled)
  "credentials" (and $syncd .Values.qbittorrent.enabled $w.qbittorrent.credentials)
  "plex" (and $syncd .Values.plex.enabled $w.plex.enabled)) -}}
{{- end -}}

{{/* Secret keys syncd reads from the API-keys Secret beyond the apps' API keys, as a JSON list. */}}
{{- define "media-server.syncdSecretKeys" -}}
{{- $links := include "media-server.syncdLinks" . | fromJson -}}
{{- $keys := list -}}
{{- if $links.plex }}{{ $keys = append $keys "PLEX_TOKEN" }}{{ end -}}
{{- if $links.credentials }}{{ $keys = concat $keys (list "QBITTORRENT_USERNAME" "QBITTORRENT_PASSWORD") }}{{ end -}}
{{- if .Values.syncd.enabled -}}
{{- range .Values.syncd.notify.urls }}{{ if not .secretName }}{{ $keys = append $keys .key }}{{ end }}{{ end -}}
{{- end -}}
{{- toJson $keys -}}
{{- end -}}

{{- define "media-server.syncdConfig" -}}
{{- $v := .Values.syncd -}}
{{- $w := $v.wiring -}}
{{- $links := include "media-server.syncdLinks" . | fromJson -}}
{{- $cfg := dict "syncd" 1 "state_dir" "/state" "guides" (deepCopy $v.guides) "mode" $v.mode -}}
{{- if $v.schedule.cron -}}
{{- $_ := set $cfg "schedule" (dict "cron" $v.schedule.cron) -}}
{{- else -}}
{{- $_ := set $cfg "schedule" (dict "interval" $v.schedule.interval) -}}
{{- end -}}
{{- $notify := dict "level" $v.notify.level -}}
{{- if $v.notify.urls -}}
{{- $urls := list -}}
{{- range $i, $_ := $v.notify.urls }}{{ $urls = append $urls (printf "!env SYNCD_NOTIFY_URL_%d" $i) }}{{ end -}}
{{- $_ := set $notify "urls" $urls -}}
{{- end -}}
{{- $_ := set $cfg "notify" $notify -}}

{{- /* Sonarr and Radarr: presets, root folders, qBittorrent with their category, Plex. */ -}}
{{- range $app := list "sonarr" "radarr" -}}
{{- $a := index $.Values $app -}}
{{- if $a.enabled -}}
{{- $aw := index $w $app -}}
{{- $main := dict "base_url" (include "media-server.url" (list $ $app $a.port)) "api_key" (printf "!env %s_API_KEY" (upper $app)) -}}
{{- $includes := list -}}
{{- range (ternary $v.sonarrPresets $v.radarrPresets (eq $app "sonarr")) }}{{ $includes = append $includes (dict "preset" .) }}{{ end -}}
{{- if $includes }}{{ $_ := set $main "include" $includes }}{{ end -}}
{{- if $aw.rootFolders }}{{ $_ := set $main "root_folders" $aw.rootFolders }}{{ end -}}
{{- if and $links.qbittorrent $aw.category -}}
{{- $field := ternary "tvCategory" "movieCategory" (eq $app "sonarr") -}}
{{- $_ := set $main "download_clients" (list (dict "name" "qBittorrent" "implementation" "QBittorrent" "target" "qbittorrent.main" "fields" (dict $field $aw.category))) -}}
{{- end -}}
{{- if and $links.plex $aw.plexConnection -}}
{{- $_ := set $main "connections" (list (dict "name" "Plex" "implementation" "PlexServer" "target" "plex.main" "fields" (dict "updateLibrary" true) "settings" (dict "onDownload" true "onUpgrade" true "onRename" true))) -}}
{{- end -}}
{{- $_ := set $cfg $app (dict "main" $main) -}}
{{- end -}}
{{- end -}}

{{- /* Prowlarr: applications for Sonarr and Radarr, FlareSolverr/Byparr proxies with their tags, qBittorrent. */ -}}
{{- if .Values.prowlarr.enabled -}}
{{- $pw := $w.prowlarr -}}
{{- $main := dict "base_url" (include "media-server.url" (list $ "prowlarr" .Values.prowlarr.port)) "api_key" "!env PROWLARR_API_KEY" -}}
{{- $apps := list -}}
{{- if $pw.applications -}}
{{- range $app := list "sonarr" "radarr" -}}
{{- if (index $.Values $app).enabled -}}
{{- $apps = append $apps (dict "name" (title $app) "implementation" (title $app) "target" (printf "%s.main" $app) "settings" (dict "syncLevel" $pw.syncLevel)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $apps }}{{ $_ := set $main "applications" $apps }}{{ end -}}
{{- $tags := list -}}
{{- $proxies := list -}}
{{- range $p := list "flaresolverr" "byparr" -}}
{{- $pv := index $pw $p -}}
{{- $svc := index $.Values $p -}}
{{- if and $svc.enabled $pv.enabled -}}
{{- $tags = append $tags $pv.tag -}}
{{- $host := printf "%s/" (include "media-server.url" (list $ $p $svc.port)) -}}
{{- $proxies = append $proxies (dict "name" (ternary "FlareSolverr" "Byparr" (eq $p "flaresolverr")) "implementation" "FlareSolverr" "tags" (list $pv.tag) "fields" (dict "host" $host "requestTimeout" 60)) -}}
{{- end -}}
{{- end -}}
{{- if $tags }}{{ $_ := set $main "tags" $tags }}{{ end -}}
{{- if $proxies }}{{ $_ := set $main "indexer_proxies" $proxies }}{{ end -}}
{{- if and $links.qbittorrent $pw.downloadClientCategory -}}
{{- $_ := set $main "download_clients" (list (dict "name" "qBittorrent" "implementation" "QBittorrent" "target" "qbittorrent.main" "fields" (dict "category" $pw.downloadClientCategory))) -}}
{{- end -}}
{{- $_ := set $cfg "prowlarr" (dict "main" $main) -}}
{{- end -}}

{{- /* qBittorrent: downloads under the one /data mount (hardlinks), categories, the VPN interface. */ -}}
{{- if $links.qbittorrent -}}
{{- $qw := $w.qbittorrent -}}
{{- $defaults := dict "save_path" "/data/downloads" -}}
{{- if $qw.autoTorrentManagement }}{{ $_ := set $defaults "auto_tmm_enabled" true }}{{ end -}}
{{- $preferences := merge (deepCopy $v.qbittorrent.preferences) $defaults -}}
{{- if .Values.qbittorrent.vpn.enabled -}}
{{- /* Third kill-switch layer: qBittorrent talks only through the tunnel interface. */ -}}
{{- $_ := set $preferences "current_network_interface" (include "media-server.vpnInterface" $) -}}
{{- end -}}
{{- $main := dict "base_url" (include "media-server.url" (list $ "qbittorrent" .Values.qbittorrent.port)) "preferences" $preferences -}}
{{- if $links.credentials -}}
{{- $_ := set $main "username" "!env QBITTORRENT_USERNAME" -}}
{{- $_ := set $main "password" "!env QBITTORRENT_PASSWORD" -}}
{{- end -}}
{{- $categories := deepCopy ($qw.categories | default dict) -}}
{{- /* Prowlarr's own download client gets a folder for its category too, unless the values name
it or turn categories off (`categories: null`). */ -}}
{{- $prowlarrCategory := and .Values.prowlarr.enabled $w.prowlarr.downloadClientCategory -}}
{{- if and $categories $prowlarrCategory (not (hasKey $categories $prowlarrCategory)) -}}
{{- $_ := set $categories $prowlarrCategory (printf "/data/downloads/%s" $prowlarrCategory) -}}
{{- end -}}
{{- if $categories }}{{ $_ := set $main "categories" $categories }}{{ end -}}
{{- $_ := set $cfg "qbittorrent" (dict "main" $main) -}}
{{- end -}}

{{- /* Plex: the libraries, with the token from the API-keys Secret. */ -}}
{{- if $links.plex -}}
{{- $main := dict "base_url" (include "media-server.url" (list $ "plex" .Values.plex.port)) "token" "!env_var PLEX_TOKEN \"\"" "libraries" $w.plex.libraries -}}
{{- $_ := set $cfg "plex" (dict "main" $main) -}}
{{- end -}}

{{- $cfg = mergeOverwrite $cfg (deepCopy $v.config) -}}
{{- regexReplaceAll "[\"'](!env [A-Za-z_][A-Za-z0-9_]*|!env_var [A-Za-z_][A-Za-z0-9_]* \"\")[\"']" (toYaml $cfg) "${1}" -}}
{{- end -}}
