"""Results tables of the bench scripts, as Markdown on stdout.

  results.py load RUNDIR                 one run of bench/load.sh
  results.py scaling RUNDIR...           bench/scaling.sh: list, dashboard, briefing per data-set size
  results.py compare PEERDIR... ZDDIR    bench/compare.sh: create/read/list of the peers and zonedesk

A RUNDIR holds meta.tsv (key<TAB>value), summary.tsv (parse_wrk.py rows named
WORKLOAD_rN) and rss.txt ("epoch VmRSS_kB VmHWM_kB" samples). The median of the
runs is taken for each figure separately (req/s, p50, p99).
"""
import os
import re
import statistics
import sys

# the figures of ../shared/DESIGN.md ("Figures it must reach") and issue 7
TARGETS = {
    "create": ("≥ 3,000 req/s, p99 ≤ 20 ms", lambda w: w["rps"] >= 3000 and w["p99"] <= 20),
    "read": ("≥ 20,000 req/s", lambda w: w["rps"] >= 20000),
    "list": ("≥ 5,000 req/s", lambda w: w["rps"] >= 5000),
    "dashboard_c1": ("≤ 50 ms (p99, one reader)", lambda w: w["p99"] <= 50),
    "briefing_c1": ("≤ 200 ms (p99, one reader)", lambda w: w["p99"] <= 200),
}
RSS_TARGET_MB = 150
IMPORT_TARGET_S = 10
PEER_RATIO_TARGET = 50

WORKLOADS = [
    ("create", "(a) create a work order", "POST /api/v1/work-orders (bearer; unique titles, enterprises spread)"),
    ("read", "(b) read one order", "GET /api/v1/work-orders/{id} (ids spread over the data set)"),
    ("list", "(c) filtered, paginated list", "GET /api/v1/work-orders?{list}"),
    ("dashboard", "(d) dashboard, 16 connections", "GET /dashboard (leader's session cookie)"),
    ("dashboard_c1", "(d) dashboard, 1 connection", "GET /dashboard"),
    ("briefing", "(e) briefing, 16 connections", "GET /briefing?date={day} (page)"),
    ("briefing_c1", "(e) briefing, 1 connection", "GET /briefing?date={day}"),
    ("open311", "(f) Open311 requests.json", "GET {open311}"),
]


def read_meta(d):
    meta = {}
    with open(os.path.join(d, "meta.tsv"), encoding="utf-8") as f:
        for line in f:
            if "\t" in line:
                k, v = line.rstrip("\n").split("\t", 1)
                meta[k] = v
    return meta


def num(v):
    try:
        return float(v)
    except ValueError:
        return None


def read_runs(d):
    """{workload: [{"rps", "p50", "p99", "requests", "errors"}, ...]} in run order."""
    runs = {}
    path = os.path.join(d, "summary.tsv")
    if not os.path.exists(path):
        return runs
    with open(path, encoding="utf-8") as f:
        next(f, None)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            m = re.match(r"(.+)_r(\d+)$", cols[0])
            if not m or len(cols) < 7:
                continue
            non2xx = int(cols[5]) if cols[5].isdigit() else 0
            sock = cols[6]
            sock_n = sum(int(x) for x in re.findall(r"\d+", sock)) if sock != "none" else 0
            runs.setdefault(m.group(1), []).append(
                {"rps": num(cols[1]), "p50": num(cols[2]), "p99": num(cols[3]), "requests": cols[4], "non2xx": non2xx, "socket": sock_n,
                 "ok_rps": num(cols[7]) if len(cols) > 7 else None}
            )
    return runs


def median_of(runs):
    ok = [r for r in runs if r["rps"] is not None]
    if not ok:
        return None
    return {
        "rps": statistics.median(r["rps"] for r in ok),
        "ok_rps": statistics.median(r["ok_rps"] if r["ok_rps"] is not None else r["rps"] for r in ok),
        "p50": statistics.median(r["p50"] for r in ok if r["p50"] is not None) if any(r["p50"] is not None for r in ok) else float("nan"),
        "p99": statistics.median(r["p99"] for r in ok if r["p99"] is not None) if any(r["p99"] is not None for r in ok) else float("nan"),
        "non2xx": sum(r["non2xx"] for r in runs),
        "socket": sum(r["socket"] for r in runs),
        "n": len(runs),
    }


def rss(d):
    """(peak sampled VmRSS, last VmHWM) in MB (10^6 bytes), or (None, None)."""
    path = os.path.join(d, "rss.txt")
    if not os.path.exists(path):
        return None, None
    rows = [line.split() for line in open(path) if len(line.split()) == 3]
    if not rows:
        return None, None
    peak = max(int(r[1]) for r in rows) * 1024 / 1e6
    hwm = max(int(r[2]) for r in rows) * 1024 / 1e6
    return peak, hwm


def ratio(x):
    return f"{x:,.0f}×" if x >= 10 else f"{x:.2f}×"


def f0(x):
    return "?" if x is None else f"{x:,.0f}"


def f1(x):
    return "?" if x is None or x != x else f"{x:,.1f}"


def verdict(ok, w):
    if w["non2xx"] or w["socket"]:
        return "**not met** (errors)"
    return "met" if ok else "**not met**"


def fill(text, subst):
    for k, v in subst.items():
        text = text.replace("{" + k + "}", v)
    return text


def load(d):
    m = read_meta(d)
    runs = read_runs(d)
    out = []
    label = m.get("label", os.path.basename(d))
    out.append(f"# Load benchmark — {m.get('date', '')[:10]}, {label}\n")
    out.append("| | |\n|---|---|")
    out.append(f"| machine | {m.get('nproc')} cores ({m.get('cpu')}), {m.get('ram')} RAM, Linux {m.get('kernel')} |")
    out.append(f"| commit | {m.get('commit')} (the working tree when the run began); binary {m.get('binary', '?')} |")
    out.append(f"| database | {m.get('database')} |")
    data = f"{int(m['orders']):,} work orders (ids {m.get('order_ids')}), {int(m['enterprises']):,} enterprises" if "orders" in m else "?"
    out.append(f"| data set | {data} |")
    out.append(
        f"| load | {m.get('wrk')} on the same machine, 2 threads, 16 connections (and 1 for the service time of the dashboard and the briefing), "
        f"{m.get('duration')} s per run, {m.get('runs')} runs; the table shows the median of the runs |"
    )
    out.append(f"| load average (1/5/15 min) | before {m.get('load_before')}; after {m.get('load_after', '?')} |")
    out.append(f"| taken | {m.get('date')} |")
    out.append("")
    if runs:
        out.append("## HTTP workloads\n")
        out.append("| workload | request | median req/s | p50 ms | p99 ms | req/s of each run | non-2xx | target | met |")
        out.append("|---|---|---:|---:|---:|---|---:|---|---|")
    subst = {"list": m.get("list_query", "").split(" (")[0], "day": m.get("briefing_date", ""), "open311": m.get("open311_query", "").split(" (")[0]}
    for key, name, req in WORKLOADS:
        if key not in runs:
            continue
        w = median_of(runs[key])
        if w is None:
            continue
        target, check = TARGETS.get(key, ("—", None))
        met = verdict(check(w), w) if check else ("**errors**" if w["non2xx"] or w["socket"] else "—")
        each = ", ".join(f1(r["rps"]) for r in runs[key])
        out.append(f"| {name} | `{fill(req, subst)}` | {f1(w['rps'])} | {f1(w['p50'])} | {f1(w['p99'])} | {each} | {w['non2xx'] + w['socket']} | {target} | {met} |")
    peak, hwm = rss(d)
    out.append("")
    out.append("## Memory and import\n")
    out.append("| figure | value | target | met |")
    out.append("|---|---:|---|---|")
    if hwm is not None and runs:
        out.append(f"| server RSS, highest sample during the runs (VmRSS) | {f1(peak)} MB | | |")
        out.append(f"| server RSS, peak since start (VmHWM) | {f1(hwm)} MB | ≤ {RSS_TARGET_MB} MB | {'met' if hwm <= RSS_TARGET_MB else '**not met**'} |")
    if "import_seconds" in m:
        secs = float(m["import_seconds"])
        out.append(
            f"| `zonedesk import enterprises` of {int(m['import_rows']):,} rows into a fresh database (wall clock, process start to exit) | {secs:.1f} s | ≤ {IMPORT_TARGET_S} s | {'met' if secs <= IMPORT_TARGET_S else '**not met**'} |"
        )
        out.append(f"| the import's peak RSS | {m.get('import_max_rss_mb')} MB | | |")
    out.append("")
    out.append("## Notes\n")
    if runs:
        out.append(f"- List query: `{m.get('list_query')}`; briefing of {m.get('briefing_date')} (the day of the newest order); Open311: `{m.get('open311_query')}`.")
    if "orders_after_create" in m:
        out.append(f"- The create runs went last and left {int(m['orders_after_create']):,} orders in the (copied) database.")
    if "import_message" in m:
        out.append(f"- The import said: {m['import_message']}")
    if runs and "orders" in m and int(m["orders"]) < 1_000_000:
        out.append(f"- The targets are set for province scale (1,000,000 orders); this data set has {int(m['orders']):,}.")
    if runs:
        out.append("- Latency with 16 connections in a closed loop is mostly queueing (≈ 16 ÷ req/s); the 1-connection lines give the time one request takes.")
    out.append(f"- Raw wrk output, server log and RSS samples: `{os.path.relpath(d, os.path.dirname(os.path.dirname(d)))}/`.")
    return "\n".join(out) + "\n"


def scaling(dirs):
    cols = []
    for d in dirs:
        m = read_meta(d)
        runs = read_runs(d)
        cols.append((m, {k: median_of(v) for k, v in runs.items()}))
    cols.sort(key=lambda c: int(c[0].get("orders", 0)))
    m0 = cols[0][0]
    out = [f"# Scaling curve — {m0.get('date', '')[:10]}\n"]
    out.append(f"Machine: {m0.get('nproc')} cores ({m0.get('cpu')}), {m0.get('ram')} RAM. Commit {m0.get('commit')}. {m0.get('db_kind')}. "
               f"wrk, 2 threads, {m0.get('duration')} s per run, median of {m0.get('runs')} runs.\n")
    head = "| figure | " + " | ".join(f"{c[0].get('label')}: {int(c[0].get('orders', 0)):,} orders" for c in cols) + " | largest ÷ smallest |"
    out.append(head)
    out.append("|---|" + "---:|" * (len(cols) + 1))
    rows = [
        ("list, 16 connections: req/s", "list", "rps"),
        ("list, 16 connections: p99 ms", "list", "p99"),
        ("dashboard, 1 connection: p50 ms", "dashboard_c1", "p50"),
        ("dashboard, 1 connection: p99 ms", "dashboard_c1", "p99"),
        ("dashboard, 16 connections: req/s", "dashboard", "rps"),
        ("briefing, 1 connection: p50 ms", "briefing_c1", "p50"),
        ("briefing, 1 connection: p99 ms", "briefing_c1", "p99"),
        ("briefing, 16 connections: req/s", "briefing", "rps"),
    ]
    for title, key, fig in rows:
        vals = [c[1].get(key) for c in cols]
        if all(v is None for v in vals):
            continue
        cells = [f1(v[fig]) if v else "—" for v in vals]
        first, last = vals[0], vals[-1]
        ratio = f"{last[fig] / first[fig]:.2f}×" if first and last and first[fig] else "—"
        out.append(f"| {title} | " + " | ".join(cells) + f" | {ratio} |")
    out.append("")
    out.append("Databases: " + "; ".join(f"{c[0].get('label')}: {c[0].get('database')}" for c in cols) + ".")
    out.append("List query per data set: " + "; ".join(f"{c[0].get('label')}: `{c[0].get('list_query')}`" for c in cols) + ".")
    out.append("Load average before each: " + "; ".join(f"{c[0].get('label')}: {c[0].get('load_before')}" for c in cols) + ".")
    out.append("The full tables of each data set are the dated `*-scaling-*.md` files beside this one.")
    return "\n".join(out) + "\n"


def compare(dirs):
    """dirs: each a RUNDIR with meta.tsv (peer, tickets, …) and summary.tsv with create/read/list runs."""
    systems = []
    for d in dirs:
        m = read_meta(d)
        runs = read_runs(d)
        systems.append((m, {k: median_of(v) for k, v in runs.items()}, runs))
    zd = [s for s in systems if s[0].get("peer") == "zonedesk"]
    peers = [s for s in systems if s[0].get("peer") != "zonedesk"]
    m0 = systems[0][0]
    out = [f"# zonedesk against its peers — {m0.get('date', '')[:10]}\n"]
    out.append(f"Machine: {m0.get('nproc')} cores ({m0.get('cpu')}), {m0.get('ram')} RAM, Linux {m0.get('kernel')}. zonedesk commit {m0.get('commit')}. "
               f"One system at a time; wrk on the same machine, 2 threads, 16 connections, {m0.get('duration')} s per run, median of {m0.get('runs')} runs "
               f"(req/s, p50 and p99 each the median of the runs). Target: zonedesk ≥ {PEER_RATIO_TARGET}× the faster peer on every line.\n")
    out.append("## Setups\n")
    out.append("| system | version and server | database | tickets / orders | load average before |")
    out.append("|---|---|---|---:|---|")
    for m, _, _ in systems:
        out.append(f"| {m.get('peer')} | {m.get('version', '?')} | {m.get('database', '?')} | {int(m.get('tickets', 0)):,} | {m.get('load_before', '?')} |")
    for m, _, _ in systems:
        if m.get("failed"):
            out.append(f"\n**{m.get('peer')} could not be measured:** {m['failed']}")
    out.append("\n## Results\n")
    head = "| workload | " + " | ".join(f"{m.get('peer')} req/s (p50 / p99 ms)" for m, _, _ in systems)
    head += " | " + " | ".join(f"zonedesk ÷ {m.get('peer')}" for m, _, _ in peers) + " | zonedesk ÷ faster peer | target | met |"
    out.append(head)
    out.append("|---|" + "---:|" * len(systems) + "---:|" * len(peers) + "---:|---|---|")
    names = [("create", "(a) create"), ("read", "(b) read one"), ("list", "(c) list, filtered, page of 25")]
    for key, title in names:
        cells = []
        for m, med, runs in systems:
            w = med.get(key)
            if not w:
                cells.append("—")
                continue
            err = w["non2xx"] + w["socket"]
            errs = f"; {err} failed, {f1(w['ok_rps'])} ok/s" if err else ""
            cells.append(f"{f1(w['rps'])} ({f1(w['p50'])} / {f1(w['p99'])}{errs})")
        ours = zd[0][1].get(key) if zd else None
        ratios, best = [], None
        for m, med, _ in peers:
            w = med.get(key)
            if ours and w and w["rps"]:
                # a peer's failed requests do not count as served
                ok_rps = w["ok_rps"]
                ratios.append(ratio(ours["ok_rps"] / ok_rps) if ok_rps else "∞")
                best = ok_rps if best is None else max(best, ok_rps)
            else:
                ratios.append("—")
        if ours and best:
            r = ours["ok_rps"] / best
            met = "met" if r >= PEER_RATIO_TARGET and not (ours["non2xx"] or ours["socket"]) else "**not met**"
            faster = ratio(r)
        else:
            faster, met = "—", "—"
        out.append(f"| {title} | " + " | ".join(cells) + " | " + " | ".join(ratios) + f" | {faster} | ≥ {PEER_RATIO_TARGET}× | {met} |")
    out.append("\n## Requests\n")
    for m, _, _ in systems:
        out.append(f"- **{m.get('peer')}**: create `{m.get('create_request', '?')}`; read `{m.get('read_request', '?')}`; list `{m.get('list_request', '?')}`.")
    out.append("\n## Notes\n")
    for m, _, _ in systems:
        if m.get("note"):
            out.append(f"- {m.get('peer')}: {m['note']}")
    out.append("- Ratios divide successful requests per second (2xx/3xx): a failed request (e.g. Redmine's HTTP 500 `database is locked`) is not counted as served.")
    out.append("- Raw wrk output of every run: " + ", ".join(f"`{os.path.basename(d)}/`" for d in dirs) + " under `bench/results/raw/`.")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    mode, dirs = sys.argv[1], sys.argv[2:]
    if mode == "load":
        sys.stdout.write(load(dirs[0]))
    elif mode == "scaling":
        sys.stdout.write(scaling(dirs))
    elif mode == "compare":
        sys.stdout.write(compare(dirs))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
