// What `lapbench compare` reads: a lapbench run report or Google Benchmark
// JSON, turned into named cases with samples per metric and the fields
// that identify the machine they were measured on.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report.h"

namespace lapbench::reports {

// A file `compare` cannot use: unreadable, not JSON, neither kind, or a
// field missing or of the wrong type. The message names the file and the
// field's path.
class CompareInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class BenchKind {
  kLapbenchReport,   // "schema": "lapbench.report/1"
  kGoogleBenchmark,  // "context" and "benchmarks", e.g. lapbench-kernels
};

// "lapbench report" or "Google Benchmark JSON".
std::string_view BenchKindName(BenchKind kind);

// One fact about the machine a file was measured on.
struct MachineField {
  std::string name;      // "cpu.brand", "num_cpus"
  nlohmann::json value;  // null when the file does not say
  // For numbers: the relative difference still taken as the same machine
  // (RAM the kernel reports moves a little between boots); 0 = exact.
  double tolerance = 0;
};

// One case of a file: what `compare` pairs and compares.
struct BenchCase {
  // The pairing key, also its name in the output: a report case's spec
  // ("tiny-llama/q4_0/avx2/threads:1/all/kv:f16/prompt:32/gen:16") or a
  // benchmark's name without its repetition or aggregate suffix.
  std::string name;
  // Samples by metric name, one per measured repetition, in file order.
  std::map<std::string, std::vector<double>> samples;
  // Why the case has no samples ("skipped: ...", "error: ..."); empty
  // when it was measured.
  std::string not_measured;
  std::string model_sha256;  // reports: the model file's; empty if unknown
  // Google Benchmark: the unit of real_time and cpu_time ("ms") and
  // seconds per unit; a report's metrics carry units in their names.
  std::string time_unit;
  double time_unit_s = 1;
};

// A whole file.
struct BenchFile {
  std::string path;
  BenchKind kind = BenchKind::kLapbenchReport;
  std::vector<MachineField> machine;
  std::vector<BenchCase> cases;  // in file order, names unique
};

// The pairing key of a report case: model (a .gguf path by its file
// name, so copies in different folders pair), format, variant, threads,
// placement, KV cache type, prompt and generation lengths.
std::string CaseKey(const CaseSpec& spec);

// A Google Benchmark run name without its "/repeats:N" part:
// "BM_X/repeats:5/real_time" -> "BM_X/real_time".
std::string BenchmarkBaseName(std::string_view run_name);

// The cases and machine of a report; a case named twice (two thread
// counts resolving to the same number) gets " (2)", " (3)"... appended.
BenchFile BenchFileFromReport(const Report& report, const std::string& path);

// The cases of Google Benchmark JSON: the entries with run_type
// "iteration" grouped by run name, one sample per repetition of
// real_time, cpu_time and every counter; aggregates are not samples.
// Throws CompareInputError naming the file and the bad field.
BenchFile BenchFileFromGoogleBenchmark(const nlohmann::json& json,
                                       const std::string& path);

// Either kind, told apart by its keys. Throws CompareInputError (or
// ReportError for a bad report) naming `path`.
BenchFile BenchFileFromJson(const nlohmann::json& json,
                            const std::string& path);

// Reads and parses the file at `path`, then BenchFileFromJson.
BenchFile LoadBenchFile(const std::string& path);

}  // namespace lapbench::reports
