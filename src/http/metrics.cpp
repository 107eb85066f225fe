#include "http/metrics.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <tuple>

namespace kassa::http {

namespace {

// Prometheus label values: backslash, double quote and newline escaped.
void escape_label(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

}  // namespace

void MetricsText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += help;
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void MetricsText::name_and_labels(std::string_view name, const Labels& labels) {
  out_ += name;
  if (labels.empty()) return;
  out_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out_ += ',';
    first = false;
    out_ += key;
    out_ += "=\"";
    escape_label(out_, value);
    out_ += '"';
  }
  out_ += '}';
}

void MetricsText::sample(std::string_view name, const Labels& labels, double value) {
  name_and_labels(name, labels);
  out_ += ' ';
  out_ += number(value);
  out_ += '\n';
}

void MetricsText::sample(std::string_view name, const Labels& labels, std::uint64_t value) {
  name_and_labels(name, labels);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
}

void RequestMetrics::observe(std::string_view method, std::string_view route, int status,
                             double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(method), std::string(route), status}];
  Latency& l = latency_[{std::string(method), std::string(route)}];
  ++l.count;
  l.sum += seconds;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++l.buckets[i];
      break;
    }
  }
}

void RequestMetrics::write(MetricsText& out) const {
  std::lock_guard lock(mu_);
  out.family("kassa_http_requests_total", "counter",
             "HTTP requests answered by a route, by method, route template and status.");
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out.sample("kassa_http_requests_total",
               {{"method", method}, {"route", route}, {"status", std::to_string(status)}}, count);
  }
  out.family("kassa_http_request_duration_seconds", "histogram",
             "Time from routing to the answer, by method and route template.");
  for (const auto& [key, l] : latency_) {
    const auto& [method, route] = key;
    write_histogram(out, "kassa_http_request_duration_seconds",
                    {{"method", method}, {"route", route}}, l.buckets, l.count, l.sum);
  }
}

void write_histogram(MetricsText& out, std::string_view name, const MetricsText::Labels& labels,
                     const std::array<std::uint64_t, kLatencyBuckets.size()>& buckets,
                     std::uint64_t count, double sum) {
  const std::string base(name);
  MetricsText::Labels with_le = labels;
  with_le.emplace_back("le", "");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += buckets[i];
    with_le.back().second = number(kLatencyBuckets[i]);
    out.sample(base + "_bucket", with_le, cumulative);
  }
  with_le.back().second = "+Inf";
  out.sample(base + "_bucket", with_le, count);
  out.sample(base + "_sum", labels, sum);
  out.sample(base + "_count", labels, count);
}

namespace {

// When this process started, seconds since the epoch (0: unknown): field
// 22 of /proc/self/stat (clock ticks since boot) plus btime of /proc/stat.
double process_start_seconds() {
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  const auto paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 > line.size()) return 0;
  std::istringstream fields(line.substr(paren + 2));
  std::string field;
  std::uint64_t start_ticks = 0;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) start_ticks = std::stoull(field);
  }
  double boot = 0;
  std::ifstream s("/proc/stat");
  std::string key;
  while (s >> key) {
    if (key == "btime") {
      s >> boot;
      break;
    }
  }
  if (boot <= 0 || start_ticks == 0) return 0;
  return boot + static_cast<double>(start_ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace

void write_process_metrics(MetricsText& out) {
  // /proc/self/statm: the second number is the resident set in pages.
  std::uint64_t size = 0;
  std::uint64_t pages = 0;
  std::ifstream("/proc/self/statm") >> size >> pages;
  out.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out.sample("process_resident_memory_bytes",
             pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)));
  // It does not change: read once.
  static const double start = process_start_seconds();
  if (start > 0) {
    out.family("process_start_time_seconds", "gauge",
               "Start time of the process since the Unix epoch in seconds.");
    out.sample("process_start_time_seconds", start);
  }
}

}  // namespace kassa::http
