// `lapbench model accuracy`: KL divergence and top-1 agreement of a model
// in one weight format against the same model in a reference format.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "harness/accuracy.h"
#include "harness/commands.h"
#include "harness/model_prep.h"

namespace lapbench::harness {
namespace {

int RunModelAccuracy(const AccuracyRequest& request) {
  const AccuracyResult result = MeasureAccuracy(request);
  fmt::print(stderr, "lapbench: info: {} against {}, variant {}\n",
             result.model_path, result.reference_path, result.variant);
  const engine::AccuracyFigures& f = result.figures;
  fmt::print("model:          {}\n", request.model);
  fmt::print("format:         {} (reference {})\n", request.format,
             request.reference);
  fmt::print("positions:      {} (token seed {})\n", f.n_positions,
             kAccuracyTokenSeed);
  fmt::print("mean KL:        {:.6g} nats\n", f.mean_kl);
  fmt::print("max KL:         {:.6g} nats\n", f.max_kl);
  fmt::print("top-1 agreement: {:.4f}\n", f.top1_agreement);
  return kExitOk;
}

}  // namespace

void AddModelAccuracyCommand(CLI::App& model, CommandAction& action) {
  auto request = std::make_shared<AccuracyRequest>();
  request->cache_dir = DefaultModelDir().string();
  CLI::App* cmd = model.add_subcommand(
      "accuracy",
      "KL divergence and top-1 agreement of a format against a reference");
  cmd->add_option("--model", request->model, "Preset name or .gguf file")
      ->required();
  cmd->add_option("--format", request->format, "File format measured")
      ->required();
  cmd->add_option("--ref", request->reference,
                  "Reference file format (f32 or f16)")
      ->check(CLI::IsMember({"f32", "f16"}, CLI::ignore_case));
  cmd->add_option("--tokens", request->n_tokens, "Positions compared")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--threads", request->threads, "Worker threads")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--variant", request->variant,
                  "Kernel variant (default: the best this CPU runs)");
  cmd->add_option("--seed", request->seed, "Seed of a preset's weights");
  cmd->add_option("--cache-dir", request->cache_dir,
                  "Where the model files are made and reused (default: "
                  "$XDG_CACHE_HOME/lapbench/models or "
                  "~/.cache/lapbench/models, shared with lapbench run)");
  cmd->callback([request, &action] {
    action = [request] { return RunModelAccuracy(*request); };
  });
}

}  // namespace lapbench::harness
