// `lapbench model eval`: one prefill of given token ids over a GGUF model,
// printing the argmax per position and optionally writing all logits.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/model/forward.h"
#include "engine/model/gguf_source.h"
#include "engine/model/sampler.h"
#include "engine/thread_pool.h"
#include "harness/commands.h"
#include "harness/engine_choice.h"
#include "kernels/registry.h"
#include "probes/cpu_features.h"

namespace lapbench::harness {
namespace {

struct ModelEvalArgs {
  std::string path;
  std::vector<int32_t> tokens;
  int threads = 1;
  std::string variant;  // empty: the best that covers every weight format
  std::string logits_path;
  std::string kv_format = "f16";
};

// Writes `logits` as raw little-endian float32 (the host order of every
// CPU lapbench runs on).
void WriteLogits(const std::string& path, std::span<const float> logits) {
  std::unique_ptr<FILE, int (*)(FILE*)> out(std::fopen(path.c_str(), "wb"),
                                            &std::fclose);
  if (!out || std::fwrite(logits.data(), sizeof(float), logits.size(),
                          out.get()) != logits.size()) {
    throw std::runtime_error(fmt::format(
        "cannot write logits: '{}' (expected a writable path)", path));
  }
}

int RunModelEval(const ModelEvalArgs& args) {
  // Load and bind the model; choose the variant.
  const auto model = engine::LoadModel(args.path);
  const kernels::Variant& variant =
      PickVariant(engine::MatrixFormats(model->weights), args.variant);
  const auto n = static_cast<int64_t>(args.tokens.size());

  // One prefill over all tokens, keeping every position's logits.
  engine::ThreadPool pool({}, args.threads);
  engine::SessionOptions options;
  options.n_ctx = n;
  options.n_batch = n;
  options.all_logits = true;
  options.kv_format = ParseKvFormat(args.kv_format);
  engine::Session session(model->config, model->weights, variant, pool,
                          options);
  const std::span<const float> logits =
      session.Prefill(args.tokens, engine::Logits::kAll);

  // Report: the argmax of every position; the raw logits if asked.
  fmt::print(stderr, "{}: {} layers, n_embd {}, n_vocab {}, variant {}\n",
             engine::ArchitectureName(model->config.arch),
             model->config.n_layers(), model->config.n_embd,
             model->config.n_vocab, variant.name);
  const auto n_vocab = static_cast<size_t>(model->config.n_vocab);
  fmt::print("pos\ttoken\targmax\tlogit\n");
  for (int64_t pos = 0; pos < n; ++pos) {
    const auto row =
        logits.subspan(static_cast<size_t>(pos) * n_vocab, n_vocab);
    const int32_t best = engine::Argmax(row);
    fmt::print("{}\t{}\t{}\t{:.6f}\n", pos,
               args.tokens[static_cast<size_t>(pos)], best,
               row[static_cast<size_t>(best)]);
  }
  if (!args.logits_path.empty()) WriteLogits(args.logits_path, logits);
  return kExitOk;
}

}  // namespace

void AddModelEvalCommand(CLI::App& model, CommandAction& action) {
  auto args = std::make_shared<ModelEvalArgs>();
  CLI::App* cmd = model.add_subcommand(
      "eval", "Run one prefill of token ids and print the argmax per position");
  cmd->add_option("--model", args->path, "GGUF model file")->required();
  cmd->add_option("--tokens", args->tokens, "Token ids, e.g. 1,2,3")
      ->required()
      ->delimiter(',');
  cmd->add_option("--threads", args->threads, "Worker threads")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--variant", args->variant,
                  "Kernel variant (default: the best this CPU runs)");
  cmd->add_option("--logits", args->logits_path,
                  "Write logits, positions x vocab, as raw float32 LE");
  cmd->add_option("--kv-format", args->kv_format, "KV cache format: f16, f32");
  cmd->callback(
      [args, &action] { action = [args] { return RunModelEval(*args); }; });
}

}  // namespace lapbench::harness
