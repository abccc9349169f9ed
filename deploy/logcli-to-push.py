#!/usr/bin/env python3
"""Re-pushes `logcli query -o jsonl` output into a Loki-compatible push API (skald-store or Loki).

Moves history from Loki to Skald (docs/MIGRATION.md): each input line is a JSON object with
`labels` (object, or selector text), `timestamp` (RFC3339 with up to ns digits, or unix ns) and
`line`. Entries are grouped by stream and POSTed as JSON push bodies of about --batch-bytes.

  logcli query '{job="docker"}' --from=... --to=... --limit=0 --forward -o jsonl -q \\
    | python3 deploy/logcli-to-push.py --url http://localhost:3100/loki/api/v1/push
"""
import argparse
import calendar
import json
import re
import sys
import time
import urllib.error
import urllib.request

_RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$")
_PAIR = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


def to_ns(ts):
    """RFC3339(Nano) text or unix-ns digits -> int ns since the epoch."""
    ts = str(ts)
    if ts.isdigit():
        return int(ts)
    m = _RFC3339.match(ts)
    if not m:
        raise ValueError(f"bad timestamp {ts!r}")
    secs = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
    if m.group(3) != "Z":
        sign = 1 if m.group(3)[0] == "+" else -1
        secs -= sign * (int(m.group(3)[1:3]) * 3600 + int(m.group(3)[4:6]) * 60)
    return secs * 10**9 + int((m.group(2) or "0").ljust(9, "0"))


def to_labels(v):
    """logcli's labels object, or a selector text such as {a="b", c="d"} -> dict."""
    if isinstance(v, dict):
        return {str(k): str(x) for k, x in v.items()}
    text = str(v).strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError(f"bad labels {v!r}")
    return {k: json.loads(f'"{x}"') for k, x in _PAIR.findall(text[1:-1])}


def push(url, streams, org_id):
    body = {"streams": [{"stream": dict(k), "values": v} for k, v in streams.items()]}
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    if org_id:
        req.add_header("X-Scope-OrgID", org_id)
    for attempt in range(5):
        try:
            with urllib.request.urlopen(req, timeout=60):
                return
        except urllib.error.HTTPError as e:
            if e.code < 500 and e.code != 429:
                raise SystemExit(f"push refused: {e.code} {e.read().decode(errors='replace')}")
        except urllib.error.URLError as e:
            print(f"push failed ({e.reason}), retrying", file=sys.stderr)
        time.sleep(2 ** attempt)
    raise SystemExit("push failed 5 times, giving up")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://localhost:3100/loki/api/v1/push")
    ap.add_argument("--org-id", default="", help="X-Scope-OrgID (tenant), empty without auth")
    ap.add_argument("--batch-bytes", type=int, default=1 << 20)
    args = ap.parse_args()
    streams, size, total = {}, 0, 0
    for n, raw in enumerate(sys.stdin, 1):
        if not raw.strip():
            continue
        try:
            e = json.loads(raw)
            key = tuple(sorted(to_labels(e["labels"]).items()))
            entry = [str(to_ns(e["timestamp"])), e["line"]]
        except (ValueError, KeyError) as err:
            raise SystemExit(f"stdin line {n}: {err}")
        streams.setdefault(key, []).append(entry)
        size += len(entry[1]) + 32
        total += 1
        if size >= args.batch_bytes:
            push(args.url, streams, args.org_id)
            streams, size = {}, 0
    if streams:
        push(args.url, streams, args.org_id)
    print(f"pushed {total} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
