// Makes the two model files, runs both over the fixed tokens and compares.
#include "harness/accuracy.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "engine/model/forward.h"
#include "engine/model/gguf_source.h"
#include "engine/synth/model_maker.h"
#include "engine/synth/quantize_model.h"
#include "engine/thread_pool.h"
#include "harness/engine_choice.h"
#include "harness/model_files.h"

namespace lapbench::harness {
namespace fs = std::filesystem;
namespace {

uint64_t AccuracySplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Whether `target` exists and is at least as new as `source`.
bool UpToDate(const fs::path& target, const fs::path& source) {
  std::error_code ec;
  const auto target_time = fs::last_write_time(target, ec);
  if (ec) return false;
  const auto source_time = fs::last_write_time(source, ec);
  return !ec && target_time >= source_time;
}

// Runs `write(tmp)` and renames tmp to `path`; removes tmp on failure.
template <typename Write>
void WriteAtomically(const fs::path& path, Write&& write) {
  const fs::path tmp =
      path.string() + fmt::format(".tmp-{}", static_cast<long>(::getpid()));
  try {
    write(tmp.string());
    fs::rename(tmp, path);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

// The sorted union of both models' matrix formats.
std::vector<kernels::Format> UnionFormats(const engine::ModelWeights& a,
                                          const engine::ModelWeights& b) {
  std::vector<kernels::Format> formats = engine::MatrixFormats(a);
  for (const kernels::Format f : engine::MatrixFormats(b)) {
    if (std::find(formats.begin(), formats.end(), f) == formats.end()) {
      formats.push_back(f);
    }
  }
  return formats;
}

// Prefills the fixed tokens through both models chunk by chunk and
// compares each chunk's logits.
engine::AccuracyFigures CompareOverTokens(const engine::LoadedModel& ref,
                                          const engine::LoadedModel& fmt_model,
                                          const kernels::Variant& variant,
                                          const AccuracyRequest& request) {
  engine::ThreadPool pool({}, request.threads);
  engine::SessionOptions options;
  options.n_ctx = request.n_tokens;
  options.n_batch = std::min(request.n_tokens, request.n_batch);
  options.all_logits = true;
  engine::Session ref_session(ref.config, ref.weights, variant, pool, options);
  engine::Session fmt_session(fmt_model.config, fmt_model.weights, variant,
                              pool, options);

  const std::vector<int32_t> tokens =
      AccuracyTokens(request.n_tokens, ref.config.n_vocab);
  engine::AccuracyAccumulator accumulator;
  const auto batch = static_cast<size_t>(options.n_batch);
  for (size_t at = 0; at < tokens.size(); at += batch) {
    const std::span<const int32_t> chunk =
        std::span(tokens).subspan(at, std::min(batch, tokens.size() - at));
    accumulator.Add(ref_session.Prefill(chunk, engine::Logits::kAll),
                    fmt_session.Prefill(chunk, engine::Logits::kAll),
                    ref.config.n_vocab);
  }
  return accumulator.Figures();
}

}  // namespace

std::vector<int32_t> AccuracyTokens(int64_t n_tokens, int64_t n_vocab,
                                    uint64_t seed) {
  if (n_tokens < 0 || n_vocab < 1) {
    throw std::invalid_argument(fmt::format(
        "accuracy tokens: '{} tokens, n_vocab {}' (expected n_tokens >= 0 "
        "and n_vocab >= 1)",
        n_tokens, n_vocab));
  }
  std::vector<int32_t> tokens(static_cast<size_t>(n_tokens));
  for (int64_t i = 0; i < n_tokens; ++i) {
    const uint64_t draw = AccuracySplitMix64(seed + static_cast<uint64_t>(i));
    tokens[static_cast<size_t>(i)] =
        static_cast<int32_t>(draw % static_cast<uint64_t>(n_vocab));
  }
  return tokens;
}

std::vector<float> FixedSequenceLogits(const engine::LoadedModel& model,
                                       const kernels::Variant& variant,
                                       engine::ThreadPool& pool,
                                       int64_t n_tokens, int64_t n_batch,
                                       const std::function<bool()>& stop) {
  if (n_tokens < 1 || n_batch < 1) {
    throw std::invalid_argument(fmt::format(
        "accuracy logits: '{} tokens, n_batch {}' (expected both >= 1)",
        n_tokens, n_batch));
  }
  engine::SessionOptions options;
  options.n_ctx = n_tokens;
  options.n_batch = std::min(n_tokens, n_batch);
  options.all_logits = true;
  engine::Session session(model.config, model.weights, variant, pool, options);
  const std::vector<int32_t> tokens =
      AccuracyTokens(n_tokens, model.config.n_vocab);
  std::vector<float> logits;
  logits.reserve(tokens.size() * static_cast<size_t>(model.config.n_vocab));
  const auto batch = static_cast<size_t>(options.n_batch);
  for (size_t at = 0; at < tokens.size(); at += batch) {
    if (stop && stop()) throw AccuracyStopped("accuracy pass stopped");
    const std::span<const float> chunk = session.Prefill(
        std::span(tokens).subspan(at, std::min(batch, tokens.size() - at)),
        engine::Logits::kAll);
    logits.insert(logits.end(), chunk.begin(), chunk.end());
  }
  return logits;
}

std::string ModelFileFor(const std::string& model, const std::string& format,
                         const std::string& cache_dir, uint64_t seed) {
  const engine::FileFormat& file_format = engine::FindFileFormat(format);
  if (!std::string_view(model).ends_with(".gguf")) {
    return EnsureSyntheticModel(cache_dir, model, format, seed);
  }
  if (!fs::exists(model)) {
    throw std::runtime_error(fmt::format(
        "model file: '{}' (expected an existing .gguf file)", model));
  }
  const fs::path path =
      fs::path(cache_dir) / fmt::format("{}-{}.gguf",
                                        fs::path(model).stem().string(),
                                        file_format.name);
  if (UpToDate(path, model)) return path.string();
  fs::create_directories(cache_dir);
  WriteAtomically(path, [&](const std::string& tmp) {
    engine::QuantizeModel(model, tmp, file_format);
  });
  return path.string();
}

AccuracyResult MeasureAccuracy(const AccuracyRequest& request) {
  if (request.n_tokens < 1 || request.n_batch < 1 ||
      request.cache_dir.empty()) {
    throw std::invalid_argument(fmt::format(
        "accuracy request: '{} tokens, n_batch {}, cache dir \"{}\"' "
        "(expected at least 1 token, n_batch >= 1 and a cache directory)",
        request.n_tokens, request.n_batch, request.cache_dir));
  }
  AccuracyResult result;
  result.reference_path = ModelFileFor(request.model, request.reference,
                                       request.cache_dir, request.seed);
  result.model_path = ModelFileFor(request.model, request.format,
                                   request.cache_dir, request.seed);
  const auto ref = engine::LoadModel(result.reference_path);
  const auto fmt_model = engine::LoadModel(result.model_path);
  if (ref->config.n_vocab != fmt_model->config.n_vocab) {
    throw std::runtime_error(fmt::format(
        "accuracy: '{} vs {} tokens of vocabulary' (expected the same model "
        "in both files)",
        ref->config.n_vocab, fmt_model->config.n_vocab));
  }
  const kernels::Variant& variant = PickVariant(
      UnionFormats(ref->weights, fmt_model->weights), request.variant);
  result.variant = std::string(variant.name);

  result.figures = CompareOverTokens(*ref, *fmt_model, variant, request);
  return result;
}

}  // namespace lapbench::harness
