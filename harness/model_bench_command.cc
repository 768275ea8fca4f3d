// `lapbench model bench`: prefill and decode speed of one model against the
// machine's measured read bandwidth and peak FLOP/s, and its peak RSS
// against the engine's memory promise.
#include <fmt/format.h>
#include <sched.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/memory_plan.h"
#include "engine/model/forward.h"
#include "engine/model/gguf_source.h"
#include "engine/model/sampler.h"
#include "engine/model/step_cost.h"
#include "engine/placement.h"
#include "engine/rss.h"
#include "engine/thread_pool.h"
#include "harness/bandwidth_drift.h"
#include "harness/commands.h"
#include "harness/engine_choice.h"
#include "harness/model_prep.h"
#include "harness/run_config.h"
#include "harness/timed_steps.h"
#include "kernels/registry.h"
#include "probes/cpu_features.h"
#include "probes/measure.h"
#include "probes/topology.h"
#include "reports/stats.h"

namespace lapbench::harness {
namespace {

// Seed of the prompt token ids.
constexpr uint64_t kPromptSeed = 0;

struct ModelBenchArgs {
  std::string path;
  int threads = 1;
  std::string placement;  // empty: unpinned workers
  std::string variant;    // empty: the best that covers every weight format
  std::string kv_format = "f16";
  int64_t prompt = 512;
  int64_t gen = 64;
  int64_t batch = 64;
  double budget_s = 1.0;  // per machine measurement
  bool json = false;
  std::string config;             // a run config file; flags override it
  const CLI::App* cmd = nullptr;  // to tell which flags were given
};

// Fills from the config file what no flag set: the model (a preset's
// synthetic file, made when missing), threads ("all": every CPU of the
// placement), placement, variant ("best": the default), KV cache format
// and lengths.
void ApplyBenchConfig(ModelBenchArgs& args) {
  const RunConfig c = RunConfigOf(LoadRunConfig(args.config));
  auto unset = [&args](const char* flag) { return args.cmd->count(flag) == 0; };
  if (unset("--placement")) args.placement = c.placement;
  if (unset("--variant"))
    args.variant = c.variant == kBestVariant ? "" : c.variant;
  if (unset("--kv-format")) args.kv_format = c.kv_type;
  if (unset("--prompt")) args.prompt = c.prompt_tokens;
  if (unset("--gen")) {
    if (c.gen_tokens < 1) {
      throw SuiteError(fmt::format(
          "{}: sweep.gen_tokens: '0' (expected at least 1 for model bench, "
          "which times decode steps; or give --gen)",
          args.config));
    }
    args.gen = c.gen_tokens;
  }
  if (unset("--threads")) {
    args.threads = c.threads;
    if (c.threads == kAllThreads) {
      args.threads = static_cast<int>(
          engine::PlaceThreads(probes::ProbeTopology(std::nullopt),
                               args.placement.empty() ? "all" : args.placement,
                               0)
              .cpus.size());
    }
  }
  if (unset("--model")) {
    args.path = ResolveModelFile(c.model, c.format, DefaultModelDir());
  }
}

// CPU time of the whole process (every thread), in seconds.
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

double LoadAverage1() {
  double load[1] = {0};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

// The machine limits the ratios divide by, measured in this run with the
// run's threads on the run's CPUs.
struct MachineLimits {
  double read_bytes_per_s = 0;  // 0 when the measurement failed
  // Measured again once the run is over, to tell whether the first figure
  // held (harness/bandwidth_drift.h); 0 when that measurement failed.
  double read_bytes_per_s_after = 0;
  uint64_t buffer_bytes = 0;
  double peak_flops = 0;
  std::string peak_isa;
  std::vector<std::string> notes;
};

// The largest cache of the topology: the last-level cache.
uint64_t LlcBytes(const probes::Topology& topology) {
  uint64_t llc = 0;
  for (const probes::CacheInfo& c : topology.caches) {
    llc = std::max(llc, c.size_bytes);
  }
  return llc;
}

probes::FlopsIsa WidestFlopsIsa(const probes::CpuFeatures& cpu) {
  probes::FlopsIsa widest = probes::FlopsIsa::kScalar;
  for (probes::FlopsIsa isa : probes::AllFlopsIsas()) {
    if (probes::FlopsIsaUnusableReason(isa, cpu).empty()) widest = isa;
  }
  return widest;
}

// Restricts the calling thread (and so the threads it starts) to `cpus`
// for its lifetime; with `cpus` empty, changes nothing.
class ScopedAffinity {
 public:
  explicit ScopedAffinity(const std::vector<int>& cpus) {
    if (cpus.empty()) return;
    CPU_ZERO(&old_);
    if (sched_getaffinity(0, sizeof(old_), &old_) != 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu : cpus) CPU_SET(cpu, &set);
    active_ = sched_setaffinity(0, sizeof(set), &set) == 0;
  }
  ~ScopedAffinity() {
    if (active_) sched_setaffinity(0, sizeof(old_), &old_);
  }
  ScopedAffinity(const ScopedAffinity&) = delete;
  ScopedAffinity& operator=(const ScopedAffinity&) = delete;

 private:
  cpu_set_t old_{};
  bool active_ = false;
};

// Read bandwidth over a buffer of max(8 x LLC, 256 MiB) (at most 1 GiB,
// and at most a quarter of the free RAM) with `n_threads` threads, pinned
// when `pin` (the caller sets the affinity); 0 when it failed, with a note
// saying why. Sets *buffer_bytes to the buffer's size.
double MeasureBandwidth(const probes::Topology& topology, int n_threads,
                        double budget_s, bool pin,
                        std::vector<std::string>& notes,
                        uint64_t* buffer_bytes) {
  probes::MeasureOptions options;
  options.n_threads = n_threads;
  options.llc_bytes = LlcBytes(topology);
  const uint64_t size = probes::PlanBandwidthBufferBytes(options, notes);
  probes::BandwidthBuffer buffer(size, n_threads);
  if (!buffer.ok()) {
    notes.push_back("bandwidth buffer: " + buffer.error());
    return 0;
  }
  *buffer_bytes = buffer.size_bytes();
  const probes::Reading<double> bw =
      probes::MeasureReadBandwidth(buffer, n_threads, budget_s, pin);
  if (!bw) notes.push_back("read bandwidth: " + bw.reason());
  return bw.value_or(0);
}

// Read bandwidth (above) and peak FP32 FLOP/s of the widest ISA, each with
// `n_threads` threads on `cpus` (pinned one per CPU) or unpinned when
// `cpus` is empty.
MachineLimits MeasureLimits(const probes::Topology& topology,
                            const std::vector<int>& cpus, int n_threads,
                            double budget_s) {
  MachineLimits limits;
  const ScopedAffinity affinity(cpus);
  const bool pin = !cpus.empty();
  limits.read_bytes_per_s = MeasureBandwidth(
      topology, n_threads, budget_s, pin, limits.notes, &limits.buffer_bytes);
  const probes::CpuFeatures cpu = probes::DetectCpuFeatures();
  const probes::FlopsIsa isa = WidestFlopsIsa(cpu);
  limits.peak_isa = std::string(probes::FlopsIsaName(isa));
  const probes::FlopsResult flops =
      probes::MeasurePeakFlops(isa, cpu, n_threads, budget_s, pin);
  limits.peak_flops = flops.flops_per_s.value_or(0);
  if (!flops.flops_per_s) {
    limits.notes.push_back("peak FLOP/s: " + flops.flops_per_s.reason());
  }
  return limits;
}

// Per tensor role (attn_q, ..., output, token_embd), the formats it is
// stored in and how many tensors of each.
using FormatsByRole = std::map<std::string, std::map<std::string, int>>;

FormatsByRole RoleFormats(const engine::ModelWeights& w) {
  FormatsByRole roles;
  auto add = [&](const char* role, const kernels::WeightView& v) {
    if (v.data != nullptr) {
      ++roles[role][std::string(kernels::Info(v.format).name)];
    }
  };
  add("token_embd", w.token_embd);
  add("output", w.output);
  for (const engine::LayerWeights& l : w.layers) {
    add("attn_q", l.attn_q);
    add("attn_k", l.attn_k);
    add("attn_v", l.attn_v);
    add("attn_output", l.attn_output);
    add("ffn_gate", l.ffn_gate);
    add("ffn_up", l.ffn_up);
    add("ffn_down", l.ffn_down);
  }
  return roles;
}

// "q4_0" or "q4_k x 24, q6_k x 4".
std::string FormatList(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [name, n] : counts) {
    if (!out.empty()) out += ", ";
    out += counts.size() == 1 ? name : fmt::format("{} x {}", name, n);
  }
  return out;
}

// Everything one run measured.
struct BenchResult {
  std::string variant;
  std::vector<int> cpus;
  MachineLimits limits;
  double open_s = 0;   // map, parse, bind
  double touch_s = 0;  // page in every tensor
  double prefill_s = 0;
  double ttft_s = 0;             // prefill plus picking the first token
  std::vector<double> decode_s;  // per decode step
  double decode_cpu_share = 0;   // process CPU time / (wall x threads)
  double decode_cpu_s = 0;       // process CPU time of the decode loop
  double load_before = 0;
  double load_after = 0;
  uint64_t decode_bytes = 0;  // what all decode steps read (roofline)
  double prefill_flops = 0;
  engine::RssPromise rss;
  bool rss_reset = false;
  // At the end: resident pages backed by files (the mapped weights) and
  // anonymous ones (KV cache, scratch, heap).
  std::optional<uint64_t> rss_file_bytes;
  std::optional<uint64_t> rss_anon_bytes;
  FormatsByRole formats;
};

// Prefill, then greedy decode steps, each timed; fills the time fields.
void RunSteps(engine::Session& session, const engine::ModelConfig& config,
              const ModelBenchArgs& args, int n_threads, BenchResult& r) {
  const std::vector<int32_t> prompt =
      PromptTokens(args.prompt, config.n_vocab, kPromptSeed);
  const TimedPrefillResult prefill = TimedPrefill(session, prompt);
  r.prefill_s = prefill.prefill_s;
  r.ttft_s = prefill.ttft_s;

  r.load_before = LoadAverage1();
  const double cpu_before = ProcessCpuSeconds();
  const Clock::time_point decode_start = Clock::now();
  TimedDecode(session, prefill.first_token, args.gen, r.decode_s);
  const double wall = Seconds(decode_start, Clock::now());
  r.decode_cpu_s = ProcessCpuSeconds() - cpu_before;
  r.decode_cpu_share =
      wall > 0 ? r.decode_cpu_s / (wall * static_cast<double>(n_threads)) : 0;
  r.load_after = LoadAverage1();
}

// Loads the model, runs it and measures everything; the machine limits
// come first, before the peak RSS is reset, so their buffer is not in it.
BenchResult RunBench(const ModelBenchArgs& args) {
  BenchResult r;
  const probes::Topology topology = probes::ProbeTopology(std::nullopt);
  if (!args.placement.empty()) {
    r.cpus = engine::PlaceThreads(topology, args.placement, args.threads).cpus;
  }
  const kernels::Format kv_format = ParseKvFormat(args.kv_format);
  r.limits = MeasureLimits(topology, r.cpus, args.threads, args.budget_s);

  r.rss_reset = engine::ResetPeakRss();
  Clock::time_point t0 = Clock::now();
  const auto model = engine::LoadModel(args.path);
  r.open_s = Seconds(t0, Clock::now());
  t0 = Clock::now();
  volatile uint64_t sink = TouchTensorPages(model->file);
  (void)sink;
  r.touch_s = Seconds(t0, Clock::now());

  const kernels::Variant& variant =
      PickVariant(engine::MatrixFormats(model->weights), args.variant);
  r.variant = std::string(variant.name);
  r.formats = RoleFormats(model->weights);
  {
    engine::ThreadPool pool(r.cpus, r.cpus.empty() ? args.threads : 0);
    engine::SessionOptions options;
    options.n_ctx = args.prompt + args.gen;
    options.n_batch = args.batch;
    options.kv_format = kv_format;
    engine::Session session(model->config, model->weights, variant, pool,
                            options);
    RunSteps(session, model->config, args, pool.n_threads(), r);
    const engine::RssReading rss = engine::ReadRss();
    r.rss_file_bytes = rss.file_bytes;
    r.rss_anon_bytes = rss.anon_bytes;
    r.rss = engine::CheckRssPromise(
        rss.peak_bytes, model->file.file_size_bytes(),
        session.kv_cache().size_bytes(), session.scratch_bytes());
  }

  for (int64_t i = 0; i < args.gen; ++i) {
    r.decode_bytes += engine::DecodeStepBytes(model->config, model->weights,
                                              kv_format, args.prompt + i);
  }
  r.prefill_flops =
      engine::PrefillFlops(model->config, model->weights, args.prompt);

  // The bandwidth again, the pool gone (its workers would compete), after
  // the RSS reading (its buffer must not count).
  const ScopedAffinity affinity(r.cpus);
  uint64_t buffer_bytes = 0;
  r.limits.read_bytes_per_s_after =
      MeasureBandwidth(topology, args.threads, args.budget_s, !r.cpus.empty(),
                       r.limits.notes, &buffer_bytes);
  if (const std::optional<std::string> note = BandwidthDriftNote(
          r.limits.read_bytes_per_s, r.limits.read_bytes_per_s_after)) {
    r.limits.notes.push_back(*note);
  }
  return r;
}

// The derived figures the report prints.
struct BenchSummary {
  double decode_s = 0;  // all steps
  double decode_tok_s = 0;
  double bytes_per_token = 0;  // mean over the steps
  double roofline_tok_s = 0;
  double roofline_fraction = 0;
  double prefill_tok_s = 0;
  double prefill_flops_per_s = 0;
  double peak_fraction = 0;
  // Decode bytes over the CPU time all threads spent decoding (spinning
  // included): what the engine moves while it has the CPU, which a busy
  // machine does not lower the way it lowers tokens per wall second.
  double bytes_per_cpu_s = 0;
  std::vector<double> sorted_s;
};

BenchSummary Summarize(const BenchResult& r, const ModelBenchArgs& args) {
  BenchSummary s;
  for (double t : r.decode_s) s.decode_s += t;
  const auto gen = static_cast<double>(args.gen);
  s.decode_tok_s = s.decode_s > 0 ? gen / s.decode_s : 0;
  s.bytes_per_token = gen > 0 ? static_cast<double>(r.decode_bytes) / gen : 0;
  const double bw = r.limits.read_bytes_per_s;
  s.roofline_tok_s = s.bytes_per_token > 0 ? bw / s.bytes_per_token : 0;
  s.roofline_fraction =
      s.roofline_tok_s > 0 ? s.decode_tok_s / s.roofline_tok_s : 0;
  s.prefill_tok_s = static_cast<double>(args.prompt) / r.prefill_s;
  s.prefill_flops_per_s = r.prefill_flops / r.prefill_s;
  s.peak_fraction =
      r.limits.peak_flops > 0 ? s.prefill_flops_per_s / r.limits.peak_flops : 0;
  s.bytes_per_cpu_s = r.decode_cpu_s > 0
                          ? static_cast<double>(r.decode_bytes) / r.decode_cpu_s
                          : 0;
  s.sorted_s = r.decode_s;
  std::sort(s.sorted_s.begin(), s.sorted_s.end());
  return s;
}

std::string CpuList(const std::vector<int>& cpus) {
  if (cpus.empty()) return "unpinned";
  std::string out;
  for (int cpu : cpus) out += (out.empty() ? "" : ",") + std::to_string(cpu);
  return out;
}

void PrintText(const BenchResult& r, const BenchSummary& s,
               const ModelBenchArgs& args) {
  constexpr double kGB = 1e9;
  constexpr double kMs = 1e3;
  fmt::print("model {}\n", args.path);
  fmt::print("variant {}, threads {} ({}), kv cache {}\n", r.variant,
             args.threads, CpuList(r.cpus), args.kv_format);
  for (const auto& [role, counts] : r.formats) {
    fmt::print("  {:<12} {}\n", role, FormatList(counts));
  }
  fmt::print(
      "machine: read bandwidth {:.2f} GB/s ({} MiB buffer; {:.2f} GB/s "
      "after the run), peak {:.1f} GFLOP/s ({})\n",
      r.limits.read_bytes_per_s / kGB, r.limits.buffer_bytes >> 20,
      r.limits.read_bytes_per_s_after / kGB, r.limits.peak_flops / kGB,
      r.limits.peak_isa);
  for (const std::string& note : r.limits.notes)
    fmt::print("  note: {}\n", note);
  fmt::print("load: open {:.3f} s, page-in {:.3f} s\n", r.open_s, r.touch_s);
  fmt::print(
      "prefill {} tokens: {:.3f} s, {:.1f} tok/s, time to first "
      "token {:.3f} s\n",
      args.prompt, r.prefill_s, s.prefill_tok_s, r.ttft_s);
  fmt::print("  {:.2f} GFLOP/s = {:.3f} of peak ({:.1f} GFLOP computed)\n",
             s.prefill_flops_per_s / kGB, s.peak_fraction,
             r.prefill_flops / kGB);
  fmt::print(
      "decode {} tokens: {:.2f} tok/s, per token p50 {:.1f} ms, p90 "
      "{:.1f} ms, p99 {:.1f} ms, max {:.1f} ms\n",
      args.gen, s.decode_tok_s, reports::Percentile(s.sorted_s, 0.5) * kMs,
      reports::Percentile(s.sorted_s, 0.9) * kMs,
      reports::Percentile(s.sorted_s, 0.99) * kMs,
      s.sorted_s.empty() ? 0 : s.sorted_s.back() * kMs);
  fmt::print(
      "  roofline {:.2f} tok/s ({:.1f} MB read per token): {:.3f} of "
      "it, {:.2f} GB/s achieved\n",
      s.roofline_tok_s, s.bytes_per_token / 1e6, s.roofline_fraction,
      s.decode_tok_s * s.bytes_per_token / kGB);
  const double p50_tok_s = 1 / reports::Percentile(s.sorted_s, 0.5);
  fmt::print("  at the median step: {:.2f} tok/s, {:.3f} of the roofline\n",
             p50_tok_s, p50_tok_s / s.roofline_tok_s);
  fmt::print(
      "  cpu share {:.2f}, load average {:.2f} -> {:.2f}; {:.2f} GB "
      "read per CPU second\n",
      r.decode_cpu_share, r.load_before, r.load_after, s.bytes_per_cpu_s / kGB);
  fmt::print("memory: {}{}\n", r.rss.Message(),
             r.rss_reset ? "" : " (peak not reset: includes earlier use)");
  if (r.rss_file_bytes && r.rss_anon_bytes) {
    fmt::print("  resident now: file-backed {}, anonymous {}\n",
               engine::FormatSize(*r.rss_file_bytes),
               engine::FormatSize(*r.rss_anon_bytes));
  }
}

nlohmann::json ToJson(const BenchResult& r, const BenchSummary& s,
                      const ModelBenchArgs& args) {
  nlohmann::json formats = nlohmann::json::object();
  for (const auto& [role, counts] : r.formats) formats[role] = counts;
  return {
      {"model", args.path},
      {"variant", r.variant},
      {"threads", args.threads},
      {"placement", args.placement.empty() ? "none" : args.placement},
      {"cpus", r.cpus},
      {"kv_format", args.kv_format},
      {"formats", formats},
      {"read_bytes_per_s", r.limits.read_bytes_per_s},
      {"read_bytes_per_s_after", r.limits.read_bytes_per_s_after},
      {"bandwidth_buffer_bytes", r.limits.buffer_bytes},
      {"peak_flops_per_s", r.limits.peak_flops},
      {"peak_isa", r.limits.peak_isa},
      {"machine_notes", r.limits.notes},
      {"open_s", r.open_s},
      {"page_in_s", r.touch_s},
      {"prompt_tokens", args.prompt},
      {"prefill_s", r.prefill_s},
      {"prefill_tokens_per_s", s.prefill_tok_s},
      {"time_to_first_token_s", r.ttft_s},
      {"prefill_flops", r.prefill_flops},
      {"prefill_flops_per_s", s.prefill_flops_per_s},
      {"prefill_peak_fraction", s.peak_fraction},
      {"gen_tokens", args.gen},
      {"decode_tokens_per_s", s.decode_tok_s},
      {"decode_step_s",
       {{"p50", reports::Percentile(s.sorted_s, 0.5)},
        {"p90", reports::Percentile(s.sorted_s, 0.9)},
        {"p99", reports::Percentile(s.sorted_s, 0.99)},
        {"max", s.sorted_s.empty() ? 0 : s.sorted_s.back()}}},
      {"decode_bytes_per_token", s.bytes_per_token},
      {"roofline_tokens_per_s", s.roofline_tok_s},
      {"roofline_fraction", s.roofline_fraction},
      {"roofline_fraction_p50",
       1 / reports::Percentile(s.sorted_s, 0.5) / s.roofline_tok_s},
      {"decode_cpu_share", r.decode_cpu_share},
      {"decode_bytes_per_cpu_s", s.bytes_per_cpu_s},
      {"load_average_1m", {r.load_before, r.load_after}},
      {"peak_rss_bytes", r.rss.peak_bytes},
      {"rss_limit_bytes", r.rss.limit_bytes},
      {"rss_promise_kept", r.rss.kept},
      {"file_bytes", r.rss.file_bytes},
      {"kv_cache_bytes", r.rss.kv_cache_bytes},
      {"scratch_bytes", r.rss.scratch_bytes},
      {"peak_rss_reset", r.rss_reset},
      {"rss_file_bytes",
       r.rss_file_bytes ? nlohmann::json(*r.rss_file_bytes) : nlohmann::json()},
      {"rss_anon_bytes",
       r.rss_anon_bytes ? nlohmann::json(*r.rss_anon_bytes) : nlohmann::json()},
  };
}

int RunModelBench(ModelBenchArgs args) {
  if (!args.config.empty()) ApplyBenchConfig(args);
  if (args.path.empty()) {
    throw std::runtime_error(
        "--model: missing (expected a GGUF model file, or --config)");
  }
  const BenchResult r = RunBench(args);
  const BenchSummary s = Summarize(r, args);
  if (args.json) {
    fmt::print("{}\n", ToJson(r, s, args).dump(2));
  } else {
    PrintText(r, s, args);
  }
  return r.rss.kept ? kExitOk : kExitFailed;
}

}  // namespace

void AddModelBenchCommand(CLI::App& model, CommandAction& action) {
  auto args = std::make_shared<ModelBenchArgs>();
  CLI::App* cmd = model.add_subcommand(
      "bench",
      "Time prefill and decode against measured bandwidth and peak FLOP/s");
  args->cmd = cmd;
  cmd->add_option("--model", args->path, "GGUF model file");
  cmd->add_option("--config", args->config,
                  "Take model, format, variant, threads, placement, KV "
                  "format and lengths from a run config file (flags given "
                  "too win)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--threads", args->threads, "Worker threads")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--placement", args->placement,
                  "Pin workers: all, physical, performance, efficiency, "
                  "low-power (default: unpinned)");
  cmd->add_option("--variant", args->variant,
                  "Kernel variant (default: the best this CPU runs)");
  cmd->add_option("--kv-format", args->kv_format, "KV cache format: f16, f32");
  cmd->add_option("--prompt", args->prompt, "Prompt tokens to prefill")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--gen", args->gen, "Decode steps to time")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--batch", args->batch, "Prefill chunk, tokens")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 16));
  cmd->add_option("--budget", args->budget_s,
                  "Seconds for each machine measurement")
      ->check(CLI::Range(0.05, 60.0));
  cmd->add_flag("--json", args->json, "Print JSON instead of text");
  cmd->callback(
      [args, &action] { action = [args] { return RunModelBench(*args); }; });
}

}  // namespace lapbench::harness
