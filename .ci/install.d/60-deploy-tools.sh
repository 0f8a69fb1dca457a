#!/usr/bin/env bash
# Tools for the deployment tests (test/deploy/): helm and kubeconform built from the Go
# module proxy with `go install`, the Kubernetes JSON schemas from the kubernetes-validate
# wheel (PyPI), and the prometheus-operator CRDs (ServiceMonitor, PodMonitor,
# PrometheusRule) from the prometheus-operator Go module, converted to strict JSON
# schemas, so that kubeconform runs fully offline.
#
# Fixed paths (test/helpers/deploy-tools.ts looks there):
#   $HOME/go/bin/helm, $HOME/go/bin/kubeconform
#   $HOSTPROBE_DEPLOY_TOOLS (default $HOME/.cache/hostprobe/deploy-tools)/
#     k8s-schemas/v<K8S>-local-strict/<kind>-<group>-<version>.json   (kubeconform layout)
#     crd-schemas/<kind>_<version>.json                              (kubeconform layout)
#     npm/node_modules/.bin/dockerfile-utils                         (Dockerfile lint)
#
# Idempotent: each part is skipped when it is already there at the pinned version.
set -euo pipefail

HELM_VERSION=v4.2.4                # helm.sh/helm/v4: go.mod has no replace directives, go 1.26
KUBECONFORM_VERSION=v0.7.0
KUBERNETES_VALIDATE_VERSION=1.37.0 # ships v1.25.0 .. v1.37.0 schemas
SCHEMA_K8S_VERSIONS="1.25.0 1.37.0" # the chart's kubeVersion floor and the newest
PROMETHEUS_OPERATOR_VERSION=v0.85.0 # the newest version of the root module on the proxy

export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
gobin="$HOME/go/bin"
out="${HOSTPROBE_DEPLOY_TOOLS:-$HOME/.cache/hostprobe/deploy-tools}"
mkdir -p "$gobin" "$out"

if ! command -v go >/dev/null 2>&1; then
  echo "go not found: install Go >= 1.26 (https://go.dev/dl or the golang Debian package)" >&2
  exit 1
fi
py=$(command -v python3 || true)
if [ -z "$py" ]; then
  echo "python3 not found (apt-get install python3 python3-pip)" >&2
  exit 1
fi

# The module version a Go binary was built from ("" when it is not there).
built_version() {
  [ -x "$1" ] || return 0
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'
}

go_tool() { # name package version
  local name=$1 pkg=$2 version=$3
  if [ "$(built_version "$gobin/$name")" = "$version" ]; then
    echo "$name present: $gobin/$name ($version)"
    return
  fi
  echo "building $name $version from the Go module proxy"
  local t0=$SECONDS
  GOBIN="$gobin" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -p=2" go install -trimpath -ldflags='-s -w' "$pkg@$version"
  echo "$name $version built in $((SECONDS - t0)) s"
}

go_tool helm helm.sh/helm/v4/cmd/helm "$HELM_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
"$gobin/helm" version --short
"$gobin/kubeconform" -v || true

# --- Kubernetes schemas from the kubernetes-validate wheel -------------------------------
# The wheel's schemas reference their shared definitions as "/api/_definitions.json#...",
# which only its own Python resolver understands, and kubeconform hides a schema that does
# not compile as "could not find schema". The copy made here points every reference at the
# absolute file:// URL of the _definitions.json beside it.
stamp="$out/k8s-schemas/.stamp"
want="kubernetes-validate $KUBERNETES_VALIDATE_VERSION: $SCHEMA_K8S_VERSIONS in $out/k8s-schemas"
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "kubernetes schemas present: $out/k8s-schemas ($want)"
else
  kv_dir=$(mktemp -d)
  echo "installing the kubernetes-validate $KUBERNETES_VALIDATE_VERSION wheel from PyPI (for its schemas)"
  "$py" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-compile \
    --target "$kv_dir" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  rm -rf "$out/k8s-schemas"
  mkdir -p "$out/k8s-schemas"
  "$py" - "$kv_dir/kubernetes_validate/kubernetes-json-schema" "$out/k8s-schemas" $SCHEMA_K8S_VERSIONS <<'PY'
import os, sys
src_root, dst_root, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
for v in versions:
    src = os.path.join(src_root, f"v{v}-local-strict")
    if not os.path.isfile(os.path.join(src, "_definitions.json")):
        sys.exit(f"no schemas for v{v} in {src_root}")
    dst = os.path.join(dst_root, f"v{v}-local-strict")
    os.makedirs(dst)
    target = '"file://' + os.path.join(dst, "_definitions.json") + "#"
    n = 0
    for name in os.listdir(src):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(src, name)) as f:
            text = f.read()
        with open(os.path.join(dst, name), "w") as f:
            f.write(text.replace('"/api/_definitions.json#', target))
        n += 1
    print(f"v{v}: {n} schemas")
PY
  rm -rf "$kv_dir"
  echo "$want" >"$stamp"
  echo "kubernetes schemas written: $out/k8s-schemas"
fi

# --- prometheus-operator CRD schemas --------------------------------------------------------
crd_stamp="$out/crd-schemas/.stamp"
crd_want="prometheus-operator $PROMETHEUS_OPERATOR_VERSION"
if [ "$(cat "$crd_stamp" 2>/dev/null)" = "$crd_want" ]; then
  echo "CRD schemas present: $out/crd-schemas ($crd_want)"
else
  echo "downloading the prometheus-operator $PROMETHEUS_OPERATOR_VERSION module for its CRDs"
  mod_dir=$(cd /tmp && go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" |
    "$py" -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  rm -rf "$out/crd-schemas"
  mkdir -p "$out/crd-schemas"
  # The CRDs as JSON (the same objects as example/prometheus-operator-crd/*.yaml); each
  # version's openAPIV3Schema becomes <kind>_<version>.json, made strict the way
  # kubeconform's openapi2jsonschema does it: additionalProperties false on every object
  # that lists its properties and does not say otherwise.
  "$py" - "$mod_dir" "$out/crd-schemas" <<'PY'
import json, os, sys
mod_dir, dst = sys.argv[1], sys.argv[2]
src = os.path.join(mod_dir, "jsonnet", "prometheus-operator")
wanted = {"servicemonitors", "podmonitors", "prometheusrules"}

def strict(node):
    if isinstance(node, dict):
        if (node.get("type") == "object" and "properties" in node
                and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")):
            node["additionalProperties"] = False
        for v in node.values():
            strict(v)
    elif isinstance(node, list):
        for v in node:
            strict(v)

done = set()
for name in sorted(os.listdir(src)):
    if not name.endswith("-crd.json"):
        continue
    with open(os.path.join(src, name)) as f:
        crd = json.load(f)
    plural = crd["spec"]["names"]["plural"]
    if plural not in wanted:
        continue
    kind = crd["spec"]["names"]["kind"].lower()
    for ver in crd["spec"]["versions"]:
        schema = ver["schema"]["openAPIV3Schema"]
        strict(schema)
        # apiVersion/kind must be exactly this resource's (kubeconform matches by name only).
        props = schema.setdefault("properties", {})
        props["apiVersion"] = {"type": "string", "enum": [crd["spec"]["group"] + "/" + ver["name"]]}
        props["kind"] = {"type": "string", "enum": [crd["spec"]["names"]["kind"]]}
        out = os.path.join(dst, f"{kind}_{ver['name']}.json")
        with open(out, "w") as f:
            json.dump(schema, f, indent=1, sort_keys=True)
    done.add(plural)
missing = wanted - done
if missing:
    sys.exit(f"CRDs not found in {src}: {sorted(missing)}")
print("CRD schemas:", ", ".join(sorted(os.listdir(dst))))
PY
  echo "$crd_want" >"$crd_stamp"
fi

# --- dockerfile-utils (npm registry): lints deploy/docker/Dockerfile ------------------------
DOCKERFILE_UTILS_VERSION=0.16.3
du_dir="$out/npm"
du_bin="$du_dir/node_modules/.bin/dockerfile-utils"
if [ -x "$du_bin" ] && [ "$(cd "$du_dir" && node -p "require('dockerfile-utils/package.json').version" 2>/dev/null)" = "$DOCKERFILE_UTILS_VERSION" ]; then
  echo "dockerfile-utils present: $du_bin ($DOCKERFILE_UTILS_VERSION)"
else
  npm_bin="$HOME/.node24/node_modules/.bin/npm"
  [ -x "$npm_bin" ] || npm_bin=$(command -v npm)
  export PATH="$(dirname "$npm_bin"):$PATH"
  mkdir -p "$du_dir"
  "$npm_bin" install --prefix "$du_dir" --no-audit --no-fund --no-save "dockerfile-utils@$DOCKERFILE_UTILS_VERSION"
  "$du_bin" --help >/dev/null
  echo "dockerfile-utils installed: $du_bin"
fi
