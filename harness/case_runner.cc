// Measuring one planned case.
#include "harness/case_runner.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>

#include "engine/model/gguf_source.h"
#include "engine/rss.h"
#include "engine/thread_pool.h"
#include "harness/case_monitor.h"
#include "harness/engine_choice.h"
#include "harness/model_prep.h"
#include "harness/sustained_decode.h"
#include "harness/timed_steps.h"
#include "reports/stats.h"

namespace lapbench::harness {
namespace {

constexpr double kMsPerS = 1e3;

// The samples of the measured runs, one entry per run.
struct RunSamples {
  std::vector<double> prefill_tokens_per_s, ttft_ms, decode_tokens_per_s,
      p50_ms, p90_ms, p99_ms, max_ms, peak_rss_bytes;
  std::vector<std::vector<double>> step_ms;
  int64_t decode_tokens = 0;  // in the runs whose decode energy was read
};

// What a case measures the sensors with; all unset without a monitor.
struct CaseSensors {
  std::unique_ptr<Monitor> monitor;
  std::unique_ptr<SpanEnergy> decode_energy;
};

// What one model, loaded and bound to a session, needs to run a case.
struct Loaded {
  std::unique_ptr<engine::LoadedModel> model;
  std::unique_ptr<engine::ThreadPool> pool;
  std::unique_ptr<engine::Session> session;
};

Loaded LoadCase(const PlannedCase& planned, const std::string& path,
                double& load_s) {
  Loaded l;
  const Clock::time_point t0 = Clock::now();
  l.model = engine::LoadModel(path);
  volatile uint64_t sink = TouchTensorPages(l.model->file);
  (void)sink;
  load_s = Seconds(t0, Clock::now());
  const kernels::Variant& variant =
      PickVariant(engine::MatrixFormats(l.model->weights), planned.variant);
  l.pool = std::make_unique<engine::ThreadPool>(
      planned.cpus, planned.cpus.empty() ? planned.n_threads : 0);
  engine::SessionOptions options;
  options.n_ctx = planned.spec.prompt_tokens + planned.spec.gen_tokens;
  options.kv_format = ParseKvFormat(planned.spec.kv_type);
  l.session = std::make_unique<engine::Session>(
      l.model->config, l.model->weights, variant, *l.pool, options);
  return l;
}

// One sample of each latency percentile from `step_ms` (non-empty).
void AddLatencies(const std::vector<double>& step_ms, RunSamples& s) {
  const std::vector<double> sorted = reports::SortedFinite(step_ms);
  s.p50_ms.push_back(reports::Percentile(sorted, 0.5));
  s.p90_ms.push_back(reports::Percentile(sorted, 0.9));
  s.p99_ms.push_back(reports::Percentile(sorted, 0.99));
  s.max_ms.push_back(sorted.back());
}

// One run: reset, prefill, decode; false when a stop request cut it short.
// Without a stop request, reads the decode energy around the decode steps
// (outside their timing) when `energy` is set.
bool RunOnce(engine::Session& session, const std::vector<int32_t>& prompt,
             int64_t gen, const CaseRunOptions& options, RunSamples& s,
             SpanEnergy* energy = nullptr) {
  session.Reset();
  engine::ResetPeakRss();
  if (options.stop && options.stop()) return false;
  const TimedPrefillResult prefill = TimedPrefill(session, prompt);
  std::vector<double> step_s;
  if (energy) energy->Begin();
  if (!TimedDecode(session, prefill.first_token, gen, step_s, options.stop)) {
    return false;
  }
  if (energy) {
    energy->End();
    s.decode_tokens += gen;
  }
  const double decode_s = std::accumulate(step_s.begin(), step_s.end(), 0.0);
  s.prefill_tokens_per_s.push_back(static_cast<double>(prompt.size()) /
                                   prefill.prefill_s);
  s.ttft_ms.push_back(
      (prefill.prefill_s + (step_s.empty() ? 0 : step_s.front())) * kMsPerS);
  s.peak_rss_bytes.push_back(static_cast<double>(engine::ReadRss().peak_bytes));
  if (step_s.empty()) return true;
  std::vector<double> ms;
  for (double t : step_s) ms.push_back(t * kMsPerS);
  s.decode_tokens_per_s.push_back(static_cast<double>(gen) / decode_s);
  AddLatencies(ms, s);
  s.step_ms.push_back(std::move(ms));
  return true;
}

// The rate the stopping rule watches: decode, or prefill without decode.
const std::vector<double>& KeyRate(const RunSamples& s) {
  return s.decode_tokens_per_s.empty() ? s.prefill_tokens_per_s
                                       : s.decode_tokens_per_s;
}

bool Enough(const RunSamples& s, const CaseRunOptions& options,
            double elapsed_s) {
  const MeasurePolicy& p = options.policy;
  const auto n = static_cast<int>(s.prefill_tokens_per_s.size());
  if (n < p.min_reps) return false;
  if (n >= p.max_reps) return true;
  if (options.budget_s > 0 && elapsed_s >= options.budget_s) return true;
  return reports::PrecisionReached(
      reports::MedianConfidenceInterval(KeyRate(s)), p.target_rel_ci);
}

void ReportProgress(const CaseRunOptions& options, int rep, bool warmup,
                    const RunSamples& s, double elapsed_s) {
  if (!options.progress) return;
  const std::vector<double>& rate = KeyRate(s);
  options.progress({rep, warmup, options.policy.max_reps,
                    rate.empty() ? 0 : reports::Summarize(rate).median,
                    elapsed_s});
}

reports::CaseMetrics MetricsOf(RunSamples& s) {
  using reports::MakeMetric;
  return {MakeMetric(std::move(s.prefill_tokens_per_s)),
          MakeMetric(std::move(s.ttft_ms)),
          MakeMetric(std::move(s.decode_tokens_per_s)),
          MakeMetric(std::move(s.p50_ms)),
          MakeMetric(std::move(s.p90_ms)),
          MakeMetric(std::move(s.p99_ms)),
          MakeMetric(std::move(s.max_ms)),
          MakeMetric(std::move(s.peak_rss_bytes))};
}

// The samples of a sustained decode: one prefill and TTFT, a decode rate
// and latency percentiles per interval, the peak RSS at the end.
void AddSustainedSamples(size_t prompt_tokens, double prefill_s,
                         const DecodeRun& run, RunSamples& s) {
  s.prefill_tokens_per_s.push_back(static_cast<double>(prompt_tokens) /
                                   prefill_s);
  const double first_step_ms =
      run.intervals.empty() || run.intervals.front().step_ms.empty()
          ? 0
          : run.intervals.front().step_ms.front();
  s.ttft_ms.push_back(prefill_s * kMsPerS + first_step_ms);
  s.peak_rss_bytes.push_back(static_cast<double>(engine::ReadRss().peak_bytes));
  for (const DecodeInterval& i : run.intervals) {
    s.decode_tokens_per_s.push_back(i.tokens_per_s);
    AddLatencies(i.step_ms, s);
  }
}

void MarkEnd(bool stopped, const CaseRunOptions& options,
             reports::CaseResult& r) {
  r.status = stopped ? reports::CaseStatus::kAbandoned
                     : reports::CaseStatus::kMeasured;
  if (stopped) {
    r.reason = options.stop_reason ? options.stop_reason() : "stopped";
  }
}

// The monitor and decode energy of the measured runs, started.
CaseSensors StartSensors(const CaseRunOptions& options) {
  CaseSensors sensors;
  if (!options.monitor) return sensors;
  sensors.decode_energy = std::make_unique<SpanEnergy>(options.monitor->root);
  sensors.monitor = std::make_unique<Monitor>(*options.monitor);
  sensors.monitor->Start();
  return sensors;
}

// Measured runs until Enough; false when a stop request ended them.
bool RepeatRuns(Loaded& l, const std::vector<int32_t>& prompt, int64_t gen,
                const CaseRunOptions& options, Clock::time_point start,
                RunSamples& s, reports::CaseResult& r) {
  CaseSensors sensors = StartSensors(options);
  bool stopped = false;
  for (int rep = 1; !stopped; ++rep) {
    stopped = !RunOnce(*l.session, prompt, gen, options, s,
                       sensors.decode_energy.get());
    if (stopped) break;
    const double elapsed_s = Seconds(start, Clock::now());
    ReportProgress(options, rep, false, s, elapsed_s);
    if (Enough(s, options, elapsed_s)) break;
  }
  if (sensors.monitor) {
    r.monitor =
        SummarizeCaseMonitor(sensors.monitor->Stop(),
                             sensors.decode_energy->total_j(), s.decode_tokens);
  }
  return !stopped;
}

// One prefill, then decoding without pause for sustained_decode_s: a
// sample per interval for the decode metrics; fills r.throttle and
// r.monitor. False when a stop request ended it.
bool SustainRun(Loaded& l, const std::vector<int32_t>& prompt,
                const CaseRunOptions& options, Clock::time_point start,
                RunSamples& s, reports::CaseResult& r) {
  l.session->Reset();
  engine::ResetPeakRss();
  if (options.stop && options.stop()) return false;
  const TimedPrefillResult prefill = TimedPrefill(*l.session, prompt);
  SustainedOptions sustained;
  sustained.duration_s = options.policy.sustained_decode_s;
  sustained.interval_s = kSustainedIntervalS;
  if (options.monitor) sustained.monitor = *options.monitor;
  sustained.stop = options.stop;
  int interval = 0;
  sustained.on_interval = [&](const DecodeInterval& i) {
    if (!options.progress) return;
    RepProgress p{++interval, false, 0, i.tokens_per_s,
                  Seconds(start, Clock::now())};
    p.sustained = true;
    p.sustained_s = i.end_s;
    options.progress(p);
  };
  const SustainedResult result =
      DecodeSustained(*l.session, prefill.first_token, sustained);
  AddSustainedSamples(prompt.size(), prefill.prefill_s, result.run, s);
  r.monitor = SummarizeCaseMonitor(
      result.monitor, result.monitor.package_energy_j, result.run.tokens);
  // Too short a series (a stop) has no analysis, only its sample count,
  // as a report reader leaves it.
  reports::ThrottleAnalysis analysis;
  analysis.n_samples = result.series.size();
  r.throttle =
      reports::CaseThrottle{result.run.duration_s, kSustainedIntervalS,
                            result.series, result.analysis.value_or(analysis)};
  return !result.run.stopped;
}

// Warm-up runs, then repeated or sustained measured runs; fills `r`
// (abandoned when stopped).
void MeasureCase(const PlannedCase& planned, ModelFiles& files,
                 const CaseRunOptions& options, reports::CaseResult& r) {
  const Clock::time_point start = Clock::now();
  const ModelFile& file =
      files.Get(planned.spec.model, planned.format,
                planned.spec.format == kFileFormatMark, options.stop);
  r.spec.model_path = file.path;
  r.spec.model_sha256 = file.sha256;
  Loaded l = LoadCase(planned, file.path, r.load_s);
  const std::vector<int32_t> prompt = PromptTokens(
      planned.spec.prompt_tokens, l.model->config.n_vocab, options.seed);
  const int64_t gen = planned.spec.gen_tokens;
  RunSamples warm, s;
  bool stopped = false;
  for (int i = 1; i <= options.policy.warmup_runs && !stopped; ++i) {
    stopped = !RunOnce(*l.session, prompt, gen, options, warm);
    if (!stopped)
      ReportProgress(options, i, true, s, Seconds(start, Clock::now()));
  }
  if (!stopped) {
    stopped = options.policy.sustained_decode_s > 0
                  ? !SustainRun(l, prompt, options, start, s, r)
                  : !RepeatRuns(l, prompt, gen, options, start, s, r);
  }
  MarkEnd(stopped, options, r);
  r.decode_step_ms = s.step_ms;
  r.metrics = MetricsOf(s);
}

}  // namespace

reports::CaseSpec SpecOf(const PlannedCase& planned) {
  const Case& c = planned.spec;
  reports::CaseSpec spec;
  spec.id = c.id;
  spec.model = c.model;
  spec.format = planned.format.empty() ? c.format : planned.format;
  spec.variant = planned.variant.empty() ? c.variant : planned.variant;
  spec.threads = planned.n_threads > 0 ? planned.n_threads : c.threads;
  spec.placement = c.placement;
  spec.cpus = planned.cpus;
  spec.kv_type = c.kv_type;
  spec.prompt_tokens = c.prompt_tokens;
  spec.gen_tokens = c.gen_tokens;
  return spec;
}

reports::CaseResult RunCase(const PlannedCase& planned, ModelFiles& files,
                            const CaseRunOptions& options) {
  reports::CaseResult r;
  r.spec = SpecOf(planned);
  r.warmup_runs = options.policy.warmup_runs;
  if (!planned.runnable) {
    r.status = reports::CaseStatus::kSkipped;
    r.reason = planned.skip_reason;
    return r;
  }
  try {
    MeasureCase(planned, files, options, r);
  } catch (const MakingStopped&) {
    r.status = reports::CaseStatus::kAbandoned;
    r.reason = options.stop_reason ? options.stop_reason() : "stopped";
  } catch (const std::exception& e) {
    r.status = reports::CaseStatus::kFailed;
    r.reason = e.what();
  }
  return r;
}

}  // namespace lapbench::harness
