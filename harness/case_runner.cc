// Measuring one planned case.
#include "harness/case_runner.h"

#include <algorithm>
#include <exception>
#include <numeric>
#include <utility>
#include <vector>

#include "engine/model/gguf_source.h"
#include "engine/rss.h"
#include "engine/thread_pool.h"
#include "harness/engine_choice.h"
#include "harness/model_prep.h"
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

// One run: reset, prefill, decode; false when a stop request cut it short.
bool RunOnce(engine::Session& session, const std::vector<int32_t>& prompt,
             int64_t gen, const CaseRunOptions& options, RunSamples& s) {
  session.Reset();
  engine::ResetPeakRss();
  if (options.stop && options.stop()) return false;
  const TimedPrefillResult prefill = TimedPrefill(session, prompt);
  std::vector<double> step_s;
  if (!TimedDecode(session, prefill.first_token, gen, step_s, options.stop)) {
    return false;
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
  const std::vector<double> sorted = reports::SortedFinite(ms);
  s.p50_ms.push_back(reports::Percentile(sorted, 0.5));
  s.p90_ms.push_back(reports::Percentile(sorted, 0.9));
  s.p99_ms.push_back(reports::Percentile(sorted, 0.99));
  s.max_ms.push_back(sorted.back());
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

// Warm-up and measured runs; fills `r` (abandoned when stopped).
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
  for (int rep = 1; !stopped; ++rep) {
    stopped = !RunOnce(*l.session, prompt, gen, options, s);
    if (stopped) break;
    const double elapsed_s = Seconds(start, Clock::now());
    ReportProgress(options, rep, false, s, elapsed_s);
    if (Enough(s, options, elapsed_s)) break;
  }
  r.status = stopped ? reports::CaseStatus::kAbandoned
                     : reports::CaseStatus::kMeasured;
  if (stopped) {
    r.reason = options.stop_reason ? options.stop_reason() : "stopped";
  }
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
