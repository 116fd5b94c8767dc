#!/usr/bin/env bash
# GraphiQL and the React it runs on, copied from the npm registry into the page's static
# files so /graphql works with no internet. Versions and integrity are pinned here; run
# it again after changing them (needs npm) and commit the result with its licences.
set -euo pipefail
dest="$(cd "$(dirname "$0")/.." && pwd)/src/nba_tracker/web/static/graphiql"
# package@version  sha512 integrity as the registry publishes it
pins=(
  "graphiql@3.8.3 sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw=="
  "react@18.2.0 sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ=="
  "react-dom@18.2.0 sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g=="
)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"
for pin in "${pins[@]}"; do
  spec="${pin%% *}" integrity="${pin##* }"
  name="${spec%@*}"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball="$work/${name}-${spec##*@}.tgz"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "$spec: integrity $actual, expected $integrity" >&2
    exit 1
  fi
  mkdir -p "$work/$name"
  tar xzf "$tarball" -C "$work/$name"
  cp "$work/$name/package/LICENSE" "$dest/LICENSE.$name"
done
cp "$work/graphiql/package/graphiql.min.js" "$work/graphiql/package/graphiql.min.css" "$dest/"
cp "$work/react/package/umd/react.production.min.js" "$dest/"
cp "$work/react-dom/package/umd/react-dom.production.min.js" "$dest/"
(cd "$dest" && sha256sum graphiql.min.js graphiql.min.css react.production.min.js \
  react-dom.production.min.js > SHA256SUMS)
printf '%s\n' "${pins[@]}" > "$dest/VERSIONS"
echo "GraphiQL assets in $dest"
