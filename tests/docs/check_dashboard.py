#!/usr/bin/env python3
"""The monitoring files in docker/ name only metrics kassad exposes.

    check_dashboard.py REPO_ROOT

Reads the PromQL of docker/grafana/dashboards/kassa.json and
docker/prometheus/alerts.yml, and fails naming every kassa_* or process_*
metric that no source file of kassad registers (a string literal in src/),
once the histogram suffixes (_bucket, _sum, _count) are taken off. Also
checks that the compose file, the Prometheus config and the provisioning
files parse, and that the scrape target is kassad's /metrics.
"""

import glob
import json
import os
import re
import sys

import yaml


def main():
    root = sys.argv[1]
    problems = []
    exprs = []
    dashboard = json.load(open(os.path.join(root, "docker/grafana/dashboards/kassa.json")))
    for panel in dashboard["panels"]:
        exprs += [t["expr"] for t in panel.get("targets", [])]
    alerts = yaml.safe_load(open(os.path.join(root, "docker/prometheus/alerts.yml")))
    for group in alerts["groups"]:
        exprs += [rule["expr"] for rule in group["rules"]]
    prometheus = yaml.safe_load(open(os.path.join(root, "docker/prometheus/prometheus.yml")))
    scrape = prometheus["scrape_configs"][0]
    if scrape.get("metrics_path") != "/metrics" or scrape["static_configs"][0]["targets"] != ["kassad:8080"]:
        problems.append("prometheus.yml does not scrape kassad:8080/metrics")
    compose = yaml.safe_load(open(os.path.join(root, "docker/compose.yaml")))
    for service in ("kassad", "prometheus", "grafana"):
        if service not in compose["services"]:
            problems.append("compose.yaml has no service " + service)
    for f in glob.glob(os.path.join(root, "docker/grafana/provisioning/*/*.yml")):
        yaml.safe_load(open(f))

    sources = ""
    for f in glob.glob(os.path.join(root, "src/**/*.cpp"), recursive=True):
        sources += open(f, encoding="utf-8").read()
    exposed = set(re.findall(r'"((?:kassa|process)_[a-z_]+)"', sources))
    named = set()
    for e in exprs:
        for m in re.findall(r"\b((?:kassa|process)_[a-z_]+)", e):
            named.add(re.sub(r"_(bucket|sum|count)$", "", m) if m not in exposed else m)
    for m in sorted(named):
        if m not in exposed:
            problems.append("%s is in the dashboard or the alerts but kassad exposes no such metric" % m)
    if not named:
        problems.append("no kassa metric found in the dashboard and alerts")
    for p in problems:
        print("check_dashboard: " + p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("ok: %d metrics named, all exposed" % len(named))


if __name__ == "__main__":
    main()
