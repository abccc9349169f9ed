#!/usr/bin/env bash
# Smoke test of scripts/s3-server.sh: starts the radosgw cluster in a temp dir, drives it with curl's
# SigV4 (bucket, object PUT/GET/Range/list/DELETE, multipart) and stops it; non-zero exit on failure.
#
# curl 7.88's --aws-sigv4 quirks the requests below work around: it sends no x-amz-content-sha256
# (radosgw then assumes UNSIGNED-PAYLOAD while curl signed the body's hash, so we send the header
# ourselves and curl signs its value); it signs the query as written, so values must already be
# percent-encoded (prefix=logs%2F) and parameters sorted by name (continuation-token before
# list-type); and a parameter without '=' (?uploads) is signed unlike radosgw's canonical form, so
# we write ?uploads=.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRIPT=$ROOT/scripts/s3-server.sh
WORK=$(mktemp -d /tmp/s3-smoke-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FAILS=0

cleanup() {
  echo "stopping at ${SECONDS}s"
  "$SCRIPT" stop "$WORK" || true
  if pgrep -f -- "$WORK/ceph.conf" >/dev/null; then
    echo "FAIL: daemons left running after stop:" >&2
    pgrep -af -- "$WORK/ceph.conf" >&2
    exit 1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { echo "ok (${SECONDS}s): $*"; }

T0=$(date +%s.%N)
"$SCRIPT" start "$WORK" "$PORT"
echo "start took $(python3 -c "print(round($(date +%s.%N) - $T0, 1))") s"
# shellcheck disable=SC1091
. "$WORK/s3.env"
E=$SKALD_TEST_S3_ENDPOINT
B=smoke-bucket
set +e # from here every check records its failure and the script goes on

# s3 <expected-status> <curl args...>: one SigV4-signed request; the body lands in $WORK/body.
s3() {
  local want=$1 got
  shift
  got=$(curl -s -o "$WORK/body" -w '%{http_code}' --aws-sigv4 "aws:amz:$SKALD_TEST_S3_REGION:s3" \
    --user "$SKALD_TEST_S3_ACCESS_KEY:$SKALD_TEST_S3_SECRET_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@")
  if [ "$got" != "$want" ]; then
    fail "$* -> HTTP $got, want $want: $(head -c 400 "$WORK/body")"
    return 1
  fi
}
body_is() { [ "$(cat "$WORK/body")" = "$1" ] || { fail "body is $(head -c 100 "$WORK/body"), want $1"; return 1; }; }
body_has() { grep -qF -- "$1" "$WORK/body" || { fail "response lacks $1: $(head -c 600 "$WORK/body")"; return 1; }; }
xml_value() { grep -o "<$1>[^<]*</$1>" "$WORK/body" | head -1 | sed "s|<$1>||;s|</$1>||"; }

s3 200 -X PUT "$E/$B" && pass "create bucket"
s3 200 "$E/" && body_has "<Name>$B</Name>" && pass "list buckets"
s3 200 -X PUT "$E/$B" && pass "re-create own bucket -> 200 (as AWS us-east-1)"

s3 200 -X PUT --data-binary 0123456789abcdef "$E/$B/logs/a.txt" && pass "put object"
s3 200 -X PUT --data-binary b "$E/$B/logs/b.txt"
s3 200 -X PUT --data-binary c "$E/$B/other/c.txt"
s3 200 "$E/$B/logs/a.txt" && body_is 0123456789abcdef && pass "get object"
s3 206 -H "Range: bytes=4-9" "$E/$B/logs/a.txt" && body_is 456789 && pass "get range 4-9"
s3 404 "$E/$B/logs/missing" && body_has NoSuchKey && pass "missing key -> 404 NoSuchKey"

if s3 200 "$E/$B?list-type=2&prefix=logs%2F"; then
  body_has "<KeyCount>2</KeyCount>" && body_has "<Key>logs/a.txt</Key>" && body_has "<Key>logs/b.txt</Key>" &&
    { ! grep -q other/c.txt "$WORK/body" || fail "prefix=logs/ listed other/c.txt"; } && pass "ListObjectsV2 prefix=logs/"
fi
if s3 200 "$E/$B?list-type=2&max-keys=1"; then
  body_has "<IsTruncated>true</IsTruncated>" && token=$(xml_value NextContinuationToken) &&
    { [ -n "$token" ] || fail "no NextContinuationToken"; } &&
    s3 200 "$E/$B?continuation-token=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$token")&list-type=2&max-keys=1" &&
    body_has "<Key>logs/b.txt</Key>" && pass "ListObjectsV2 pagination"
fi

s3 204 -X DELETE "$E/$B/logs/a.txt" && s3 404 "$E/$B/logs/a.txt" && pass "delete object"
s3 204 -X DELETE "$E/$B/logs/never-existed" && pass "delete missing key -> 204"

# Multipart: a 5 MiB first part (S3's minimum for all but the last) and a small last part.
head -c $((5 << 20)) /dev/urandom >"$WORK/part1"
head -c 1000 /dev/urandom >"$WORK/part2"
if s3 200 -X POST "$E/$B/big.bin?uploads=" && id=$(xml_value UploadId) && { [ -n "$id" ] || fail "no UploadId"; }; then
  s3 200 -D "$WORK/h1" -X PUT --data-binary @"$WORK/part1" "$E/$B/big.bin?partNumber=1&uploadId=$id"
  e1=$(grep -i '^etag:' "$WORK/h1" | tr -d '\r' | cut -d' ' -f2)
  s3 200 -D "$WORK/h2" -X PUT --data-binary @"$WORK/part2" "$E/$B/big.bin?partNumber=2&uploadId=$id"
  e2=$(grep -i '^etag:' "$WORK/h2" | tr -d '\r' | cut -d' ' -f2)
  complete="<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>$e1</ETag></Part><Part><PartNumber>2</PartNumber><ETag>$e2</ETag></Part></CompleteMultipartUpload>"
  if s3 200 -X POST --data-binary "$complete" "$E/$B/big.bin?uploadId=$id"; then
    cat "$WORK/part1" "$WORK/part2" >"$WORK/whole"
    s3 200 "$E/$B/big.bin" && { cmp -s "$WORK/body" "$WORK/whole" || fail "multipart object differs"; } && pass "multipart upload (5 MiB + 1000 B)"
  fi
fi

# Parts below 5 MiB (other than the last) are refused at completion, as on AWS.
if s3 200 -X POST "$E/$B/small.bin?uploads=" && id=$(xml_value UploadId); then
  s3 200 -D "$WORK/h1" -X PUT --data-binary 1111 "$E/$B/small.bin?partNumber=1&uploadId=$id"
  e1=$(grep -i '^etag:' "$WORK/h1" | tr -d '\r' | cut -d' ' -f2)
  s3 200 -D "$WORK/h2" -X PUT --data-binary 2222 "$E/$B/small.bin?partNumber=2&uploadId=$id"
  e2=$(grep -i '^etag:' "$WORK/h2" | tr -d '\r' | cut -d' ' -f2)
  complete="<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>$e1</ETag></Part><Part><PartNumber>2</PartNumber><ETag>$e2</ETag></Part></CompleteMultipartUpload>"
  s3 400 -X POST --data-binary "$complete" "$E/$B/small.bin?uploadId=$id" && body_has EntityTooSmall &&
    pass "multipart with a 4-byte first part -> 400 EntityTooSmall"
  s3 204 -X DELETE "$E/$B/small.bin?uploadId=$id" && pass "abort multipart upload"
fi

# A wrong secret must be refused (the server really checks signatures).
got=$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:$SKALD_TEST_S3_REGION:s3" \
  --user "$SKALD_TEST_S3_ACCESS_KEY:wrong" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$E/$B/logs/b.txt")
if [ "$got" = 403 ]; then pass "wrong secret -> 403"; else fail "wrong secret -> HTTP $got, want 403"; fi

if "$SCRIPT" start "$WORK" "$PORT"; then pass "start on a running server is a no-op"; else fail "second start failed"; fi

if [ "$FAILS" -ne 0 ]; then
  echo "$FAILS check(s) failed; logs in $WORK/log:" >&2
  tail -n 20 "$WORK"/log/client.rgw.log >&2 || true
  exit 1
fi
echo "all S3 checks passed"
