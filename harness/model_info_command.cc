// `lapbench model info FILE`: what a GGUF file holds, as text or JSON.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/gguf/file_hash.h"
#include "engine/gguf/gguf.h"
#include "harness/commands.h"

namespace lapbench::harness {
namespace {

namespace gguf = engine::gguf;

struct ModelInfoArgs {
  std::string path;
  bool sha256 = false;
  bool json = false;
};

// Tensors, parameters and bytes of one tensor type in a file.
struct FormatTotals {
  uint32_t ggml_type = 0;
  std::string_view name;
  bool computed = false;  // lapbench has kernels for it
  int64_t n_tensors = 0;
  int64_t n_params = 0;
  uint64_t size_bytes = 0;
};

// Per-type totals, largest share of the file first.
std::vector<FormatTotals> TotalsByFormat(const gguf::GgufFile& file) {
  std::map<uint32_t, FormatTotals> by_type;
  for (const gguf::TensorInfo& t : file.tensors()) {
    FormatTotals& totals = by_type[t.type];
    totals.ggml_type = t.type;
    totals.name = gguf::FindGgmlType(t.type)->name;  // the reader checked
    totals.computed = t.format.has_value();
    totals.n_tensors += 1;
    totals.n_params += t.n_elems();
    totals.size_bytes += t.size_bytes;
  }
  std::vector<FormatTotals> out;
  for (const auto& [type, totals] : by_type) out.push_back(totals);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.size_bytes > b.size_bytes;
  });
  return out;
}

// The metadata records whose key starts with "<architecture>.".
std::vector<const gguf::KeyValue*> Hyperparameters(const gguf::GgufFile& file) {
  std::vector<const gguf::KeyValue*> out;
  if (file.architecture().empty()) return out;
  std::string prefix = std::string(file.architecture()) + ".";
  for (const gguf::KeyValue& kv : file.metadata()) {
    if (kv.key.starts_with(prefix)) out.push_back(&kv);
  }
  return out;
}

nlohmann::json ToJson(const gguf::Value& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, gguf::Array>) {
          nlohmann::json array = nlohmann::json::array();
          for (size_t i = 0; i < v.size(); ++i) {
            array.push_back(ToJson(v.At(i)));
          }
          return array;
        } else {
          return v;
        }
      },
      value.storage());
}

std::string HumanBytes(uint64_t bytes) {
  constexpr double kGiB = 1024.0 * 1024 * 1024;
  constexpr double kMiB = 1024.0 * 1024;
  constexpr double kKiB = 1024.0;
  if (bytes >= kGiB) return fmt::format("{:.2f} GiB", bytes / kGiB);
  if (bytes >= kMiB) return fmt::format("{:.2f} MiB", bytes / kMiB);
  return fmt::format("{:.1f} KiB", bytes / kKiB);
}

nlohmann::json InfoJson(const gguf::GgufFile& file,
                        const std::vector<FormatTotals>& formats) {
  nlohmann::json j;
  j["path"] = file.path();
  j["file_size_bytes"] = file.file_size_bytes();
  j["gguf_version"] = file.version();
  j["alignment"] = file.alignment();
  j["architecture"] = file.architecture();
  j["n_metadata_keys"] = file.metadata().size();
  j["n_tensors"] = file.tensors().size();
  int64_t n_params = 0;
  for (const FormatTotals& f : formats) n_params += f.n_params;
  j["n_params"] = n_params;
  j["hyperparameters"] = nlohmann::json::object();
  for (const gguf::KeyValue* kv : Hyperparameters(file)) {
    j["hyperparameters"][kv->key] = ToJson(kv->value);
  }
  j["formats"] = nlohmann::json::array();
  for (const FormatTotals& f : formats) {
    j["formats"].push_back({{"format", f.name},
                            {"ggml_type", f.ggml_type},
                            {"computed_by_lapbench", f.computed},
                            {"n_tensors", f.n_tensors},
                            {"n_params", f.n_params},
                            {"size_bytes", f.size_bytes}});
  }
  return j;
}

void PrintText(const gguf::GgufFile& file,
               const std::vector<FormatTotals>& formats) {
  fmt::print("file          {}\n", file.path());
  fmt::print("size          {} ({} bytes)\n",
             HumanBytes(file.file_size_bytes()), file.file_size_bytes());
  fmt::print("gguf version  {}\n", file.version());
  fmt::print("alignment     {} bytes\n", file.alignment());
  fmt::print("architecture  {}\n",
             file.architecture().empty() ? "-" : file.architecture());
  fmt::print("metadata      {} keys\n", file.metadata().size());
  fmt::print("tensors       {}\n", file.tensors().size());

  fmt::print("\nhyperparameters\n");
  for (const gguf::KeyValue* kv : Hyperparameters(file)) {
    fmt::print("  {:<48} {}\n", kv->key, kv->value.ToString());
  }

  fmt::print("\n  {:<8} {:>8} {:>16} {:>16}  {}\n", "format", "tensors",
             "parameters", "bytes", "lapbench");
  int64_t n_params = 0;
  for (const FormatTotals& f : formats) {
    fmt::print("  {:<8} {:>8} {:>16} {:>16}  {}\n", f.name, f.n_tensors,
               f.n_params, f.size_bytes, f.computed ? "yes" : "not computed");
    n_params += f.n_params;
  }
  fmt::print("  {:<8} {:>8} {:>16}\n", "total", file.tensors().size(),
             n_params);
}

int RunModelInfo(const ModelInfoArgs& args) {
  gguf::GgufFile file = gguf::GgufFile::Open(args.path);
  std::vector<FormatTotals> formats = TotalsByFormat(file);
  std::string sha256;
  if (args.sha256) sha256 = gguf::FileSha256Hex(args.path);
  if (args.json) {
    nlohmann::json j = InfoJson(file, formats);
    if (args.sha256) j["sha256"] = sha256;
    fmt::print("{}\n",
               j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kExitOk;
  }
  PrintText(file, formats);
  if (args.sha256) fmt::print("\nsha256        {}\n", sha256);
  return kExitOk;
}

}  // namespace

void AddModelInfoCommand(CLI::App& model, CommandAction& action) {
  auto args = std::make_shared<ModelInfoArgs>();
  CLI::App* cmd = model.add_subcommand(
      "info", "Show a GGUF file's architecture, hyperparameters and formats");
  cmd->add_option("FILE", args->path, "GGUF model file")->required();
  cmd->add_flag("--sha256", args->sha256,
                "Also hash the whole file (reads all of it)");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->callback(
      [args, &action] { action = [args] { return RunModelInfo(*args); }; });
}

}  // namespace lapbench::harness
