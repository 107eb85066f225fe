#!/usr/bin/env python3
"""bench/report.py WORK PERSONS YEARS SMOKE RESULTS

bench/run's last step: reads the figures its steps left in WORK (each
step's stdout in NAME.out, "seconds peak_rss_kb" in NAME.time), prints the
table and writes RESULTS (JSON). Run alone, it re-reports a kept work
directory (KASSA_BENCH_DIR). Exits non-zero when a key the benchmark
promises is missing or not positive, or when HTTP answered errors.
"""
import json, os, platform, re, sys

# The keys every results file must hold, each a positive number.
REQUIRED = ["persons", "events", "assessment_events_per_s", "projector_events_per_s_journal",
            "projector_events_per_s_kafka", "kafka_consumer_ceiling_events_per_s",
            "rebuild_events_per_s", "query_rps", "query_p99_ms", "peak_rss_mb",
            "peer_kstreams_eos_events_per_s", "peer_kstreams_alos_events_per_s", "health_rps",
            "kassad_rss_mb"]

if len(sys.argv) != 6:
    sys.exit(__doc__.strip().splitlines()[0])
work, persons, years, smoke, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1", sys.argv[5]
def j(name):
    return json.load(open(f"{work}/{name}.out"))
def t(name):
    s, kb = open(f"{work}/{name}.time").read().split()[-2:]
    return float(s), int(kb) / 1024.0
gj, gk = j("gen_journal"), j("gen_kafka")
events = gj["events"]
rj, rk = j("read_journal"), j("read_kafka")
# ConsumerPerformance prints a CSV header and one line of figures.
lines = [l for l in open(f"{work}/consumer_perf.out").read().splitlines() if l.strip()]
head = [h.strip() for h in lines[-2].split(",")]
vals = [v.strip() for v in lines[-1].split(",")]
perf = dict(zip(head, vals))
kafka_ceiling = float(perf.get("fetch.nMsg.sec", perf.get("nMsg.sec", "0")))
def caught_up(name):
    # kassa projections rebuild: the catch-up alone, then the checksum pass.
    m = re.search(r"caught up from offset 0 in ([0-9.]+) s", open(f"{work}/{name}.out").read())
    return float(m.group(1)) if m else t(name)[0]
def phases(name):
    # Where the catch-up's time went: applying, committing and waiting for
    # the reading thread on the projector's thread; reading and verifying
    # on the reading thread, beside them (since 2026-12-07). Older outputs
    # had the three phases on one thread, without the wait.
    text = open(f"{work}/{name}.out").read()
    m = re.search(r"applying ([0-9.]+) s, committing ([0-9.]+) s, waiting for the reader ([0-9.]+) s; "
                  r"reading and verifying ([0-9.]+) s", text)
    if m:
        return dict(zip(["apply", "commit", "wait", "read_verify"], (round(float(x), 1) for x in m.groups())))
    m = re.search(r"reading and verifying ([0-9.]+) s, applying ([0-9.]+) s, committing ([0-9.]+) s", text)
    return dict(zip(["read_verify", "apply", "commit"], (round(float(x), 1) for x in m.groups()))) if m else {}
def passes(name):
    # How many passes over the log the rebuild made (one share of the aggregates each).
    m = re.search(r"caught up from offset 0 in [0-9.]+ s \((\d+) pass", open(f"{work}/{name}.out").read())
    return int(m.group(1)) if m else 1
def assessment_run(g):
    # One quarterly assessment run (every registered person once): the
    # slowest of the year's runs, and how many persons it assessed. Older
    # outputs carry only the total: then the mean of the 4 runs a year.
    runs = g.get("assessment_runs")
    if runs:
        slowest = max(runs, key=lambda r: r["seconds"])
        return round(slowest["seconds"], 1), slowest["persons"], len(runs)
    y0, _, y1 = years.partition("-")
    y0, y1 = int(y0), int(y1 or y0)
    n = 4 * (y1 - y0 + 1)
    return round(g["assessment_seconds"] / n, 1), None, n
aj, ak = assessment_run(gj), assessment_run(gk)
def peer(guarantee):
    # ../shared/peers/kstreams/run prints one JSON line (absent in older work dirs).
    path = f"{work}/peer_{guarantee}.out"
    if not os.path.exists(path):
        return None
    line = [l for l in open(path).read().splitlines() if l.startswith("{")][-1]
    return json.loads(line)
peer_eos, peer_alos = peer("exactly_once_v2"), peer("at_least_once")
pj_wall, pj_rss = t("proj_journal")
pk_wall, pk_rss = t("proj_kafka")
pj_s, pk_s = caught_up("proj_journal"), caught_up("proj_kafka")
rb_wall, rb_rss = t("rebuild")
# kassa check (absent in older work dirs).
check = j("check") if os.path.exists(f"{work}/check.out") else None
rb_s = j("rebuild").get("seconds", rb_wall)
ex_s, _ = t("export")
wrk = open(f"{work}/wrk.out").read()
m = re.search(r"BENCH requests=(\d+) errors_status=(\d+) p50_us=(\d+) p99_us=(\d+) duration_us=(\d+)", wrk)
requests, errors, p50, p99, dur = (int(x) for x in m.groups())
mh = re.search(r"Requests/sec:\s+([0-9.]+)", open(f"{work}/wrk_health.out").read())
health_rps = float(mh.group(1)) if mh else 0.0
# kassad's peak, read from /proc before it was stopped (absent in older work dirs).
kassad_kb = open(f"{work}/kassad.rss_kb").read().split() if os.path.exists(f"{work}/kassad.rss_kb") else []
kassad_rss = int(kassad_kb[0]) / 1024.0 if kassad_kb else None
# The largest resident set of any Kassa process in the run, and whose it was.
peaks = {"generate": max(t("gen_journal")[1], t("gen_kafka")[1]),
         "read_log": max(t("read_journal")[1], t("read_kafka")[1]),
         "projector": max(pj_rss, pk_rss), "export": t("export")[1], "replay_rebuild": rb_rss}
if kassad_rss is not None:
    peaks["kassad"] = kassad_rss
peak_step = max(peaks, key=peaks.get)
cpu = ""
for l in open("/proc/cpuinfo"):
    if l.startswith("model name"):
        cpu = l.split(":", 1)[1].strip(); break
mem_gib = int(open("/proc/meminfo").readline().split()[1]) / 1024 / 1024
r = {
    "persons": gj["persons"], "companies": gj["companies"], "years": years, "events": events,
    "person_events": gj["person_events"],
    "assessment_events_per_s": round(gj["assessment_events_per_s"]),
    "assessment_events_per_s_kafka": round(gk["assessment_events_per_s"]),
    "assessment_run_seconds_journal": aj[0],
    "assessment_run_seconds_kafka": ak[0],
    "assessment_run_persons": aj[1],
    "assessment_runs": aj[2],
    "generate_events_per_s_journal": round(gj["events_per_s"]),
    "generate_events_per_s_kafka": round(gk["events_per_s"]),
    "generate_peak_rss_mb": round(t("gen_journal")[1]),
    "projector_events_per_s_journal": round(events / pj_s),
    "projector_events_per_s_kafka": round(gk["events"] / pk_s),
    "projector_peak_rss_mb": round(max(pj_rss, pk_rss)),
    "projector_phase_seconds_journal": phases("proj_journal"),
    "projector_phase_seconds_kafka": phases("proj_kafka"),
    "projector_passes": passes("proj_journal"),
    "bank_statements": gj.get("bank_statements", 0), "bank_lines": gj.get("bank_lines", 0),
    "payments_by_account": gj.get("payments_by_account", 0), "suspense_items": gj.get("suspense", 0),
    "projector_peak_rss_mb_journal": round(pj_rss), "projector_peak_rss_mb_kafka": round(pk_rss),
    "rebuild_events_per_s": round(events / rb_s),
    "rebuild_peak_rss_mb": round(rb_rss),
    "peak_rss_mb": round(peaks[peak_step]),
    "peak_rss_step": peak_step,
    "peak_rss_mb_by_step": {k: round(v) for k, v in peaks.items()},
    "export_events_per_s": round(events / ex_s),
    "check_violations": check["violations"] if check else None,
    "check_events_per_s": round(check["events"] / t("check")[0]) if check and t("check")[0] > 0 else None,
    "journal_read_events_per_s": round(rj["records_per_s"]),
    "kafka_read_events_per_s": round(rk["records_per_s"]),
    "kafka_consumer_ceiling_events_per_s": round(kafka_ceiling),
    "query_rps": round(requests / (dur / 1e6)),
    "query_p50_ms": round(p50 / 1000, 2), "query_p99_ms": round(p99 / 1000, 2),
    "query_http_errors": errors,
    "http_health_rps": round(health_rps),
    "health_rps": round(health_rps),
    "kassad_rss_mb": round(kassad_rss) if kassad_rss is not None else None,
    "peer_kstreams_eos_events_per_s": round(peer_eos["records_per_s"]) if peer_eos else None,
    "peer_kstreams_alos_events_per_s": round(peer_alos["records_per_s"]) if peer_alos else None,
    "peer_kstreams": peer_eos.get("peer") if peer_eos else None,
    "step_seconds": {n: t(n)[0] for n in ["gen_journal", "gen_kafka", "read_journal", "read_kafka",
                                          "consumer_perf", "proj_journal", "proj_kafka", "export", "rebuild"]
                     + [n for n in ["peer_exactly_once_v2", "peer_at_least_once"] if os.path.exists(f"{work}/{n}.time")]
                     + (["check"] if check else [])},
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_gib, 1),
                "kernel": platform.release()},
    "smoke": smoke,
}
r["ratios"] = {
    "assessment_vs_journal_read": round(r["assessment_events_per_s"] / r["journal_read_events_per_s"], 3),
    "projector_journal_vs_journal_read": round(r["projector_events_per_s_journal"] / r["journal_read_events_per_s"], 3),
    "projector_kafka_vs_kafka_consumer_ceiling": round(r["projector_events_per_s_kafka"] / max(1, r["kafka_consumer_ceiling_events_per_s"]), 3),
    "kafka_read_vs_kafka_consumer_ceiling": round(r["kafka_read_events_per_s"] / max(1, r["kafka_consumer_ceiling_events_per_s"]), 3),
    "rebuild_vs_journal_read": round(r["rebuild_events_per_s"] / r["journal_read_events_per_s"], 3),
    "query_vs_health": round(r["query_rps"] / max(1, r["health_rps"]), 3),
}
if peer_eos and peer_alos:
    r["ratios"]["projector_kafka_vs_peer_kstreams_eos"] = round(r["projector_events_per_s_kafka"] / max(1, r["peer_kstreams_eos_events_per_s"]), 3)
    r["ratios"]["projector_kafka_vs_peer_kstreams_alos"] = round(r["projector_events_per_s_kafka"] / max(1, r["peer_kstreams_alos_events_per_s"]), 3)
missing = [k for k in REQUIRED if not isinstance(r.get(k), (int, float)) or r[k] <= 0]
json.dump(r, open(out, "w"), indent=2)
open(out, "a").write("\n")
rows = [
    ("persons / companies / events", f'{r["persons"]:,} / {r["companies"]:,} / {events:,} ({years})'),
    ("assessment run, journal (events/s, durable)", f'{r["assessment_events_per_s"]:,}'),
    ("assessment run, Kafka (events/s, acks=all)", f'{r["assessment_events_per_s_kafka"]:,}'),
    ("one assessment run, journal / Kafka (s" + (", slowest" if gj.get("assessment_runs") else ", mean") +
     f' of {r["assessment_runs"]})', f'{r["assessment_run_seconds_journal"]} / {r["assessment_run_seconds_kafka"]}' +
     (f'  ({r["assessment_run_persons"]:,} persons)' if r["assessment_run_persons"] else "")),
    ("whole generation, journal / Kafka (events/s)", f'{r["generate_events_per_s_journal"]:,} / {r["generate_events_per_s_kafka"]:,}'),
    ("projector catch-up, journal (events/s)", f'{r["projector_events_per_s_journal"]:,}  peak RSS {r["projector_peak_rss_mb_journal"]} MB'),
    ("projector catch-up, Kafka (events/s)", f'{r["projector_events_per_s_kafka"]:,}  peak RSS {r["projector_peak_rss_mb_kafka"]} MB'),
    ("peer: Kafka Streams exactly_once_v2 / at_least_once, person topic (records/s)",
     f'{r["peer_kstreams_eos_events_per_s"]:,} / {r["peer_kstreams_alos_events_per_s"]:,}' if peer_eos and peer_alos else "not run"),
    ("replay rebuild from archive (events/s)", f'{r["rebuild_events_per_s"]:,}  peak RSS {r["rebuild_peak_rss_mb"]} MB'),
    ("kassa check: violations (events/s folded again)",
     f'{r["check_violations"]}  ({r["check_events_per_s"]:,})' if check else "not run"),
    ("HTTP statement+debt (req/s, p50, p99)", f'{r["query_rps"]:,}  {r["query_p50_ms"]} ms  {r["query_p99_ms"]} ms'),
    ("HTTP /health, no store, no access log (req/s)", f'{r["http_health_rps"]:,}'),
    ("kassad peak RSS under the query load (MB)", f'{r["kassad_rss_mb"]:,}' if kassad_rss is not None else "not recorded"),
    ("peak RSS of any Kassa process (MB)", f'{r["peak_rss_mb"]:,}  ({peak_step}; ' +
     ", ".join(f"{k} {v:,}" for k, v in r["peak_rss_mb_by_step"].items()) + ")"),
    ("ceiling: bare journal read (events/s)", f'{r["journal_read_events_per_s"]:,}'),
    ("ceiling: bare Kafka read via Kassa (events/s)", f'{r["kafka_read_events_per_s"]:,}'),
    ("ceiling: kafka-consumer-perf-test (events/s)", f'{r["kafka_consumer_ceiling_events_per_s"]:,}'),
]
w = max(len(a) for a, _ in rows)
for a, b in rows:
    print(f"{a:<{w}}  {b}")
print("ratios: " + ", ".join(f"{k} {v}" for k, v in r["ratios"].items()))
print(f"written: {out}")
# After the table and the file, so that a failure can be read there.
if missing:
    sys.exit("bench/report.py: no positive figure for " + ", ".join(missing))
if errors:
    sys.exit("HTTP errors under load")
if check and check["violations"]:
    sys.exit(f'kassa check: {check["violations"]} violations')
