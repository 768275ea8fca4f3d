// `lapbench kernels --list` and `lapbench check`: the kernel registry.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "harness/commands.h"
#include "kernels/check.h"
#include "kernels/registry.h"

namespace lapbench::harness {
namespace {

// The formats whose entry in `table` is set, as "f32 f16 q4_0".
template <typename Table>
std::string CoveredFormats(const Table& table, bool weight_formats) {
  std::string names;
  for (const kernels::FormatInfo& info : kernels::AllFormats()) {
    if (info.is_weight_format != weight_formats && weight_formats) continue;
    if (table[kernels::Slot(info.format)] == nullptr) continue;
    if (!names.empty()) names += ' ';
    names += info.name;
  }
  return names.empty() ? "-" : names;
}

std::string OtherOperators(const kernels::KernelSet& k) {
  std::string names;
  auto add = [&names](bool present, std::string_view name) {
    if (!present) return;
    if (!names.empty()) names += ' ';
    names += name;
  };
  add(k.rms_norm, "rms_norm");
  add(k.rope, "rope");
  add(k.softmax, "softmax");
  add(k.gelu, "gelu");
  add(k.silu, "silu");
  add(k.mul, "mul");
  add(k.add, "add");
  add(k.attention, "attention");
  return names.empty() ? "-" : names;
}

std::string Availability(const kernels::Variant& variant,
                         const probes::CpuFeatures& cpu) {
  std::vector<probes::CpuFeature> missing =
      kernels::MissingFeatures(variant, cpu);
  if (missing.empty()) return "yes";
  std::string names;
  for (probes::CpuFeature f : missing) {
    names += names.empty() ? "" : ", ";
    names += probes::CpuFeatureName(f);
  }
  return "no (this CPU lacks " + names + ")";
}

int ListKernels() {
  probes::CpuFeatures cpu = probes::DetectCpuFeatures();
  for (const kernels::Variant& v : kernels::AllVariants()) {
    std::string required;
    for (probes::CpuFeature f : v.required) {
      required += required.empty() ? "" : " ";
      required += probes::CpuFeatureName(f);
    }
    fmt::print("{}\n  {}\n", v.name, v.description);
    fmt::print("  requires:     {}\n", required.empty() ? "-" : required);
    fmt::print("  runs here:    {}\n", Availability(v, cpu));
    fmt::print("  matvec:       {}\n", CoveredFormats(v.kernels->matvec, true));
    fmt::print("  matmul:       {}\n", CoveredFormats(v.kernels->matmul, true));
    fmt::print("  quantize_act: {}\n",
               CoveredFormats(v.kernels->quantize_act, false));
    fmt::print("  operators:    {}\n\n", OtherOperators(*v.kernels));
  }
  const kernels::Variant& best =
      kernels::BestVariant(kernels::Format::kQ4_0, probes::DetectCpuFeatures());
  fmt::print("best variant here for q4_0: {}\n", best.name);
  return kExitOk;
}

struct CheckArgs {
  std::string variant;
  uint64_t seed = kernels::CheckOptions{}.seed;
};

int RunCheck(const CheckArgs& args) {
  kernels::CheckOptions options;
  options.variant = args.variant;
  options.seed = args.seed;
  std::vector<kernels::CheckRow> rows =
      kernels::RunChecks(probes::DetectCpuFeatures(), options);
  bool failed = kernels::WriteCheckTable(rows, std::cout);
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

void AddKernelsCommand(CLI::App& app, CommandAction& action) {
  auto list = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "kernels", "Show the kernel variants and which this CPU can run");
  cmd->add_flag("--list", *list, "List every variant with its coverage");
  cmd->callback([&action] { action = [] { return ListKernels(); }; });
}

void AddCheckCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Check every kernel variant against ref; exit 1 on failure");
  cmd->add_option("--variant", args->variant,
                  "Check only this variant (ref, avx2, avx512, onednn)");
  cmd->add_option("--seed", args->seed, "Seed of the random test data");
  cmd->callback(
      [args, &action] { action = [args] { return RunCheck(*args); }; });
}

}  // namespace lapbench::harness
