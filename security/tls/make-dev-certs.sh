#!/usr/bin/env bash
# Makes the development TLS material for the nginx edge: a private CA and a server
# certificate signed by it. Not for production: see security/README.md for real certificates.
set -euo pipefail

readonly SCRIPT_NAME="${0##*/}"
readonly DEFAULT_SANS=(DNS:localhost IP:127.0.0.1 IP:::1 DNS:proxy)

usage() {
    cat <<EOF
Usage: $SCRIPT_NAME [OPTIONS] [OUT_DIR]

Creates, in OUT_DIR (default: deployment/tls under the repository root):
  ca.crt      development CA certificate (trust it in clients and tests)
  ca.key      its private key, mode 0600, never mounted into a container
  server.crt  server certificate signed by the CA, SANs: localhost, 127.0.0.1, ::1, proxy (+ extras)
  server.key  its private key, mode 0644, or 0640 with group GID when --key-group is given

Existing files are kept (the script is safe to re-run); the server certificate is re-issued
when it is missing, no longer verifies against ca.crt, or expires within 30 days.

Options:
  --san NAME        extra subject alternative name (DNS name or IP address); repeatable
  --key-group GID   give server.key group GID and mode 0640 (the gid nginx runs with)
  --days N          server certificate validity in days (default: 825)
  --force           replace everything, the CA included
  --dry-run         print what would be done, change nothing
  -h, --help        show this help

Environment:
  TLS_EXTRA_SANS    extra names, comma or space separated (same as --san)
  TLS_KEY_GROUP     same as --key-group
EOF
}

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
die() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# An IP address (v4 or v6) becomes IP:, anything else DNS:.
san_entry() {
    local name="$1"
    if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then
        printf 'IP:%s' "$name"
    else
        printf 'DNS:%s' "$name"
    fi
}

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out_dir="$repo_root/deployment/tls"
extra_names=()
key_group="${TLS_KEY_GROUP:-}"
days=825
force=false
dry_run=false

if [[ -n "${TLS_EXTRA_SANS:-}" ]]; then
    read -r -a env_names <<<"${TLS_EXTRA_SANS//,/ }"
    extra_names+=("${env_names[@]}")
fi

while [[ $# -gt 0 ]]; do
    case "$1" in
        --san) [[ $# -ge 2 ]] || die "--san needs a value"; extra_names+=("$2"); shift 2 ;;
        --key-group) [[ $# -ge 2 ]] || die "--key-group needs a value"; key_group="$2"; shift 2 ;;
        --days) [[ $# -ge 2 ]] || die "--days needs a value"; days="$2"; shift 2 ;;
        --force) force=true; shift ;;
        --dry-run) dry_run=true; shift ;;
        -h | --help) usage; exit 0 ;;
        --) shift; break ;;
        -*) die "unknown option: $1 (see --help)" ;;
        *) break ;;
    esac
done
if [[ $# -gt 1 ]]; then
    die "at most one OUT_DIR argument (see --help)"
elif [[ $# -eq 1 ]]; then
    out_dir="$1"
fi
[[ "$days" =~ ^[1-9][0-9]*$ ]] || die "--days must be a positive integer, got '$days'"
[[ -z "$key_group" || "$key_group" =~ ^[0-9]+$ ]] || die "--key-group must be a numeric gid, got '$key_group'"
command -v openssl >/dev/null || die "openssl is required"

sans=("${DEFAULT_SANS[@]}")
for name in "${extra_names[@]}"; do
    if [[ -n "$name" ]]; then
        sans+=("$(san_entry "$name")")
    fi
done
san_list="$(IFS=,; printf '%s' "${sans[*]}")"

ca_crt="$out_dir/ca.crt"
ca_key="$out_dir/ca.key"
server_crt="$out_dir/server.crt"
server_key="$out_dir/server.key"

need_ca=true
need_server=true
if [[ "$force" == false && -s "$ca_crt" && -s "$ca_key" ]]; then
    need_ca=false
    if [[ -s "$server_crt" && -s "$server_key" ]] \
        && openssl verify -CAfile "$ca_crt" "$server_crt" >/dev/null 2>&1 \
        && openssl x509 -in "$server_crt" -noout -checkend $((30 * 24 * 3600)) >/dev/null; then
        need_server=false
    fi
fi

# server.key must be readable by the uid nginx runs as inside its container, which is not the
# owner of a bind-mounted file: through a group nginx runs with (--key-group), or else (the
# development default) by everyone.
set_server_key_mode() {
    local key="$1"
    if [[ -n "$key_group" ]]; then
        chgrp "$key_group" "$key" \
            || die "cannot give $key group $key_group (run as root or as a member of that group)"
        chmod 0640 "$key"
    else
        chmod 0644 "$key"
    fi
}

if [[ "$need_ca" == false && "$need_server" == false ]]; then
    if [[ -n "$key_group" && "$dry_run" == false ]]; then
        set_server_key_mode "$server_key"
    fi
    log "keeping the existing CA and server certificate in $out_dir (use --force to replace them)"
    exit 0
fi
if [[ "$dry_run" == true ]]; then
    if [[ "$need_ca" == true ]]; then
        log "would create the development CA: $ca_crt, $ca_key"
    fi
    log "would issue $server_crt and $server_key for $san_list, valid $days days"
    exit 0
fi

mkdir -p "$out_dir"
# Build in a scratch directory beside the output, then move into place: an interrupted run
# never leaves a key without its certificate.
work_dir="$(mktemp -d "$out_dir/.make-dev-certs.XXXXXX")"
trap 'rm -rf "$work_dir"' EXIT
umask 077

if [[ "$need_ca" == true ]]; then
    log "creating the development CA"
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$work_dir/ca.key" -out "$work_dir/ca.crt" -days 3650 -sha256 \
        -subj "/O=prodstack development/CN=prodstack development CA" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" 2>/dev/null \
        || die "could not create the CA"
    signing_crt="$work_dir/ca.crt"
    signing_key="$work_dir/ca.key"
else
    log "reusing the development CA in $out_dir"
    signing_crt="$ca_crt"
    signing_key="$ca_key"
fi

log "issuing the server certificate for $san_list"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$work_dir/server.key" -out "$work_dir/server.csr" \
    -subj "/O=prodstack development/CN=localhost" 2>/dev/null \
    || die "could not create the server key"
cat >"$work_dir/server.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=$san_list
EOF
openssl x509 -req -in "$work_dir/server.csr" -CA "$signing_crt" -CAkey "$signing_key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$days" -sha256 \
    -extfile "$work_dir/server.ext" -out "$work_dir/server.crt" 2>/dev/null \
    || die "could not sign the server certificate"

# Certificates are public; ca.key stays 0600 with its owner and is never mounted anywhere.
chmod 0644 "$work_dir/server.crt"
if [[ "$need_ca" == true ]]; then
    chmod 0644 "$work_dir/ca.crt"
    chmod 0600 "$work_dir/ca.key"
fi
set_server_key_mode "$work_dir/server.key"

if [[ "$need_ca" == true ]]; then
    mv -f "$work_dir/ca.key" "$ca_key"
    mv -f "$work_dir/ca.crt" "$ca_crt"
fi
mv -f "$work_dir/server.key" "$server_key"
mv -f "$work_dir/server.crt" "$server_crt"

log "wrote $server_crt and $server_key (CA: $ca_crt)"
