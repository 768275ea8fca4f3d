// The forward pass against a float64 reference, across formats, threads,
// and prefill/decode splits, for tiny llama, gemma3 and gemma4 models.
#include "engine/model/forward.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/thread_pool.h"
#include "kernels/quantize.h"
#include "kernels/registry.h"
#include "probes/cpu_features.h"
#include "tests/engine/model/reference_forward.h"
#include "tests/engine/model/test_model.h"

namespace lapbench::engine {
namespace {

using kernels::Format;
using testing::WeightMap;

// Prompt length: three times the 4-token sliding window.
constexpr int64_t kPromptTokens = 12;

// F32 weights and cache against float64, logits of RMS ~1: the engine
// rounds every activation to float (6e-8 relative) through ~30 operators
// per layer; measured worst 4.7e-6 (gemma4, avx512), so 2e-5 leaves 4x.
constexpr double kF32Tolerance = 2e-5;

struct Model {
  ModelConfig config;
  WeightMap floats;
  testing::MemoryTensors tensors;
  ModelWeights weights;
};

std::unique_ptr<Model> MakeModel(const ModelConfig& config, Format format) {
  auto m = std::make_unique<Model>();
  m->config = config;
  m->floats = testing::MakeRandomWeights(config, 42);
  m->tensors = testing::Encode(m->floats, format);
  m->weights = BindWeights(m->config, m->tensors);
  return m;
}

// Logits [n_tokens][n_vocab] of a prefill of `tokens`.
std::vector<float> EngineLogits(const Model& m, const kernels::Variant& v,
                                int n_threads, Format kv_format,
                                const std::vector<int32_t>& tokens) {
  ThreadPool pool({}, n_threads);
  SessionOptions options;
  options.n_ctx = 64;
  options.n_batch = static_cast<int64_t>(tokens.size());
  options.all_logits = true;
  options.kv_format = kv_format;
  Session session(m.config, m.weights, v, pool, options);
  const std::span<const float> logits = session.Prefill(tokens, Logits::kAll);
  return {logits.begin(), logits.end()};
}

std::vector<double> ReferenceLogits(const Model& m,
                                    const std::vector<int32_t>& tokens) {
  testing::ReferenceModel ref(m.config, m.floats);
  std::vector<double> all;
  for (const int32_t t : tokens) {
    const std::vector<double> logits = ref.Step(t);
    all.insert(all.end(), logits.begin(), logits.end());
  }
  return all;
}

template <typename A, typename B>
double MaxAbsDiff(const A& a, const B& b) {
  REQUIRE(a.size() == b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(double{a[i]} - double{b[i]}));
  return worst;
}

template <typename A, typename B>
double RelRmsDiff(const A& a, const B& b) {
  REQUIRE(a.size() == b.size());
  double ss = 0, ref = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = double{a[i]} - double{b[i]};
    ss += d * d;
    ref += double{b[i]} * double{b[i]};
  }
  return std::sqrt(ss / ref);
}

template <typename A>
double Rms(const A& a) {
  double ss = 0;
  for (const auto v : a) ss += double{v} * double{v};
  return std::sqrt(ss / static_cast<double>(a.size()));
}

// `weights` with every matrix rounded through `format` and back.
WeightMap Dequantized(WeightMap weights, Format format) {
  for (auto& [name, t] : weights) {
    if (!t.is_matrix) continue;
    const int64_t cols = t.dims[0];
    std::vector<uint8_t> row(kernels::RowBytes(format, cols));
    for (size_t r = 0; r < t.values.size() / static_cast<size_t>(cols); ++r) {
      float* values = t.values.data() + r * static_cast<size_t>(cols);
      kernels::QuantizeRow(format, values, row.data(), cols);
      kernels::DequantizeRow(format, row.data(), values, cols);
    }
  }
  return weights;
}

ModelConfig ConfigNamed(const std::string& name) {
  if (name == "llama") return testing::TinyLlama();
  if (name == "gemma3") return testing::TinyGemma3();
  return testing::TinyGemma4();
}

// The variants to test: ref, and the best this CPU runs if different.
std::vector<const kernels::Variant*> VariantsToTest() {
  std::vector<const kernels::Variant*> variants = {
      &kernels::FindVariant("ref")};
  const kernels::Variant& best =
      kernels::BestVariant(Format::kQ4_K, probes::DetectCpuFeatures());
  if (best.name != "ref") variants.push_back(&best);
  return variants;
}

TEST_CASE("Engine logits match the float64 reference at every position",
          "[engine][model][forward]") {
  for (const std::string arch : {"llama", "gemma3", "gemma4"}) {
    for (const kernels::Variant* v : VariantsToTest()) {
      INFO(arch << " with variant " << v->name);
      const auto m = MakeModel(ConfigNamed(arch), Format::kF32);
      const auto tokens = testing::Prompt(kPromptTokens, m->config.n_vocab);
      const auto engine = EngineLogits(*m, *v, 2, Format::kF32, tokens);
      const auto ref = ReferenceLogits(*m, tokens);
      CHECK(MaxAbsDiff(engine, ref) < kF32Tolerance);
    }
  }
}

// Tolerances on the relative RMS error of all logits (|a - b| / |b| over
// the prompt), each about twice the worst measured over the three tiny
// models and the ref and avx512 variants. The random weights have no
// outliers, so every 4-bit step is as coarse as it gets.
struct FormatTolerance {
  Format format;
  // Against the float64 reference run on the same weights rounded through
  // the format: only the activation rounding (F16, BF16 or Q8) remains.
  double vs_dequantized;
  // Against the engine on the F32 weights: the format's full cost.
  double vs_f32;
};
constexpr FormatTolerance kFormatTolerances[] = {
    {Format::kF16, 0.0025, 0.006},  // measured 0.0012, 0.0026 (gemma4)
    {Format::kBf16, 0.02, 0.025},   // measured 0.009, 0.012
    {Format::kQ8_0, 0.06, 0.06},    // measured 0.030, 0.029
    {Format::kQ6_K, 0.09, 0.22},    // measured 0.044, 0.110
    {Format::kQ4_K, 0.07, 0.6},     // measured 0.033, 0.305
    {Format::kQ4_0, 0.075, 0.75},   // measured 0.037, 0.388
};

TEST_CASE("Quantized weights stay within their format's tolerance",
          "[engine][model][forward][formats]") {
  for (const std::string arch : {"llama", "gemma3", "gemma4"}) {
    const auto f32 = MakeModel(ConfigNamed(arch), Format::kF32);
    const auto tokens = testing::Prompt(kPromptTokens, f32->config.n_vocab);
    for (const kernels::Variant* v : VariantsToTest()) {
      const auto base = EngineLogits(*f32, *v, 2, Format::kF32, tokens);
      for (const FormatTolerance& tol : kFormatTolerances) {
        INFO(arch << ", " << v->name << ", " << kernels::Info(tol.format).name);
        const auto m = MakeModel(ConfigNamed(arch), tol.format);
        const auto logits = EngineLogits(*m, *v, 2, Format::kF32, tokens);
        Model rounded;
        rounded.config = m->config;
        rounded.floats = Dequantized(m->floats, tol.format);
        CHECK(RelRmsDiff(logits, ReferenceLogits(rounded, tokens)) <
              tol.vs_dequantized);
        CHECK(RelRmsDiff(logits, base) < tol.vs_f32);
      }
    }
  }
}

// An F16 cache rounds K and V to 11 significant bits; measured worst
// relative RMS error 0.0015 (gemma4), bound 0.004.
constexpr double kF16CacheTolerance = 0.004;

TEST_CASE("An F16 KV cache stays close to an F32 one",
          "[engine][model][forward]") {
  for (const std::string arch : {"llama", "gemma3", "gemma4"}) {
    INFO(arch);
    const auto m = MakeModel(ConfigNamed(arch), Format::kF32);
    const auto tokens = testing::Prompt(kPromptTokens, m->config.n_vocab);
    const kernels::Variant& ref = kernels::FindVariant("ref");
    const auto f32 = EngineLogits(*m, ref, 1, Format::kF32, tokens);
    const auto f16 = EngineLogits(*m, ref, 1, Format::kF16, tokens);
    CHECK(RelRmsDiff(f16, f32) < kF16CacheTolerance);
    CHECK(RelRmsDiff(f16, f32) > 0.0);  // the cache really was F16
  }
}

TEST_CASE("1, 2 and 3 threads give identical logits",
          "[engine][model][forward][threads]") {
  // Exact: every output row and attention head is computed whole by one
  // worker with the same code, and row splits fall on multiples of 16.
  for (const std::string arch : {"llama", "gemma3", "gemma4"}) {
    for (const kernels::Variant* v : VariantsToTest()) {
      INFO(arch << " with variant " << v->name);
      const auto m = MakeModel(ConfigNamed(arch), Format::kQ4_K);
      const auto tokens = testing::Prompt(kPromptTokens, m->config.n_vocab);
      const auto one = EngineLogits(*m, *v, 1, Format::kF16, tokens);
      CHECK(EngineLogits(*m, *v, 2, Format::kF16, tokens) == one);
      CHECK(EngineLogits(*m, *v, 3, Format::kF16, tokens) == one);
    }
  }
}

// Decode uses matrix-vector products where prefill uses matrix-matrix
// ones; the kernels' contract is the same sum, but their accumulation
// order may differ: measured worst 2e-6, bound 2e-5 (as kF32Tolerance).
TEST_CASE("Decode after prefill gives the logits of a longer prefill",
          "[engine][model][forward]") {
  for (const std::string arch : {"llama", "gemma3", "gemma4"}) {
    for (const kernels::Variant* v : VariantsToTest()) {
      INFO(arch << " with variant " << v->name);
      const auto m = MakeModel(ConfigNamed(arch), Format::kF32);
      const auto tokens = testing::Prompt(kPromptTokens, m->config.n_vocab);
      const auto full = EngineLogits(*m, *v, 2, Format::kF32, tokens);

      // Prefill 5 tokens in chunks of 3, then decode the other 7.
      ThreadPool pool({}, 2);
      SessionOptions options;
      options.n_ctx = 16;
      options.n_batch = 3;
      options.kv_format = Format::kF32;
      Session session(m->config, m->weights, *v, pool, options);
      const size_t n_vocab = static_cast<size_t>(m->config.n_vocab);
      auto last = session.Prefill(std::span(tokens).first(5));
      CHECK(MaxAbsDiff(std::vector<float>(last.begin(), last.end()),
                       std::vector<float>(full.begin() + 4 * n_vocab,
                                          full.begin() + 5 * n_vocab)) <
            kF32Tolerance);
      for (size_t t = 5; t < tokens.size(); ++t) {
        const auto step = session.Decode(tokens[t]);
        CHECK(MaxAbsDiff(std::vector<float>(step.begin(), step.end()),
                         std::vector<float>(full.begin() + t * n_vocab,
                                            full.begin() + (t + 1) * n_vocab)) <
              kF32Tolerance);
      }
      CHECK(session.position() == kPromptTokens);
    }
  }
}

TEST_CASE("A session refuses bad tokens, a full context and bad requests",
          "[engine][model][forward][errors]") {
  const auto m = MakeModel(testing::TinyLlama(), Format::kF32);
  ThreadPool pool({}, 1);
  SessionOptions options;
  options.n_ctx = 4;
  options.n_batch = 2;
  Session session(m->config, m->weights, kernels::FindVariant("ref"), pool,
                  options);
  CHECK_THROWS_WITH(session.Decode(96),
                    "token id out of range: '96' (expected 0 to 95)");
  CHECK_THROWS_AS(session.Decode(-1), SessionError);
  const std::vector<int32_t> three = {1, 2, 3};
  CHECK_THROWS_WITH(session.Prefill(three, Logits::kAll),
                    Catch::Contains("cannot return logits of every token"));
  session.Prefill(three);
  session.Decode(4);
  CHECK_THROWS_WITH(session.Decode(5),
                    "context full: '4 + 1 tokens' (expected at most n_ctx = "
                    "4)");
  session.Reset();
  CHECK(session.position() == 0);
  CHECK(session.Decode(5).size() == 96);
}

}  // namespace
}  // namespace lapbench::engine
