// `lapbench model make`: writes a synthetic GGUF model of a preset.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "engine/synth/model_maker.h"
#include "harness/commands.h"

namespace lapbench::harness {
namespace {

struct MakeArgs {
  std::string preset;
  std::string format;
  uint64_t seed = 0;
  bool pure = false;
  int n_threads = 0;
  std::string output;
};

// "q4_0 x 337, q6_k x 1, f32 x 290": how many tensors got each type.
std::string TypeHistogram(const std::vector<engine::TensorTypeChoice>& types) {
  std::map<std::string_view, int> counts;
  for (const auto& c : types) ++counts[kernels::Info(c.format).name];
  std::string out;
  for (const auto& [name, n] : counts) {
    out += fmt::format("{}{} x {}", out.empty() ? "" : ", ", name, n);
  }
  return out;
}

void PrintProgress(size_t index, size_t count,
                   const engine::TensorTypeChoice& c) {
  fmt::print(stderr, "\r[{}/{}] {:<40} {:<6}", index + 1, count, c.name,
             kernels::Info(c.format).name);
  if (index + 1 == count) fmt::print(stderr, "\n");
}

int RunMake(const MakeArgs& args) {
  const engine::ModelPreset& preset = engine::FindPreset(args.preset);
  const engine::FileFormat& format = engine::FindFileFormat(args.format);
  engine::MakeModelOptions options;
  options.seed = args.seed;
  options.pure = args.pure;
  options.n_threads = args.n_threads;
  options.progress = PrintProgress;
  auto start = std::chrono::steady_clock::now();
  engine::MadeModel made =
      engine::MakeModel(preset, format, args.output, options);
  std::chrono::duration<double> elapsed_s =
      std::chrono::steady_clock::now() - start;
  for (const auto& c : made.tensor_types) {
    if (!c.note.empty()) {
      fmt::print(stderr, "lapbench: warn: {}: {}\n", c.name, c.note);
    }
  }
  fmt::print("model:      {}\n", made.path);
  fmt::print("preset:     {} ({} parameters)\n", preset.name, made.n_params);
  fmt::print("format:     {}{} (seed {})\n", format.name,
             args.pure ? " --pure" : "", args.seed);
  fmt::print("types:      {}\n", TypeHistogram(made.tensor_types));
  fmt::print("size_bytes: {}\n", made.size_bytes);
  fmt::print("sha256:     {}\n", made.sha256);
  fmt::print("duration_s: {:.1f}\n", elapsed_s.count());
  return kExitOk;
}

}  // namespace

void AddModelMakeCommand(CLI::App& model, CommandAction& action) {
  auto args = std::make_shared<MakeArgs>();
  CLI::App* cmd = model.add_subcommand(
      "make", "Write a synthetic GGUF model of a preset (seeded weights)");
  cmd->add_option("--preset", args->preset,
                  "Model preset, e.g. gemma4-12b, llama3.2-1b, tiny-gemma4")
      ->required();
  cmd->add_option("--format", args->format,
                  "File format: f32 f16 bf16 q8_0 q6_k q4_k_m q4_0")
      ->required();
  cmd->add_option("--seed", args->seed, "Seed of the weights");
  cmd->add_flag("--pure", args->pure,
                "Every matrix in the format's base type (llama-quantize "
                "--pure)");
  cmd->add_option("--threads", args->n_threads,
                  "Generation threads (default: all)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("-o,--output", args->output, "Output GGUF file")->required();
  cmd->callback(
      [args, &action] { action = [args] { return RunMake(*args); }; });
}

}  // namespace lapbench::harness
