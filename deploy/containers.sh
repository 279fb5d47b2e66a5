# deploy/containers.sh: sourced by deploy/check and deploy/test-deploy; not run on its own.
#
# One home for what both need around a container engine on a plain Debian host:
#   - the cache directory (the same one scripts/stack keeps its jars in);
#   - podman with private settings and storage that work without systemd as PID 1
#     (dc_podman_setup, then `podman` as usual);
#   - the two base images deploy/Dockerfile starts from, debian:12 and debian:12-slim,
#     pulled when a registry answers, otherwise made once with mmdebstrap from the Debian
#     archive and imported (dc_base_images ENGINE);
#   - the Compose v2 binary, built once from its Go module and cached (dc_compose_bin).
# Long steps take a lock in the cache, so two runs never build the same thing at once.

DC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DC_CACHE=$(realpath -m -- "${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}")/deploy
DC_COMPOSE_VERSION=v2.29.7
DC_DEBIAN_MIRROR=${SLUICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DC_DEBIAN_SECURITY=${SLUICE_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

dc_say() { printf '%s: %s\n' "${DC_PROG:-deploy}" "$*"; }
dc_die() {
  printf '%s: %s\n' "${DC_PROG:-deploy}" "$*" >&2
  exit 1
}

# Seconds since $1 (an EPOCHREALTIME value), one decimal.
dc_since() {
  local t0=${1//[.,]/} t1=${EPOCHREALTIME//[.,]/}
  local us=$((t1 - t0))
  printf '%d.%d' $((us / 1000000)) $(((us % 1000000) / 100000))
}

# Runs "$@" with an exclusive lock on the cache file $1.lock (waits for another holder).
dc_locked() {
  local name=$1
  shift
  mkdir -p "$DC_CACHE"
  (
    flock 7
    "$@"
  ) 7>"$DC_CACHE/$name.lock"
}

# ---------------------------------------------------------------- podman

# Private settings for podman, exported through CONTAINERS_CONF and
# CONTAINERS_STORAGE_CONF, so the host's own podman configuration and images are not
# touched. What they fix on a host without systemd as PID 1:
#   - ulimits: podman raises RLIMIT_NOFILE/NPROC to its own defaults, which a container
#     host may forbid ("setrlimit ... Operation not permitted"); ask for less;
#   - runc and cgroupfs: crun refuses hybrid cgroup hierarchies, and there is no systemd
#     to manage cgroups;
#   - events to a file, not the journal.
# Storage (images, build cache) lives in the cache; run state on tmpfs.
dc_podman_setup() {
  command -v podman >/dev/null || dc_die "podman not found; run scripts/deps (make deps)"
  local conf=$DC_CACHE/podman run
  run=${SLUICE_PODMAN_RUNROOT:-/dev/shm/sluice-podman-$(id -u)}
  mkdir -p "$conf/storage" "$run"
  # At most what this shell may have; runc was seen refusing an NPROC of 96363 where
  # the hard limit was that, and taking 32768.
  local nofile=20000 nproc=32768 h
  h=$(ulimit -Hn)
  [[ $h =~ ^[0-9]+$ ]] && ((h < nofile)) && nofile=$h
  h=$(ulimit -Hu)
  [[ $h =~ ^[0-9]+$ ]] && ((h < nproc)) && nproc=$h
  local ulimits="\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\""
  cat >"$conf/containers.conf.tmp" <<EOF
# Written by deploy/containers.sh on every run; edits are lost.
[containers]
default_ulimits = [$ulimits]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$run/libpod"
EOF
  cat >"$conf/storage.conf.tmp" <<EOF
# Written by deploy/containers.sh on every run; edits are lost.
[storage]
driver = "overlay"
graphroot = "$conf/storage"
runroot = "$run/storage"
EOF
  mv "$conf/containers.conf.tmp" "$conf/containers.conf"
  mv "$conf/storage.conf.tmp" "$conf/storage.conf"
  export CONTAINERS_CONF=$conf/containers.conf
  export CONTAINERS_STORAGE_CONF=$conf/storage.conf
}

# ---------------------------------------------------------------- base images

# The mmdebstrap options and sources; their hash names the cached root file system, so a
# change here makes a new one. Like the official debian:12-slim: merged /usr without the
# usrmerge package (and the perl it pulls in); documentation, man pages and translations
# left out, also from packages installed later; apt keeps no downloaded packages, no
# binary caches and no translated indexes in the image's layers.
dc_rootfs_opts() {
  printf '%s\n' --variant=minbase \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    '--dpkgopt=path-exclude=/usr/share/doc/*' \
    '--dpkgopt=path-include=/usr/share/doc/*/copyright' \
    '--dpkgopt=path-exclude=/usr/share/man/*' \
    '--dpkgopt=path-exclude=/usr/share/info/*' \
    '--dpkgopt=path-exclude=/usr/share/locale/*' \
    '--dpkgopt=path-exclude=/usr/share/lintian/*' \
    '--aptopt=Acquire::Retries "3"' \
    '--aptopt=Acquire::Languages "none"' \
    "--customize-hook=upload $DC_ROOT/deploy/base-apt.conf /etc/apt/apt.conf.d/90sluice-image" \
    '--customize-hook=rm -f "$1"/var/cache/apt/*.bin'
}

dc_rootfs_sources() {
  printf '%s\n' "deb $DC_DEBIAN_MIRROR bookworm main" \
    "deb $DC_DEBIAN_MIRROR bookworm-updates main" \
    "deb $DC_DEBIAN_SECURITY bookworm-security main"
}

dc_rootfs_key() {
  { dc_rootfs_opts | grep -v customize-hook=upload; dc_rootfs_sources; cat "$DC_ROOT/deploy/base-apt.conf"; } |
    sha256sum | cut -c1-12
}

# Prints the path of the cached Debian 12 root file system tarball, making it first if
# needed (about 75 s and 120 MB; needs root and the Debian archive).
dc_rootfs() {
  local key tar
  key=$(dc_rootfs_key)
  tar=$DC_CACHE/debian-12-$key.tar
  if [[ ! -s $tar ]]; then
    dc_locked rootfs dc_make_rootfs "$tar" >&2 || return 1
  fi
  printf '%s' "$tar"
}

dc_make_rootfs() {
  local tar=$1 t0=$EPOCHREALTIME
  [[ -s $tar ]] && return 0
  command -v mmdebstrap >/dev/null || dc_die "mmdebstrap not found; run scripts/deps (make deps)"
  dc_say "no base image; making a Debian 12 root file system with mmdebstrap (once, cached in $DC_CACHE)"
  local -a opts sources
  mapfile -t opts < <(dc_rootfs_opts)
  mapfile -t sources < <(dc_rootfs_sources)
  if ! mmdebstrap --format=tar "${opts[@]}" bookworm "$tar.part" "${sources[@]}" \
    >"$DC_CACHE/mmdebstrap.log" 2>&1; then
    tail -n 30 "$DC_CACHE/mmdebstrap.log" >&2
    rm -f "$tar.part"
    dc_die "mmdebstrap failed (log: $DC_CACHE/mmdebstrap.log)"
  fi
  mv "$tar.part" "$tar"
  dc_say "root file system made in $(dc_since "$t0") s: $(du -m "$tar" | cut -f1) MB"
}

# Makes sure ENGINE (podman or docker) has debian:12 and debian:12-slim. Uses what it
# has, else pulls them (SLUICE_DEPLOY_PULL=0 skips the attempt), else imports the
# mmdebstrap root file system under both names. An imported base carries the label
# sluice.base=mmdebstrap-KEY, so `ENGINE image inspect` tells it from Docker Hub's.
dc_base_images() {
  local engine=$1 tag missing=() label key
  key=$(dc_rootfs_key)
  for tag in debian:12 debian:12-slim; do
    # A base imported from an older root file system (other mmdebstrap options) is
    # replaced; one that came from a registry has no label and is kept.
    if label=$("$engine" image inspect -f '{{index .Config.Labels "sluice.base"}}' "$tag" 2>/dev/null) &&
      [[ $label == "" || $label == "<no value>" || $label == "mmdebstrap-$key" ]]; then
      continue
    fi
    missing+=("$tag")
  done
  ((${#missing[@]})) || return 0
  if [[ ${SLUICE_DEPLOY_PULL:-1} != 0 ]]; then
    local pulled=1
    for tag in "${missing[@]}"; do
      if ! timeout 90 "$engine" pull -q "docker.io/library/$tag" >/dev/null 2>&1; then
        pulled=0
        break
      fi
    done
    if ((pulled)); then
      dc_say "pulled ${missing[*]} from Docker Hub"
      return 0
    fi
    dc_say "cannot pull debian:12 from a registry; using a local Debian 12 base"
  fi
  local tar
  tar=$(dc_rootfs) || return 1
  if ! "$engine" import --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL sluice.base=mmdebstrap-$key" \
    "$tar" docker.io/library/debian:12 >"$DC_CACHE/import.log" 2>&1; then
    cat "$DC_CACHE/import.log" >&2
    dc_die "$engine import of $tar failed"
  fi
  "$engine" tag docker.io/library/debian:12 docker.io/library/debian:12-slim
  dc_say "imported the local Debian 12 base into $engine as debian:12 and debian:12-slim"
}

# ---------------------------------------------------------------- compose

# A Go toolchain new enough for Compose v2 (1.21+): `go` on PATH or /usr/local/go.
dc_go() {
  local go ver
  for go in "$(command -v go 2>/dev/null)" /usr/local/go/bin/go; do
    [[ -n $go && -x $go ]] || continue
    ver=$("$go" env GOVERSION 2>/dev/null) || continue
    ver=${ver#go}
    local major=${ver%%.*} minor=${ver#*.}
    minor=${minor%%.*}
    if ((major > 1 || (major == 1 && minor >= 21))); then
      printf '%s' "$go"
      return 0
    fi
  done
  return 1
}

# Prints the path of a Compose v2 binary: SLUICE_COMPOSE_BIN when set, else the one built
# here before, else one on PATH (docker-compose v2, or the docker CLI's compose plugin),
# else it builds one from its Go module and caches it (docker-compose, usable on its own
# or as the `docker compose` plugin; 9 to 20 minutes on two busy cores, once; needs the Go
# module proxy).
dc_compose_bin() {
  local bin=$DC_CACHE/compose-$DC_COMPOSE_VERSION/docker-compose p
  if [[ -n ${SLUICE_COMPOSE_BIN:-} ]]; then
    printf '%s' "$SLUICE_COMPOSE_BIN"
    return
  fi
  if [[ ! -x $bin ]]; then
    for p in "$(command -v docker-compose 2>/dev/null)" \
      /usr/libexec/docker/cli-plugins/docker-compose /usr/local/lib/docker/cli-plugins/docker-compose \
      "$HOME/.docker/cli-plugins/docker-compose"; do
      if [[ -n $p && -x $p ]] && [[ $("$p" version --short 2>/dev/null) == v2.* || $("$p" version --short 2>/dev/null) == 2.* ]]; then
        printf '%s' "$p"
        return
      fi
    done
    dc_locked compose dc_build_compose "$bin" >&2
  fi
  printf '%s' "$bin"
}

dc_build_compose() {
  local bin=$1 go work t0=$EPOCHREALTIME
  [[ -x $bin ]] && return 0
  go=$(dc_go) || dc_die "Compose v2 is built from its Go module and needs Go 1.21 or newer" \
    "(on PATH or in /usr/local/go); none found"
  work=$DC_CACHE/compose-build
  rm -rf "$work"
  mkdir -p "$work" "$(dirname "$bin")"
  dc_say "building Compose $DC_COMPOSE_VERSION from its Go module with $("$go" env GOVERSION)" \
    "(once, cached in $(dirname "$bin"))"
  if ! GOMODCACHE=$work/mod GOCACHE=$work/cache GOBIN=$work/bin GOFLAGS="-trimpath -modcacherw" \
    CGO_ENABLED=0 GOTOOLCHAIN=local nice -n 10 "$go" install \
    -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$DC_COMPOSE_VERSION" \
    "github.com/docker/compose/v2/cmd@$DC_COMPOSE_VERSION" >"$work.log" 2>&1; then
    tail -n 30 "$work.log" >&2
    dc_die "building Compose failed (log: $work.log)"
  fi
  mv "$work/bin/cmd" "$bin"
  rm -rf "$work"
  dc_say "Compose built in $(dc_since "$t0") s"
}
