#!/usr/bin/env bash
# `npm run image`: builds deploy/docker/Dockerfile with buildah (no daemon) into the local
# container storage as localhost/hostprobe:<package.json version>.
#
# The Dockerfile's default bases (node:24-bookworm, gcr.io/distroless/nodejs24-debian12:
# nonroot) come from registries. When they cannot be pulled (no registry reachable), or
# when HOSTPROBE_IMAGE_BASES=local, the local stand-ins of scripts/image/bases.sh are built
# and passed as BUILD_IMAGE/RUNTIME_IMAGE. HOSTPROBE_IMAGE_BASES=registry never builds them
# (a failed pull is then an error).
#
#   npm run image                      # prints the image name on stdout when done
#   HOSTPROBE_IMAGE_TAG=dev npm run image
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/env.sh"
die() { echo "image: error: $*" >&2; exit 1; }
log() { echo "image: $*" >&2; }

command -v buildah >/dev/null || die "buildah not found (apt-get install -y buildah podman runc mmdebstrap)"
version=$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' "$repo/package.json" | head -1)
[ -n "$version" ] || die "no version in $repo/package.json"
image="localhost/hostprobe:${HOSTPROBE_IMAGE_TAG:-$version}"

# The Dockerfile's own defaults (ARG lines), so that a registry build uses exactly them.
dockerfile="$repo/deploy/docker/Dockerfile"
node_major=$(sed -n 's/^ARG NODE_VERSION=//p' "$dockerfile")
default_build="node:${node_major}-bookworm"
default_runtime="gcr.io/distroless/nodejs${node_major}-debian12:nonroot"

bases=${HOSTPROBE_IMAGE_BASES:-auto}
args=()
case "$bases" in
  registry) ;;
  local) names=$(bash "$here/bases.sh") ;;
  auto)
    if "${HOSTPROBE_BUILDAH[@]}" pull --quiet "docker.io/library/$default_build" >/dev/null 2>&1 &&
      "${HOSTPROBE_BUILDAH[@]}" pull --quiet "$default_runtime" >/dev/null 2>&1; then
      log "using the registry bases $default_build and $default_runtime"
    else
      log "the registry bases cannot be pulled here: building local stand-ins (scripts/image/bases.sh)"
      names=$(bash "$here/bases.sh")
    fi
    ;;
  *) die "HOSTPROBE_IMAGE_BASES must be auto, local or registry, not '$bases'" ;;
esac
if [ -n "${names:-}" ]; then
  mapfile -t b <<<"$names"
  [ "${#b[@]}" -eq 2 ] || die "scripts/image/bases.sh did not name two images: $names"
  args+=(--build-arg "BUILD_IMAGE=${b[0]}" --build-arg "RUNTIME_IMAGE=${b[1]}" --pull=never)
fi

# Skip the build when the image in storage was built from exactly this context and these
# bases: with the vfs driver even a fully cached `buildah bud` copies every stage's root
# file system (minutes). The context is what the Dockerfile copies (less what
# .dockerignore leaves out), the Dockerfile and .dockerignore.
context_hash=$(
  cd "$repo"
  {
    for ref in "${b[@]:-$default_build $default_runtime}"; do
      "${HOSTPROBE_PODMAN[@]}" image inspect --format '{{.Id}}' "$ref" 2>/dev/null || echo "$ref"
    done
    find deploy/docker/Dockerfile .dockerignore package.json package-lock.json CMakeLists.txt tsconfig.json \
      scripts native src config -type f ! -name '*.node' ! -name '.env' ! -name '*.pem' ! -name '*.key' -print0 |
      sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
)
have=$("${HOSTPROBE_PODMAN[@]}" image inspect --format '{{ index .Labels "io.hostprobe.context" }}' "$image" 2>/dev/null || true)
if [ "$have" = "$context_hash" ] && [ "${HOSTPROBE_IMAGE_REBUILD:-0}" != 1 ]; then
  log "$image is current (context $context_hash); HOSTPROBE_IMAGE_REBUILD=1 rebuilds it"
  echo "$image"
  exit 0
fi

log "building $image from $dockerfile"
t0=$SECONDS
# Host network: the build stage runs apt-get and npm ci against Debian's and npm's servers.
"${HOSTPROBE_BUILDAH[@]}" bud --quiet --layers --network host --isolation "$BUILDAH_ISOLATION" --runtime "$BUILDAH_RUNTIME" \
  $(hostprobe_ulimits) "${args[@]}" \
  --label "org.opencontainers.image.version=$version" --label "io.hostprobe.context=$context_hash" \
  -t "$image" -f "$dockerfile" "$repo" >&2
log "built $image in $((SECONDS - t0)) s"
echo "$image"
