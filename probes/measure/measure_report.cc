// The measured section as JSON and as readable lines.
#include <fmt/format.h>

#include <string>

#include "probes/json_fields.h"
#include "probes/measure.h"

namespace lapbench::probes {
namespace {

nlohmann::json BandwidthJson(const BandwidthResult& r) {
  nlohmann::json obj;
  obj["n_threads"] = r.n_threads;
  obj["buffer_bytes"] = r.buffer_bytes;
  obj["n_repetitions"] = r.n_repetitions;
  obj["cpu_share"] = r.cpu_share;
  PutReading(obj, "read_bytes_per_s", r.read_bytes_per_s);
  PutReading(obj, "triad_bytes_per_s", r.triad_bytes_per_s);
  return obj;
}

nlohmann::json FlopsJson(const FlopsResult& r) {
  nlohmann::json obj;
  obj["isa"] = FlopsIsaName(r.isa);
  obj["n_threads"] = r.n_threads;
  obj["n_repetitions"] = r.n_repetitions;
  obj["cpu_share"] = r.cpu_share;
  PutReading(obj, "flops_per_s", r.flops_per_s);
  return obj;
}

std::string Giga(const Reading<double>& value, std::string_view unit) {
  if (!value) return "unknown (" + value.reason() + ")";
  return fmt::format("{:.1f} {}", *value / 1e9, unit);
}

std::string Threads(int n) {
  return fmt::format("{} thread{}", n, n == 1 ? "" : "s");
}

// "32.0 FLOP/cycle per thread" when the clock is known.
std::string PerCycle(const FlopsResult& r, const Reading<double>& clock_hz) {
  if (!r.flops_per_s || !clock_hz) return "";
  return fmt::format(", {:.1f} FLOP/cycle/thread",
                     *r.flops_per_s / r.n_threads / *clock_hz);
}

}  // namespace

nlohmann::json ToJson(const Measurements& m) {
  nlohmann::json obj;
  obj["budget_s"] = m.budget_s;
  obj["duration_s"] = m.duration_s;
  obj["pinned"] = m.pinned;
  PutReading(obj, "clock_hz", m.clock_hz);
  obj["bandwidth"] = nlohmann::json::array();
  for (const BandwidthResult& r : m.bandwidth) {
    obj["bandwidth"].push_back(BandwidthJson(r));
  }
  obj["peak_flops"] = nlohmann::json::array();
  for (const FlopsResult& r : m.peak_flops) {
    obj["peak_flops"].push_back(FlopsJson(r));
  }
  obj["notes"] = m.notes;
  return obj;
}

std::string Summarize(const Measurements& m) {
  std::string out =
      fmt::format("  took {:.1f} s of a {:.1f} s budget, threads {}pinned\n",
                  m.duration_s, m.budget_s, m.pinned ? "" : "not ");
  out += fmt::format("  clock         {} (dependent adds, one core)\n",
                     Giga(m.clock_hz, "GHz"));
  for (const BandwidthResult& r : m.bandwidth) {
    out += fmt::format("  bandwidth     read {}, triad {} ({}, {} MiB)\n",
                       Giga(r.read_bytes_per_s, "GB/s"),
                       Giga(r.triad_bytes_per_s, "GB/s"), Threads(r.n_threads),
                       r.buffer_bytes >> 20);
  }
  for (const FlopsResult& r : m.peak_flops) {
    out += fmt::format("  peak FP32     {:<9} {} ({}{})\n", FlopsIsaName(r.isa),
                       Giga(r.flops_per_s, "GFLOP/s"), Threads(r.n_threads),
                       PerCycle(r, m.clock_hz));
  }
  for (const std::string& note : m.notes) out += "  note: " + note + "\n";
  return out;
}

}  // namespace lapbench::probes
