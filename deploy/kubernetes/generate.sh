#!/usr/bin/env bash
# Renders the plain manifests in this folder from the Helm chart: the chart's defaults,
# plus the Namespace (labelled pod-security.kubernetes.io/enforce=privileged) in namespace
# "hostprobe". test/deploy/ checks that the committed files are exactly this render.
#
#   deploy/kubernetes/generate.sh            # rewrite the files here
#   deploy/kubernetes/generate.sh OUT_DIR    # write them elsewhere
#
# The numeric prefixes make `kubectl apply -f deploy/kubernetes/` create the namespace first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chart="$here/../helm/hostprobe"
out="${1:-$here}"
helm="${HELM:-helm}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$helm" template hostprobe "$chart" --namespace hostprobe --set namespace.create=true --output-dir "$tmp" >/dev/null

order=(namespace serviceaccount configmap daemonset service)
mkdir -p "$out"
rm -f "$out"/[0-9][0-9]-*.yaml
i=0
for name in "${order[@]}"; do
  src="$tmp/hostprobe/templates/$name.yaml"
  [ -f "$src" ] || { echo "the default render has no $name.yaml" >&2; exit 1; }
  cp "$src" "$out/$(printf '%02d' $((i * 10)))-$name.yaml"
  i=$((i + 1))
done
# Anything else the default render produces must be placed in the order above.
for f in "$tmp"/hostprobe/templates/*.yaml; do
  n=$(basename "$f" .yaml)
  case " ${order[*]} " in *" $n "*) ;; *) echo "unplaced template in the default render: $n.yaml" >&2; exit 1 ;; esac
done
