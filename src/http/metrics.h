#pragma once
// GET /metrics: kassad in the Prometheus text exposition format (0.0.4),
// written once here rather than with a client library (Debian bookworm
// packages none for C++; the format is a few lines of text per family).
//
// RequestMetrics counts every routed request by method, route template
// (never the path: a PartyId is not a label) and status, with a latency
// histogram per method and route. MetricsText writes families and samples
// with escaped label values. Other modules add their own families through
// Router::add_metrics (the projector, the log, the stores, the access log).
//
// Nothing here carries personal data: labels are route templates, topic
// names, store names and statuses.
//
// Thread-safety: RequestMetrics::observe and write may be called from any
// thread (one mutex, held for a map lookup); MetricsText is one thread's.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace kassa::http {

class MetricsText {
 public:
  using Labels = std::vector<std::pair<std::string_view, std::string>>;
  // # HELP and # TYPE lines of a family; once per family, before its samples.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, const Labels& labels, std::uint64_t value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  void sample(std::string_view name, std::uint64_t value) { sample(name, {}, value); }
  const std::string& text() const { return out_; }

 private:
  void name_and_labels(std::string_view name, const Labels& labels);
  std::string out_;
};

// Upper bounds of the latency buckets, seconds (+Inf implied): requests
// and appends alike.
inline constexpr std::array<double, 12> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                           0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

// The samples of one histogram series (`name`_bucket with le, _sum,
// _count): `buckets` counts per bound, not cumulative.
void write_histogram(MetricsText& out, std::string_view name, const MetricsText::Labels& labels,
                     const std::array<std::uint64_t, kLatencyBuckets.size()>& buckets,
                     std::uint64_t count, double sum);

class RequestMetrics {
 public:
  void observe(std::string_view method, std::string_view route, int status, double seconds);
  void write(MetricsText& out) const;

 private:
  struct Latency {
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Latency> latency_;
};

// The resident set and the start time of this process, from /proc.
void write_process_metrics(MetricsText& out);

}  // namespace kassa::http
