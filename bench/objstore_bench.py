#!/usr/bin/python3
"""Object-storage benchmark (#22): real skald-store binaries over HTTP on real log lines, local disk
vs an S3 bucket (a real radosgw on loopback), one invocation, one machine. Driven by objstore_bench.sh.

Phases, each on a fresh data dir (one store process at a time):
  fs      -target=all on the filesystem: push every body (N clients), POST /flush, wait until the
          data dir is stable; then the scan queries (chunks on local disk, page cache warm).
  s3      -target=all with object_store: s3 (upload_interval 1s): push, POST /flush, wait until the
          shipper has uploaded every segment (skald_shipper_* metrics, no local *.skc left); then
          SIGTERM. radosgw's CPU (rgw + osd + mon) is measured separately: it is the peer's cost.
  read    per scan query, a fresh -target=read node over the bucket (fresh index and chunk cache):
          the query once (COLD cache), then --repeat times more (WARM cache); cache and S3 metrics.
Every CPU figure is the store process's utime+stime (per-thread ns where possible), so it holds on
a shared machine. Writes one JSON result (--out); objstore_bench.sh prints the table.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

TOOLS = os.environ.get("SIDEBYSIDE", "/work/shared/tools/sidebyside")
sys.path.insert(0, TOOLS)
from bench_store import (Server, cpu_delta, cpu_seconds, cpu_snap, disk_usage, http_req, loadavg,  # noqa: E402
                         mem_kb, push_all, run_query)
from make_configs import skald_config  # noqa: E402

RARE = "NO_SUCH_LITERAL_zz"
QUERIES = [
    # id, kind, query, extra
    ("total", "instant", 'sum(count_over_time({job="docker"}[3h]))', {}),
    ("count_rare", "instant", 'sum(count_over_time({job="docker"} |= "%s" [3h]))' % RARE, {}),
    ("log_rare", "range", '{job="docker"} |= "%s"' % RARE, {"limit": "100", "direction": "backward"}),
    ("by_min", "range", 'sum by (service) (count_over_time({job="docker"}[1m]))', {"step": "60"}),
]


def log(msg):
    print("[objstore_bench %s] %s" % (time.strftime("%H:%M:%S", time.gmtime()), msg), file=sys.stderr, flush=True)


# --- S3 -------------------------------------------------------------------------------------------
class S3:
    def __init__(self, env, s3dir):
        self.endpoint = env["SKALD_TEST_S3_ENDPOINT"]
        self.ak, self.sk = env["SKALD_TEST_S3_ACCESS_KEY"], env["SKALD_TEST_S3_SECRET_KEY"]
        self.region = env["SKALD_TEST_S3_REGION"]
        self.dir = s3dir

    def curl(self, method, path):
        cmd = ["curl", "-sS", "-X", method, "--aws-sigv4", "aws:amz:%s:s3" % self.region, "--user",
               "%s:%s" % (self.ak, self.sk), "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", self.endpoint + path]
        return subprocess.run(cmd, capture_output=True, check=True).stdout.decode()

    def create_bucket(self, bucket):
        out = self.curl("PUT", "/" + bucket)
        if "Error" in out:
            raise RuntimeError("create bucket: " + out)

    def list_sizes(self, bucket):
        """{prefix (first key component): [objects, bytes]} over the whole bucket."""
        res, after = {}, ""
        while True:
            q = "list-type=2&max-keys=1000"
            if after:
                q += "&start-after=" + urllib.parse.quote(after, safe="-_.~")
            out = self.curl("GET", "/%s?%s" % (bucket, q))
            keys = re.findall(r"<Key>([^<]*)</Key>.*?<Size>(\d+)</Size>", out, re.S)
            for k, size in keys:
                top = k.split("/", 1)[0]
                acc = res.setdefault(top, [0, 0])
                acc[0] += 1
                acc[1] += int(size)
            if "<IsTruncated>true</IsTruncated>" not in out or not keys:
                return res
            after = keys[-1][0]

    def pids(self):
        out = {}
        for name in ("rgw", "osd.0", "mon.a"):
            try:
                out[name] = int(open(os.path.join(self.dir, "run", name + ".pid")).read().strip())
            except (OSError, ValueError):
                pass
        return out

    def cpu(self):
        return {n: cpu_seconds(p, with_children=False) for n, p in self.pids().items()}


def s3_cpu_delta(c0, c1):
    return round(sum((c1[n] or 0) - (c0[n] or 0) for n in c1 if n in c0), 2)


def bucket_yaml(s3, bucket):
    return ("schema_config:\n  configs:\n    - from: 2024-01-01\n      store: tsdb\n      object_store: s3\n"
            "      schema: v13\n      index: {prefix: index_, period: 24h}\n"
            "storage_config:\n  aws:\n    endpoint: %s\n    bucketnames: %s\n    region: %s\n"
            "    access_key_id: %s\n    secret_access_key: %s\n    s3forcepathstyle: true\n    insecure: true\n"
            "  tsdb_shipper:\n    resync_interval: 1s\n"
            "skald_object_store:\n  upload_interval: 1s\n"
            % (s3.endpoint, bucket, s3.region, s3.ak, s3.sk))


# --- metrics ----------------------------------------------------------------------------------------
WANTED = ("skald_shipper_", "loki_cache_hits", "loki_cache_fetched_keys", "loki_s3_request_duration_seconds_count",
          "loki_s3_request_duration_seconds_sum", "skald_objstore_cache_bytes", "process_cpu_seconds_total")


def metrics(srv):
    try:
        st, body = http_req(srv.host, srv.port, "GET", "/metrics", timeout=30)
    except OSError:
        return {}
    out = {}
    for line in body.decode("utf-8", "replace").splitlines():
        if line.startswith(WANTED):
            k, _, v = line.rpartition(" ")
            try:
                out[k] = float(v)
            except ValueError:
                pass
    return out


def mdelta(m0, m1):
    return {k: round(v - m0.get(k, 0.0), 4) for k, v in m1.items() if v != m0.get(k, 0.0)}


def msum(m, prefix):
    return sum(v for k, v in m.items() if k.startswith(prefix))


# --- phases -----------------------------------------------------------------------------------------
def load_shards(bodies, man):
    shards = []
    for sh in man["shards"]:
        shards.append([(open(os.path.join(bodies, b["file"]), "rb").read(), b["lines"]) for b in sh["bodies"]])
    return shards


def start(name, a, yaml, data, target, logdir):
    os.makedirs(data, exist_ok=True)
    cfg = os.path.join(logdir, name + ".yaml")
    with open(cfg, "w") as f:
        f.write(yaml)
    srv = Server(name, [a.skald, "-config.file=" + cfg, "-target=" + target], os.path.join(logdir, name + ".log"),
                 "127.0.0.1", a.port)
    srv.start()
    if srv.wait_ready(120) is None:
        raise RuntimeError("%s not ready (see %s.log)" % (name, name))
    return srv


class HwmSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.stop_ev, self.loads = pid, threading.Event(), []

    def run(self):
        while not self.stop_ev.wait(1.0):
            self.loads.append(loadavg())


def local_skc(data):
    n = 0
    for root, _, files in os.walk(data):
        n += sum(1 for f in files if f.endswith(".skc"))
    return n


def ingest(srv, a, man, shards, data, s3=None):
    """Push, /flush, wait until stable (fs) or shipped (s3). CPU from before the push to the end."""
    time.sleep(2)
    c_idle = cpu_snap(srv.pid)
    time.sleep(5)
    idle = cpu_delta(c_idle, cpu_snap(srv.pid))
    samp = HwmSampler(srv.pid)
    samp.start()
    stats = {"ok_bodies": 0, "ok_lines": 0, "rejected_bodies": 0, "rejected_lines": 0, "retries": 0,
             "errors": {}, "latencies": []}
    rg0 = s3.cpu() if s3 else None
    c0, w0 = cpu_snap(srv.pid), time.perf_counter()
    push_all("127.0.0.1", a.port, shards, threading.Lock(), stats)
    c_push, w_push = cpu_snap(srv.pid), time.perf_counter() - w0
    st, _ = http_req("127.0.0.1", a.port, "POST", "/flush", timeout=600)
    last_change, prev = time.perf_counter(), None
    while True:  # done when nothing changed for --stable s (and, with s3, no local segment is left)
        time.sleep(0.5)
        sig = (msum(metrics(srv), "skald_shipper_segments_uploaded_total"), local_skc(data)) if s3 else \
            disk_usage(data)["total"][1]
        if sig != prev:
            prev, last_change = sig, time.perf_counter()
            c_end, w_end = cpu_snap(srv.pid), time.perf_counter() - w0
        elif time.perf_counter() - last_change >= a.stable and (not s3 or sig[1] == 0):
            break
        if time.perf_counter() - w0 > 900:
            raise RuntimeError("ingest did not settle in 900 s: %r" % (sig,))
    samp.stop_ev.set()
    rg1 = s3.cpu() if s3 else None
    m = mem_kb(srv.pid)
    res = {"push_status_ok_lines": stats["ok_lines"], "rejected_lines": stats["rejected_lines"],
           "retries": stats["retries"], "errors": stats["errors"], "flush_status": st,
           "push_wall_s": round(w_push, 2), "push_cpu_s": round(cpu_delta(c0, c_push), 2),
           "total_wall_s": round(w_end, 2), "total_cpu_s": round(cpu_delta(c0, c_end), 2),
           "idle_cpu_per_s": round(idle / 5, 4), "vmhwm_kb": m.get("VmHWM"), "rss_kb": m.get("VmRSS"),
           "load_avg": round(sum(samp.loads) / max(1, len(samp.loads)), 2)}
    if s3:
        res["radosgw_cpu_s"] = s3_cpu_delta(rg0, rg1)
        res["radosgw_cpu_by_daemon"] = {n: round((rg1[n] or 0) - (rg0[n] or 0), 2) for n in rg1}
        res["metrics"] = metrics(srv)
    res["local_du"] = disk_usage(data)
    return res


def queries(srv, a, man, ids=None):
    out = {}
    for qid, kind, q, extra in QUERIES:
        if ids and qid not in ids:
            continue
        runs = []
        for _ in range(a.repeat):
            st, js, body, wall, cpu = run_query(srv, kind, q, man["anchor"], extra)
            runs.append({"status": st, "wall_s": round(wall, 4), "cpu_s": cpu, "answer": summarize(js, body)})
        out[qid] = runs
    return out


def summarize(js, body):
    if not js or js.get("status") != "success":
        return "ERROR " + body[:200].decode("utf-8", "replace")
    r = js["data"].get("result") or []
    if js["data"].get("resultType") == "vector":
        return [x["value"][1] for x in r]
    if js["data"].get("resultType") == "streams":
        return "%d entries" % sum(len(x["values"]) for x in r)
    return "%d series" % len(r)


def read_phase(a, man, s3, bucket, work):
    """Per scan query: a fresh read node (cold cache) runs it once, then --repeat more times (warm)."""
    out = {}
    for qid, kind, q, extra in QUERIES:
        data = os.path.join(work, "read-" + qid)
        yaml = skald_config(a.port, data) + bucket_yaml(s3, bucket) + \
            "skald_cluster:\n  node_id: r1\n  write_nodes: []\n"
        t0 = time.perf_counter()
        srv = start("read-" + qid, a, yaml, data, "read", work)
        ready_s = time.perf_counter() - t0
        try:
            m0, rg0 = metrics(srv), s3.cpu()
            st, js, body, wall, cpu = run_query(srv, kind, q, man["anchor"], extra)
            m1, rg1 = metrics(srv), s3.cpu()
            cold = {"status": st, "wall_s": round(wall, 4), "cpu_s": cpu, "answer": summarize(js, body),
                    "metrics": mdelta(m0, m1), "radosgw_cpu_s": s3_cpu_delta(rg0, rg1)}
            warm = []
            for _ in range(a.repeat):
                st, js, body, wall, cpu = run_query(srv, kind, q, man["anchor"], extra)
                warm.append({"status": st, "wall_s": round(wall, 4), "cpu_s": cpu, "answer": summarize(js, body)})
            m2 = metrics(srv)
            out[qid] = {"ready_s": round(ready_s, 2), "cold": cold, "warm": warm, "warm_metrics": mdelta(m1, m2),
                        "cache_du": disk_usage(os.path.join(data, "chunk-cache"))["total"],
                        "vmhwm_kb": mem_kb(srv.pid).get("VmHWM")}
        finally:
            srv.stop()
        shutil.rmtree(data, ignore_errors=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skald", required=True)
    ap.add_argument("--bodies", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--s3dir", required=True, help="scripts/s3-server.sh dir (s3.env, run/*.pid)")
    ap.add_argument("--port", type=int, default=3530)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stable", type=float, default=4.0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--report-only", action="store_true", help="print the table of an existing --out")
    a = ap.parse_args()
    if a.report_only:
        print(report(json.load(open(a.out))))
        return
    env = dict(l.strip().split("=", 1) for l in open(os.path.join(a.s3dir, "s3.env")) if "=" in l)
    env = {k.replace("export ", ""): v.strip("'\"") for k, v in env.items()}
    s3 = S3(env, a.s3dir)
    for sig in (signal.SIGTERM, signal.SIGINT):  # so that `finally` stops the store it started
        signal.signal(sig, lambda n, f: sys.exit("signal %d" % n))
    man = json.load(open(os.path.join(a.bodies, "manifest.json")))
    res = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "lines": man["lines"],
           "raw_bytes": man["raw_bytes"], "clients": len(man["shards"]), "nproc": os.cpu_count()}
    shards = load_shards(a.bodies, man)

    log("fs: -target=all on the filesystem")
    data = os.path.join(a.work, "fs-data")
    srv = start("fs", a, skald_config(a.port, data), data, "all", a.work)
    try:
        res["fs"] = ingest(srv, a, man, shards, data)
        res["fs"]["queries"] = queries(srv, a, man)
    finally:
        res["fs_stop"] = srv.stop()
    shutil.rmtree(data, ignore_errors=True)

    log("s3: -target=all with object_store: s3")
    bucket = "skald-bench-%d" % int(time.time())
    s3.create_bucket(bucket)
    data = os.path.join(a.work, "s3-data")
    yaml = skald_config(a.port, data) + bucket_yaml(s3, bucket) + "skald_cluster:\n  node_id: w1\n  write_nodes: []\n"
    srv = start("s3", a, yaml, data, "all", a.work)
    try:
        res["s3"] = ingest(srv, a, man, shards, data, s3)
    finally:
        res["s3_stop"] = srv.stop()
    del shards
    res["bucket"] = s3.list_sizes(bucket)
    res["s3_local_after_stop"] = disk_usage(data)
    shutil.rmtree(data, ignore_errors=True)

    log("read: -target=read over the bucket, cold then warm chunk cache")
    res["read"] = read_phase(a, man, s3, bucket, a.work)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
    log("results: " + a.out)
    print(report(res))


# --- report -------------------------------------------------------------------------------------------
def _best(runs, key):
    v = [r[key] for r in runs if r.get(key) is not None and r.get("status") == 200]
    return min(v) if v else None


def _ratio(x, y):
    return "%.2f" % (x / y) if x and y else "-"


def report(r):
    raw, lines = r["raw_bytes"], r["lines"]
    mb = raw / 1e6
    L = ["%s, %d lines, %.1f MB raw, %d push clients, nproc %d" % (r["date"], lines, mb, r["clients"], r["nproc"]), "",
         "| ingest (push + flush + ship) | filesystem | S3 bucket | s3/fs |", "|---|---|---|---|"]
    f, s = r["fs"], r["s3"]
    rows = [("store CPU-s (push only)", f["push_cpu_s"], s["push_cpu_s"]),
            ("store CPU-s (push + flush + ship)", f["total_cpu_s"], s["total_cpu_s"]),
            ("wall s (push / total)", "%.1f / %.1f" % (f["push_wall_s"], f["total_wall_s"]),
             "%.1f / %.1f" % (s["push_wall_s"], s["total_wall_s"])),
            ("lines per CPU-s", lines / f["total_cpu_s"], lines / s["total_cpu_s"]),
            ("MB per CPU-s", mb / f["total_cpu_s"], mb / s["total_cpu_s"]),
            ("peak RSS MB (VmHWM)", f["vmhwm_kb"] / 1024, s["vmhwm_kb"] / 1024)]
    for name, x, y in rows:
        if isinstance(x, str):
            L.append("| %s | %s | %s | |" % (name, x, y))
        else:
            L.append("| %s | %s | %s | %s |" % (name, "%.3g" % x if x < 100 else "{:,.0f}".format(x),
                                                 "%.3g" % y if y < 100 else "{:,.0f}".format(y), _ratio(y, x)))
    fs_bytes = sum(v[1] for k, v in f["local_du"]["parts"].items() if k != "wal")
    b = r["bucket"]
    bbytes = sum(v[1] for v in b.values())
    objs = ", ".join("%s %d objects %.1f MB" % (k, v[0], v[1] / 1e6) for k, v in sorted(b.items()))
    L.append("| bytes per raw byte | %.3f (data dir without wal/) | %.3f in the bucket (%s) | |" % (
        fs_bytes / raw, bbytes / raw, objs))
    L.append("| radosgw+osd+mon CPU-s (the peer's cost) | | %.2f %s | |" % (
        s["radosgw_cpu_s"], s["radosgw_cpu_by_daemon"]))
    L.append("| load average during ingest | %.1f | %.1f | |" % (f["load_avg"], s["load_avg"]))
    L += ["", "| scan query | local disk CPU-s / wall s | bucket COLD cache CPU-s / wall s "
          "| bucket WARM CPU-s / wall s | raw GB per CPU-s local / cold / warm "
          "| cold: cache pages fetched / hit, S3 GETs (their summed s), radosgw CPU-s |",
          "|---|---|---|---|---|---|"]
    for qid, kind, q, extra in QUERIES:
        fr, rd = f["queries"].get(qid), r["read"].get(qid)
        if not fr or not rd:
            continue
        fc, fw = _best(fr, "cpu_s"), _best(fr, "wall_s")
        cc, cw = rd["cold"]["cpu_s"], rd["cold"]["wall_s"]
        wc, ww = _best(rd["warm"], "cpu_s"), _best(rd["warm"], "wall_s")
        m = rd["cold"]["metrics"]
        fetched = msum(m, 'loki_cache_fetched_keys{name="chunks"')
        hits = msum(m, 'loki_cache_hits{name="chunks"')
        gets = sum(v for k, v in m.items() if k.startswith("loki_s3_request_duration_seconds_count") and "GetObj" in k)
        get_s = sum(v for k, v in m.items() if k.startswith("loki_s3_request_duration_seconds_sum") and "GetObj" in k)
        gb = raw / 1e9
        answers = {str(fr[0]["answer"]), str(rd["cold"]["answer"]), str(rd["warm"][0]["answer"])}
        L.append("| `%s` %s | %s / %s | %s / %s | %s / %s | %s / %s / %s | %d / %d, %d (%.1f s), %.2f |" % (
            q.replace("|", "\\|"), "" if len(answers) == 1 else "**answers differ: %s**" % answers,
            fc, fw, cc, cw, wc, ww, *("%.2f" % (gb / c) if c else "-" for c in (fc, cc, wc)),
            fetched, hits, gets, get_s, rd["cold"]["radosgw_cpu_s"]))
    return "\n".join(L)


if __name__ == "__main__":
    main()
