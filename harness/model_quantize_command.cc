// `lapbench model quantize`: converts a float GGUF model into a format.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <string>

#include "engine/synth/quantize_model.h"
#include "harness/commands.h"

namespace lapbench::harness {
namespace {

struct QuantizeArgs {
  std::string input;
  std::string output;
  std::string format;
  bool pure = false;
  int n_threads = 0;
};

int RunQuantize(const QuantizeArgs& args) {
  const engine::FileFormat& format = engine::FindFileFormat(args.format);
  engine::QuantizeModelOptions options;
  options.pure = args.pure;
  options.n_threads = args.n_threads;
  options.progress = [](size_t index, size_t count,
                        const engine::TensorTypeChoice& c) {
    fmt::print(stderr, "\r[{}/{}] {:<40} {:<6}", index + 1, count, c.name,
               kernels::Info(c.format).name);
    if (index + 1 == count) fmt::print(stderr, "\n");
  };
  engine::QuantizedModel out =
      engine::QuantizeModel(args.input, args.output, format, options);
  std::map<std::string_view, int> counts;
  for (const auto& c : out.tensor_types) {
    ++counts[kernels::Info(c.format).name];
    if (!c.note.empty()) {
      fmt::print(stderr, "lapbench: warn: {}: {}\n", c.name, c.note);
    }
  }
  std::string histogram;
  for (const auto& [name, n] : counts) {
    histogram +=
        fmt::format("{}{} x {}", histogram.empty() ? "" : ", ", name, n);
  }
  fmt::print("model:      {}\n", out.path);
  fmt::print("format:     {}{}\n", format.name, args.pure ? " --pure" : "");
  fmt::print("types:      {}\n", histogram);
  fmt::print("size_bytes: {}\n", out.size_bytes);
  fmt::print("sha256:     {}\n", out.sha256);
  return kExitOk;
}

}  // namespace

void AddModelQuantizeCommand(CLI::App& model, CommandAction& action) {
  auto args = std::make_shared<QuantizeArgs>();
  CLI::App* cmd = model.add_subcommand(
      "quantize", "Convert an F32/F16/BF16 GGUF model into a format");
  cmd->add_option("input", args->input, "Float GGUF model")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("output", args->output, "Output GGUF file")->required();
  cmd->add_option("--format", args->format,
                  "File format: f32 f16 bf16 q8_0 q6_k q4_k_m q4_0")
      ->required();
  cmd->add_flag("--pure", args->pure,
                "Every matrix in the format's base type (llama-quantize "
                "--pure)");
  cmd->add_option("--threads", args->n_threads,
                  "Conversion threads (default: all)")
      ->check(CLI::Range(1, 1024));
  cmd->callback(
      [args, &action] { action = [args] { return RunQuantize(*args); }; });
}

}  // namespace lapbench::harness
