#!/bin/sh
# Creates the Temporal namespace Monthend uses and registers Monthend's custom search attributes
# (all Keyword). Runs in the temporalio/admin-tools image once the temporal server is healthy;
# the namespace part is adapted from temporalio/samples-server compose/scripts/create-namespace.sh.
#
# Idempotent: an existing namespace or search attribute is left as it is. The Monthend worker
# also registers missing search attributes at start-up, so this is a convenience, not a
# requirement; it makes them visible in the Web UI before the first worker starts.
set -eu

NAMESPACE=${DEFAULT_NAMESPACE:-default}
TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
SEARCH_ATTRIBUTES=${SEARCH_ATTRIBUTES:-MonthendTenant MonthendPeriod MonthendStage}

TEMPORAL_HOST=$(echo "$TEMPORAL_ADDRESS" | cut -d: -f1)
TEMPORAL_PORT=$(echo "$TEMPORAL_ADDRESS" | cut -d: -f2)

echo 'Waiting for Temporal server port to be available...'
nc -z -w 10 "$TEMPORAL_HOST" "$TEMPORAL_PORT"
echo 'Temporal server port is available'

# As in the samples-server script: talk to the server by its IPv4 address.
TEMPORAL_IP=$(getent ahosts "$TEMPORAL_HOST" | grep STREAM | head -1 | awk '{print $1}')
ADDRESS="${TEMPORAL_IP}:${TEMPORAL_PORT}"
echo "Resolved $TEMPORAL_ADDRESS to $ADDRESS"

echo 'Waiting for Temporal server to be healthy...'
attempt=0
until temporal operator cluster health --address "$ADDRESS"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 12 ]; then
    echo "Server did not become healthy after $attempt attempts"
    exit 1
  fi
  echo "Server not ready yet, waiting... (attempt $attempt/12)"
  sleep 5
done

if temporal operator namespace describe -n "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "Namespace '$NAMESPACE' already exists"
else
  echo "Creating namespace '$NAMESPACE'..."
  temporal operator namespace create -n "$NAMESPACE" --address "$ADDRESS"
  echo "Namespace '$NAMESPACE' created"
fi

# A namespace created a moment ago can take a few seconds to reach every part of the server,
# so each search attribute is retried for a while before giving up.
for name in $SEARCH_ATTRIBUTES; do
  attempt=0
  while :; do
    if temporal operator search-attribute list -n "$NAMESPACE" --address "$ADDRESS" 2>/dev/null | grep -qw "$name"; then
      echo "Search attribute '$name' is registered"
      break
    fi
    attempt=$((attempt + 1))
    if [ "$attempt" -gt 12 ]; then
      echo "Could not register search attribute '$name'"
      exit 1
    fi
    echo "Registering search attribute '$name' (Keyword), attempt $attempt..."
    if ! temporal operator search-attribute create -n "$NAMESPACE" --address "$ADDRESS" \
      --name "$name" --type Keyword; then
      sleep 5
    fi
  done
done

echo "Namespace '$NAMESPACE' is ready"
