// Reading `compare`'s input: telling the two kinds apart, and a lapbench
// report's cases, keys and machine.
#include "reports/compare_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lapbench::reports {

using nlohmann::json;

namespace {

// The probe profile's fields that identify the machine
// (docs/probe-json.md): the CPU model and its core counts, and the RAM
// size, which the kernel reports a little differently between boots.
struct ProfileField {
  const char* pointer;
  double tolerance;
};
constexpr ProfileField kProfileIdentity[] = {
    {"/cpu/vendor", 0},
    {"/cpu/brand", 0},
    {"/cpu/family", 0},
    {"/cpu/model", 0},
    {"/cpu/n_physical_cores", 0},
    {"/cpu/n_logical_cpus", 0},
    {"/memory/total_bytes", 0.05},
};

std::vector<MachineField> ProfileIdentity(const json& machine) {
  std::vector<MachineField> fields;
  for (const ProfileField& f : kProfileIdentity) {
    const json::json_pointer pointer(f.pointer);
    std::string name = std::string(f.pointer + 1);
    std::replace(name.begin(), name.end(), '/', '.');
    const bool known = machine.is_object() && machine.contains(pointer);
    fields.push_back({name, known ? machine.at(pointer) : json(), f.tolerance});
  }
  return fields;
}

// A .gguf model by its file name; a preset by its name.
std::string ModelIdentity(const std::string& model) {
  if (!model.ends_with(".gguf")) return model;
  return std::filesystem::path(model).filename().string();
}

// Samples of every metric of a case that measured anything.
BenchCase CaseFromResult(const CaseResult& result) {
  BenchCase c;
  c.name = CaseKey(result.spec);
  c.model_sha256 = result.spec.model_sha256;
  if (result.status == CaseStatus::kSkipped ||
      result.status == CaseStatus::kFailed) {
    c.not_measured =
        fmt::format("{}: {}", CaseStatusName(result.status), result.reason);
    return c;
  }
  for (const MetricField& m : AllMetricFields()) {
    c.samples[m.name] = (result.metrics.*m.member).samples;
  }
  return c;
}

// Appends " (2)", " (3)"... to the second and later cases of one name.
void NumberRepeatedNames(std::vector<BenchCase>& cases) {
  std::map<std::string, int> seen;
  for (BenchCase& c : cases) {
    const int n = ++seen[c.name];
    if (n > 1) c.name += fmt::format(" ({})", n);
  }
}

// What a file that is neither kind looks like, for the message.
std::string KindMismatch(const json& json_file) {
  if (json_file.is_object() && json_file.contains("schema") &&
      json_file["schema"].is_string()) {
    return fmt::format("a '{}' file", json_file["schema"].get<std::string>());
  }
  return json_file.is_object()
             ? "an object without those keys"
             : fmt::format("a JSON {}", json_file.type_name());
}

}  // namespace

std::string_view BenchKindName(BenchKind kind) {
  return kind == BenchKind::kLapbenchReport ? "lapbench report"
                                            : "Google Benchmark JSON";
}

std::string CaseKey(const CaseSpec& spec) {
  return fmt::format("{}/{}/{}/threads:{}/{}/kv:{}/prompt:{}/gen:{}",
                     ModelIdentity(spec.model), spec.format, spec.variant,
                     spec.threads, spec.placement, spec.kv_type,
                     spec.prompt_tokens, spec.gen_tokens);
}

BenchFile BenchFileFromReport(const Report& report, const std::string& path) {
  BenchFile file;
  file.path = path;
  file.kind = BenchKind::kLapbenchReport;
  file.machine = ProfileIdentity(report.machine);
  for (const CaseResult& result : report.cases) {
    file.cases.push_back(CaseFromResult(result));
  }
  NumberRepeatedNames(file.cases);
  return file;
}

BenchFile BenchFileFromJson(const json& json_file, const std::string& path) {
  const bool object = json_file.is_object();
  if (object && json_file.contains("schema") &&
      json_file["schema"].is_string() &&
      json_file["schema"].get<std::string>().starts_with("lapbench.report/")) {
    try {
      return BenchFileFromReport(ReportFromJson(json_file), path);
    } catch (const ReportError& e) {
      throw CompareInputError(fmt::format("'{}': {}", path, e.what()));
    }
  }
  if (object && json_file.contains("benchmarks")) {
    try {
      return BenchFileFromGoogleBenchmark(json_file, path);
    } catch (const json::exception& e) {
      // A field of an unexpected type read with a default (run_type,
      // error_occurred, a cache's size).
      throw CompareInputError(
          fmt::format("'{}': {} (expected Google Benchmark JSON as version "
                      "1.7 writes it)",
                      path, e.what()));
    }
  }
  throw CompareInputError(fmt::format(
      "'{}' is {} (expected a lapbench report, \"schema\": \"{}\", or "
      "Google Benchmark JSON with \"context\" and \"benchmarks\")",
      path, KindMismatch(json_file), kReportSchema));
}

BenchFile LoadBenchFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw CompareInputError(
        fmt::format("cannot read '{}' (expected a readable JSON file)", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  json parsed;
  try {
    parsed = json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw CompareInputError(
        fmt::format("'{}' is not JSON: {} (expected a lapbench report or "
                    "Google Benchmark JSON)",
                    path, e.what()));
  }
  return BenchFileFromJson(parsed, path);
}

}  // namespace lapbench::reports
