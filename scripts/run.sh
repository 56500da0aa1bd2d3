#!/usr/bin/env bash
# `make run`: the main job on the embedded LMDB default. For each example in models/: validate the model, run its
# relationship tests, then load it into a store in ./warden-data and answer checks with their explanations.
set -euo pipefail
warden=${WARDEN:-.build/release/warden}
data=${WARDEN_DATA:-./warden-data}

# A directory an older warden left (store format 1) is converted first; a current or new one is left as it is.
"$warden" migrate --data "$data" | grep -v -e "nothing to do" -e "empty; recorded" || true

for folder in models/*; do
  [ -f "$folder/model.fga" ] || continue
  name=$(basename "$folder")
  echo "=== $name"
  "$warden" model validate "$folder/model.fga"
  if [ -f "$folder/model.fga.yaml" ]; then "$warden" model test --tests "$folder/model.fga.yaml"; fi
  # A fresh store each run, named after the example.
  if "$warden" store list --data "$data" | grep -q "  $name\$"; then "$warden" store delete --data "$data" --store "$name" >/dev/null; fi
  "$warden" store create "$name" --data "$data" >/dev/null
  "$warden" model write "$folder/model.fga" --data "$data" --store "$name" >/dev/null
  if [ -f "$folder/tuples.yaml" ]; then "$warden" tuple import "$folder/tuples.yaml" --data "$data" --store "$name"; fi
done

ask() {
  echo "--- warden check $*"
  "$warden" check "$@" --data "$data" --explain || true
}
echo "=== checks on the LMDB store in $data"
ask 'user:auth0|anne' can_write product:espresso-machine --store warehouse
ask 'user:auth0|anne' can_write product:croissant-oven --store warehouse
ask user:dr-osei can_read_history patient:p-100 --store care-unit --context '{"current_time":"2026-11-29T02:00:00Z"}'
ask user:dr-osei can_read_history patient:p-100 --store care-unit --context '{"current_time":"2026-11-29T09:00:00Z"}'

echo
echo "=== both layers: token scopes beneath relationship checks (warden scenario test --verbose)"
for folder in models/*; do
  [ -f "$folder/tenant.yaml" ] && "$warden" tenant lint "$folder/tenant.yaml"
done
"$warden" scenario test models/warehouse models/care-unit --verbose

echo
echo "=== the server: warden serve on the same data, asked over HTTP with curl (OpenFGA's API, AuthZEN, tokens)"
port=${WARDEN_PORT:-18080}
"$warden" tenant import models/warehouse/tenant.yaml --data "$data"
"$warden" serve --data "$data" --addr "127.0.0.1:$port" --bindings models/warehouse/bindings.yaml 2>/dev/null &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
api="http://127.0.0.1:$port"
store=$("$warden" store list --data "$data" | awk '$2 == "warehouse" { print $1 }')
post() {
  echo "--- POST $1 $2"
  curl -s -X POST "$api/stores/$store/$1" -H 'content-type: application/json' -d "$2"
  echo
}
post check '{"tuple_key":{"user":"user:auth0|anne","relation":"can_write","object":"product:espresso-machine"}}'
post write '{"writes":{"tuple_keys":[{"user":"user:auth0|anne","relation":"manager","object":"warehouse:lyon"}]}}'
post check '{"tuple_key":{"user":"user:auth0|anne","relation":"can_write","object":"product:croissant-oven"}}'
post list-objects '{"user":"user:auth0|anne","relation":"can_write","type":"product"}'
post write '{"deletes":{"tuple_keys":[{"user":"user:auth0|anne","relation":"manager","object":"warehouse:lyon"}]}}'
post check '{"tuple_key":{"user":"user:auth0|anne","relation":"can_write","object":"product:croissant-oven"}}'
post check '{"tuple_key":{"user":"user:anne","relation":"owner","object":"product:espresso-machine"}}'
echo "--- AuthZEN: may Morty (an editor, by his PID) update a todo he owns? (store authzen-todo)"
todo=$("$warden" store list --data "$data" | awk '$2 == "authzen-todo" { print $1 }')
curl -s -X POST "$api/stores/$todo/access/v1/evaluation" -H 'content-type: application/json' -d '{
  "subject": {"type": "user", "id": "CiRmZDE2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs"},
  "action": {"name": "can_update_todo"},
  "resource": {"type": "todo", "id": "7240d0db-8ff0-41ec-98b2-34a096273b9f", "properties": {"ownerID": "morty@the-citadel.com"}}}'
echo
echo "--- POST /oauth/token (client credentials for inventory-sync), then POST /stores/{id}/authorize with the token"
token=$(curl -s -X POST "$api/oauth/token" -d grant_type=client_credentials -d client_id=inventory-sync \
  -d client_secret=inventory-sync-demo-secret -d audience=https://api.retail.example | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
for product in croissant-oven espresso-machine; do
  curl -s -X POST "$api/stores/$store/authorize" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"permission\":\"write:products\",\"object\":\"product:$product\"}" | sed -E 's/,"summary".*/}/'
  echo
done
kill -TERM $server
wait $server 2>/dev/null || true
trap - EXIT
echo "server stopped"
echo "--- warden bench: check latency on the warehouse package's model, tuples and assertions (in-process, LMDB)"
"$warden" bench models/warehouse/model.fga.yaml --threads 2 --warmup 500ms --duration 2s --report warden-bench.html
