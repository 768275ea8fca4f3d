// `lapbench throttle`: decodes without pause for a while and reports how
// far throughput falls from its first seconds as the laptop heats up.
#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/model/forward.h"
#include "engine/model/gguf_source.h"
#include "engine/model/sampler.h"
#include "engine/thread_pool.h"
#include "harness/commands.h"
#include "harness/engine_choice.h"
#include "harness/environment.h"
#include "harness/model_prep.h"
#include "harness/monitor.h"
#include "harness/sustained_decode.h"
#include "probes/profile.h"
#include "reports/report.h"
#include "reports/throttle.h"

namespace lapbench::harness {
namespace {

inline constexpr const char* kThrottleSchema = "lapbench.throttle/1";

struct ThrottleArgs {
  std::string model;
  std::string format = "q4_0";
  int threads = 0;  // 0: every logical CPU
  std::string variant;
  std::string kv_format = "f16";
  std::string duration = "5m";
  std::string interval = "1s";
  int64_t n_ctx = 512;
  int64_t prompt = 32;
  std::string json_path;
  std::string model_dir;
};

// Everything one throttle run produced.
struct ThrottleResult {
  std::string model_file;
  std::string variant;
  int threads = 0;
  int64_t n_ctx = 0;
  double interval_s = 0;
  EnvironmentReport environment;
  SustainedResult sustained;
};

// Probes this machine (without measuring) and prints its warnings.
EnvironmentReport CheckThisMachine() {
  probes::ProbeOptions options;
  options.measure = false;
  const probes::HardwareProfile profile = probes::ProbeMachine(options);
  EnvironmentReport env = CheckEnvironment(profile, probes::FsRoot("/"));
  for (const EnvironmentWarning& w : env.warnings) {
    fmt::print(stderr, "lapbench: warn: {}\n", w.message);
  }
  for (const std::string& n : env.not_checked) {
    fmt::print(stderr, "lapbench: info: {}\n", n);
  }
  return env;
}

// --threads, or every logical CPU when it is 0.
int ThreadCount(const ThrottleArgs& args) {
  if (args.threads > 0) return args.threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// The analysis needs a warm-up interval and at least one more.
void CheckSpans(const ThrottleArgs& args, double duration_s,
                double interval_s) {
  const auto n = static_cast<double>(reports::kMinThrottleSamples);
  if (duration_s < n * interval_s) {
    throw std::invalid_argument(
        fmt::format("--duration: '{}' (expected at least {:g} intervals of {})",
                    args.duration, n, args.interval));
  }
}

// The prompt must leave room to decode before the first context reset.
void CheckPromptFits(const ThrottleArgs& args) {
  if (args.prompt >= args.n_ctx) {
    throw std::invalid_argument(
        fmt::format("--prompt: '{}' (expected fewer than --ctx, {} tokens)",
                    args.prompt, args.n_ctx));
  }
}

// Loads the model, prefills the prompt and runs the monitored decode loop.
ThrottleResult RunThrottle(const ThrottleArgs& args) {
  ThrottleResult r;
  const double duration_s = ParseDurationS(args.duration, "--duration");
  r.interval_s = ParseDurationS(args.interval, "--interval");
  CheckSpans(args, duration_s, r.interval_s);
  CheckPromptFits(args);
  r.environment = CheckThisMachine();
  r.model_file = ResolveModelFile(args.model, args.format,
                                  args.model_dir.empty()
                                      ? DefaultModelDir()
                                      : std::filesystem::path(args.model_dir));
  const auto model = engine::LoadModel(r.model_file);
  volatile uint64_t sink = TouchTensorPages(model->file);
  (void)sink;
  const kernels::Variant& variant =
      PickVariant(engine::MatrixFormats(model->weights), args.variant);
  r.variant = std::string(variant.name);
  engine::ThreadPool pool({}, ThreadCount(args));
  r.threads = pool.n_threads();
  engine::SessionOptions options;
  options.n_ctx = args.n_ctx;
  options.kv_format = ParseKvFormat(args.kv_format);
  r.n_ctx = options.n_ctx;
  engine::Session session(model->config, model->weights, variant, pool,
                          options);
  const int32_t first = engine::Argmax(
      session.Prefill(PromptTokens(args.prompt, model->config.n_vocab)));

  SustainedOptions sustained;
  sustained.duration_s = duration_s;
  sustained.interval_s = r.interval_s;
  sustained.on_interval = [](const DecodeInterval& i) {
    fmt::print(stderr, "\r[{:6.1f} s] {:8.2f} tok/s", i.end_s, i.tokens_per_s);
  };
  r.sustained = DecodeSustained(session, first, sustained);
  fmt::print(stderr, "\n");
  if (!r.sustained.analysis) {
    throw std::runtime_error(fmt::format(
        "throttle: '{} interval(s) in {}' (expected at least {}: a decode "
        "step took longer than --interval {}; give a longer --interval or "
        "--duration)",
        r.sustained.series.size(), args.duration, reports::kMinThrottleSamples,
        args.interval));
  }
  return r;
}

nlohmann::json JsonOrNull(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

// The analysis; RunThrottle makes sure there is one.
const reports::ThrottleAnalysis& Analysis(const ThrottleResult& r) {
  return r.sustained.analysis.value();
}

std::optional<double> EnergyJ(const ThrottleResult& r) {
  const probes::Reading<double>& j = r.sustained.monitor.package_energy_j;
  return j ? std::optional<double>(*j) : std::nullopt;
}

nlohmann::json SeriesJson(const ThrottleResult& r) {
  nlohmann::json series = nlohmann::json::array();
  for (size_t i = 0; i < r.sustained.series.size(); ++i) {
    const reports::ThrottleSample& s = r.sustained.series[i];
    series.push_back({{"t_s", s.t_s},
                      {"tokens", r.sustained.run.intervals[i].tokens},
                      {"tokens_per_s", s.tokens_per_s},
                      {"clock_ghz", JsonOrNull(s.clock_ghz)},
                      {"cpu_temp_c", JsonOrNull(s.cpu_temp_c)},
                      {"trip_c", JsonOrNull(s.trip_c)},
                      {"power_w", JsonOrNull(s.power_w)}});
  }
  return series;
}

// Package joules per decoded token, when the energy was read.
std::optional<double> JoulesPerToken(const ThrottleResult& r) {
  const SustainedResult& s = r.sustained;
  if (!s.monitor.package_energy_j || s.run.tokens == 0) return std::nullopt;
  return *s.monitor.package_energy_j / static_cast<double>(s.run.tokens);
}

nlohmann::json ToJson(const ThrottleResult& r, const ThrottleArgs& args) {
  return {{"schema", kThrottleSchema},
          {"model", args.model},
          {"model_file", r.model_file},
          {"variant", r.variant},
          {"threads", r.threads},
          {"kv_format", args.kv_format},
          {"n_ctx", r.n_ctx},
          {"duration_s", r.sustained.run.duration_s},
          {"interval_s", r.interval_s},
          {"tokens", r.sustained.run.tokens},
          {"context_resets", r.sustained.run.context_resets},
          {"environment", ToJson(r.environment)},
          {"analysis", reports::ToJson(Analysis(r))},
          {"package_energy_j", JsonOrNull(EnergyJ(r))},
          {"joules_per_token", JsonOrNull(JoulesPerToken(r))},
          {"notes", r.sustained.monitor.notes},
          {"series", SeriesJson(r)},
          {"monitor", ToJson(r.sustained.monitor)}};
}

// "reached at 90.0 s (trip 95.0 C)", "not reached (max 71.0 C)" or why
// it is unknown.
std::string TripLine(const ThrottleResult& r) {
  const reports::ThrottleAnalysis& a = Analysis(r);
  if (a.trip_reached_s) {
    return fmt::format("reached at {:.1f} s (trip {:.1f} C)", *a.trip_reached_s,
                       *a.trip_reached_c);
  }
  if (a.max_temp_c) {
    return fmt::format("not reached (max {:.1f} C)", *a.max_temp_c);
  }
  return "not available: " +
         r.sustained.monitor.samples.back().cpu_temp_mc.reason();
}

// "3.10 GHz burst, 3.05 GHz sustained" or why there is no figure.
std::string PairLine(const std::optional<double>& burst,
                     const std::optional<double>& sustained, const char* unit,
                     const std::string& missing_reason) {
  if (!burst || !sustained) return "not available: " + missing_reason;
  return fmt::format("{:.2f} {} burst, {:.2f} {} sustained", *burst, unit,
                     *sustained, unit);
}

void PrintThrottle(const ThrottleResult& r) {
  const reports::ThrottleAnalysis& a = Analysis(r);
  const DecodeRun& run = r.sustained.run;
  const MonitorSample& last = r.sustained.monitor.samples.back();
  fmt::print("model {} (variant {}, threads {}, context {})\n", r.model_file,
             r.variant, r.threads, r.n_ctx);
  fmt::print(
      "decoded {} tokens in {:.1f} s: {} intervals of {:g} s, {} "
      "context resets\n",
      run.tokens, run.duration_s, a.n_samples, r.interval_s,
      run.context_resets);
  fmt::print("burst       {:.2f} tok/s (median of intervals 2-{})\n",
             a.burst_tokens_per_s, 1 + a.n_burst_samples);
  fmt::print("sustained   {:.2f} tok/s (median of the last {} intervals)\n",
             a.sustained_tokens_per_s, a.n_sustained_samples);
  fmt::print("ratio       {:.3f}\n", a.ratio);
  fmt::print("10% drop    {}\n",
             a.drop_10pct_s ? fmt::format("at {:.1f} s", *a.drop_10pct_s)
                            : "none (never 3 intervals in a row below " +
                                  fmt::format("{:.2f} tok/s)",
                                              0.9 * a.burst_tokens_per_s));
  fmt::print("trip point  {}\n", TripLine(r));
  fmt::print("clock       {}\n",
             PairLine(a.burst_clock_ghz, a.sustained_clock_ghz, "GHz",
                      last.clock_hz.reason()));
  fmt::print("power       {}\n", PairLine(a.burst_power_w, a.sustained_power_w,
                                          "W", last.package_power_w.reason()));
  if (const std::optional<double> jpt = JoulesPerToken(r)) {
    fmt::print("energy      {:.1f} J, {:.4f} J/token\n", *EnergyJ(r), *jpt);
  }
  for (const std::string& note : r.sustained.monitor.notes) {
    fmt::print("note: {}\n", note);
  }
}

void WriteJson(const ThrottleResult& r, const ThrottleArgs& args) {
  std::ofstream out(args.json_path);
  out << ToJson(r, args).dump(2) << "\n";
  if (!out) {
    throw std::runtime_error(fmt::format(
        "--json: '{}' (expected a file that can be written)", args.json_path));
  }
  fmt::print("wrote {}\n", args.json_path);
}

int Throttle(const ThrottleArgs& args) {
  const ThrottleResult r = RunThrottle(args);
  PrintThrottle(r);
  if (!args.json_path.empty()) WriteJson(r, args);
  return kExitOk;
}

}  // namespace

void AddThrottleCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<ThrottleArgs>();
  CLI::App* cmd = app.add_subcommand(
      "throttle",
      "Decode without pause and report how throughput falls as the machine "
      "heats up");
  cmd->add_option("--model", args->model, "Preset name or .gguf file")
      ->required();
  cmd->add_option("--format", args->format,
                  "Weight format of a preset's synthetic model");
  cmd->add_option("--threads", args->threads,
                  "Worker threads (default: every logical CPU)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--variant", args->variant,
                  "Kernel variant (default: the best this CPU runs)");
  cmd->add_option("--kv-format", args->kv_format, "KV cache format: f16, f32");
  cmd->add_option("--duration", args->duration,
                  "How long to decode: 5m, 90s, 1h");
  cmd->add_option("--interval", args->interval,
                  "Throughput and sensor sampling interval: 1s, 500ms");
  cmd->add_option("--ctx", args->n_ctx,
                  "Context positions; a full context is reset to 0")
      ->check(CLI::Range(int64_t{2}, int64_t{1} << 20));
  cmd->add_option("--prompt", args->prompt, "Prompt tokens prefilled first")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--json", args->json_path,
                  "Write the series and the analysis as JSON to this file");
  cmd->add_option("--model-dir", args->model_dir,
                  "Where synthetic models are kept (default: "
                  "~/.cache/lapbench/models)");
  cmd->callback(
      [args, &action] { action = [args] { return Throttle(*args); }; });
}

}  // namespace lapbench::harness
