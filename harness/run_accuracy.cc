// Choosing each model's reference, running the fixed sequence through it
// once and through each format, and keeping the figures per format.
#include "harness/run_accuracy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <exception>
#include <system_error>

#include "engine/memory_plan.h"
#include "engine/model/gguf_source.h"
#include "engine/model/kv_cache.h"
#include "engine/thread_pool.h"
#include "harness/accuracy.h"
#include "harness/engine_choice.h"
#include "harness/model_facts.h"

namespace lapbench::harness {
namespace fs = std::filesystem;

namespace {

// Rows of logits the reference choice budgets for: the reference's and a
// format's kept arrays, plus one prefill chunk's (64 rows) while a pass
// runs.
constexpr uint64_t kLogitsChunkRows = 64;

// Free bytes on the disk holding `dir` (or its nearest existing parent).
std::optional<uint64_t> FreeDiskBytes(fs::path dir) {
  std::error_code ec;
  while (!dir.empty() && !fs::exists(dir, ec)) dir = dir.parent_path();
  const fs::space_info space = fs::space(dir.empty() ? "." : dir, ec);
  if (ec) return std::nullopt;
  return space.available;
}

// Whether `format`'s run of the accuracy pass fits in RAM; `why` says how
// short it is when not.
bool FitsInRam(const ModelFacts& facts, const ReferenceRoom& room,
               std::string& why) {
  if (!room.available_bytes) return true;
  const auto rows = 2 * static_cast<uint64_t>(room.n_tokens) + kLogitsChunkRows;
  engine::MemoryNeeds needs;
  needs.weights_bytes = facts.weights_bytes;
  needs.kv_bytes_per_token =
      engine::KvBytesPerToken(facts.config, kernels::Format::kF16);
  needs.n_ctx_tokens = room.n_tokens;
  needs.scratch_bytes =
      EstimateScratchBytes(facts.config, room.n_threads, room.n_tokens) +
      rows * static_cast<uint64_t>(facts.config.n_vocab) * sizeof(float);
  const engine::MemoryPlan plan =
      engine::PlanMemory(needs, *room.available_bytes);
  if (!plan.fits) why = plan.Message();
  return plan.fits;
}

}  // namespace

std::string ChooseReference(
    const std::string& preset, const ReferenceRoom& room,
    const std::function<bool(const std::string&)>& cached, std::string& why) {
  std::vector<std::string> refused;
  for (const char* format : kReferenceFormats) {
    const ModelFacts facts = DescribeModel(preset, format);
    std::string short_of;
    if (!FitsInRam(facts, room, short_of)) {
      refused.push_back(
          fmt::format("{} does not fit in RAM: {}", format, short_of));
      continue;
    }
    if (room.free_disk_bytes && facts.weights_bytes > *room.free_disk_bytes &&
        !cached(format)) {
      refused.push_back(fmt::format(
          "the {} file needs {} but the model cache's disk has {} free", format,
          engine::FormatSize(facts.weights_bytes),
          engine::FormatSize(*room.free_disk_bytes)));
      continue;
    }
    return format;
  }
  why = fmt::format("no reference fits: {}", fmt::join(refused, "; "));
  return {};
}

RunAccuracy::RunAccuracy(const Plan& plan, RunAccuracyOptions options)
    : options_(std::move(options)) {
  for (const PlannedCase& p : plan.cases) {
    if (!p.runnable || p.spec.format == kFileFormatMark) continue;
    std::vector<std::string>& formats = formats_[p.spec.model];
    if (std::find(formats.begin(), formats.end(), p.format) == formats.end()) {
      formats.push_back(p.format);
    }
  }
}

FormatAccuracy RunAccuracy::For(const PlannedCase& planned, ModelFiles& files) {
  if (!options_.enabled) {
    return {std::nullopt,
            "not measured: accuracy is off in the suite's policy"};
  }
  if (!planned.runnable) return {std::nullopt, "not measured: case skipped"};
  if (planned.spec.format == kFileFormatMark) {
    return {std::nullopt,
            "not measured: a .gguf model runs in its own format only, with "
            "no F32 version of its weights to compare against"};
  }
  const std::string key = planned.spec.model + "|" + planned.format;
  if (!known_.contains(key)) MeasureModel(planned.spec.model, files);
  return known_.at(key);
}

void RunAccuracy::NoteAll(const std::string& model, const std::string& note) {
  for (const std::string& format : formats_[model]) {
    known_[model + "|" + format] = {std::nullopt, note};
  }
}

namespace {

// The fixed sequence through `model` in `format`, its file made if needed.
PassLogits LogitsOf(const std::string& model, const std::string& format,
                    ModelFiles& files, const RunAccuracyOptions& options) {
  const ModelFile& file = files.Get(model, format, false, options.stop);
  const auto loaded = engine::LoadModel(file.path);
  const kernels::Variant& variant =
      PickVariant(engine::MatrixFormats(loaded->weights), "");
  engine::ThreadPool pool({}, options.n_threads);
  return {FixedSequenceLogits(*loaded, variant, pool, options.n_tokens, 64,
                              options.stop),
          loaded->config.n_vocab};
}

// "not measured: ..." for an exception out of a pass.
std::string FailureNote(const std::string& what) {
  return "not measured: " + what;
}

}  // namespace

void RunAccuracy::MeasureModel(const std::string& model, ModelFiles& files) {
  const ReferenceRoom room{options_.available_bytes,
                           FreeDiskBytes(files.cache_dir()), options_.n_threads,
                           options_.n_tokens};
  std::string why;
  const std::string ref = ChooseReference(
      model, room,
      [&](const std::string& f) {
        return fs::exists(files.cache_dir() / SyntheticModelName(model, f, 0));
      },
      why);
  if (ref.empty()) return NoteAll(model, FailureNote(why));
  PassLogits reference;
  try {
    Say(fmt::format("accuracy: {} in {} (the reference), {} tokens", model, ref,
                    options_.n_tokens));
    reference = LogitsOf(model, ref, files, options_);
  } catch (const std::exception& e) {
    return NoteAll(
        model, FailureNote(fmt::format("the {} reference: {}", ref, e.what())));
  }
  for (const std::string& format : formats_[model]) {
    known_[model + "|" + format] =
        format == ref
            ? FormatAccuracy{std::nullopt, "the reference format itself"}
            : CompareFormat(model, format, ref, reference, files);
  }
}

FormatAccuracy RunAccuracy::CompareFormat(const std::string& model,
                                          const std::string& format,
                                          const std::string& ref,
                                          const PassLogits& reference,
                                          ModelFiles& files) {
  try {
    Say(fmt::format("accuracy: {} in {} against {}", model, format, ref));
    const PassLogits pass = LogitsOf(model, format, files, options_);
    const engine::AccuracyFigures f =
        engine::CompareLogits(reference.logits, pass.logits, pass.n_vocab);
    return {reports::CaseAccuracy{ref, f.n_positions, f.mean_kl, f.max_kl,
                                  f.top1_agreement},
            ""};
  } catch (const std::exception& e) {
    return {std::nullopt, FailureNote(e.what())};
  }
}

void RunAccuracy::Say(const std::string& line) const {
  if (options_.note) options_.note(line);
}

}  // namespace lapbench::harness
