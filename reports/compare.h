// `compare`: pairs the cases of a base and a new file of one kind, gives
// each metric of each pair a verdict (reports/regression.h), and renders
// the outcome as a Markdown table and as JUnit XML (docs/compare.md).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "reports/compare_input.h"
#include "reports/regression.h"

namespace lapbench::reports {

// A metric `compare` looks at, and which way is better.
struct CompareMetric {
  std::string name;  // "decode_tokens_per_s", "real_time", a counter
  Direction direction = Direction::kHigherIsBetter;
};

// What compare looks at without --metrics. Reports: decode and prefill
// tokens/s, TTFT and the p99 decode step latency. Google Benchmark:
// real_time.
std::vector<CompareMetric> DefaultCompareMetrics(BenchKind kind);

// The metrics named on the command line: "name", or "name:higher" /
// "name:lower" to say which way is better. Report metrics and real_time,
// cpu_time and rate counters ("_per_second", "_per_s", "_fraction") know
// their direction; any other counter needs the suffix. Throws
// CompareInputError on a name `base` and `new_file` do not have.
std::vector<CompareMetric> ParseCompareMetrics(
    std::span<const std::string> names, const BenchFile& base,
    const BenchFile& new_file);

// Throws CompareInputError unless both files are of one kind.
void CheckSameKind(const BenchFile& base, const BenchFile& new_file);

// Why two files should not be compared: each machine fact that differs
// ("cpu.brand: 'A' (base) vs 'B' (new)") and each paired case whose model
// file differs (model_sha256). Facts one file does not know are skipped.
std::vector<std::string> ComparabilityProblems(const BenchFile& base,
                                               const BenchFile& new_file);

// One metric of one paired case.
struct MetricRow {
  std::string case_name;
  CompareMetric metric;
  std::string unit;  // "ms" for Google Benchmark times, else empty
  int64_t n_base = 0;
  int64_t n_new = 0;
  Verdict verdict = Verdict::kTooFewSamples;
  // nullopt when one side has no sample at all.
  std::optional<Comparison> comparison;
  std::string reason;  // the comparison's reason, or why there is none
};

// A case that is paired but was not measured in one of the files.
struct UncomparedCase {
  std::string name;
  std::string reason;  // "base: skipped: ...; new: measured"
};

// Everything a comparison found.
struct CompareResult {
  BenchKind kind = BenchKind::kLapbenchReport;
  std::string base_path;
  std::string new_path;
  size_t n_base_cases = 0;
  size_t n_new_cases = 0;
  RegressionRule rule;
  std::vector<MetricRow> rows;  // base's case order, then metric order
  std::vector<UncomparedCase> not_measured;
  std::vector<std::string> only_in_base;
  std::vector<std::string> only_in_new;
  // Comparability problems that were allowed; verdicts are then reported
  // but cannot fail.
  std::vector<std::string> differences;
  // Regressions are reported and do not fail (--report-only, or files of
  // different machines allowed).
  bool report_only = false;
  size_t n_paired = 0;

  int64_t Count(Verdict verdict) const;
};

// Pairs the cases of `base` and `new_file` by name and compares each
// metric of each pair measured in both. A metric absent from both sides
// of a pair is left out; absent from one side it is too few samples.
// Throws CompareInputError when the files are of different kinds or a
// metric cannot be compared (a base median of 0).
CompareResult CompareBenchFiles(const BenchFile& base,
                                const BenchFile& new_file,
                                std::span<const CompareMetric> metrics,
                                const RegressionRule& rule);

// The outcome as Markdown: a header, one table row per MetricRow, the
// cases not compared and why, and a count of each verdict.
std::string CompareMarkdown(const CompareResult& result);

// The outcome as JUnit XML: one testsuite named after the file kind, a
// testcase per case and metric (classname: the case, name: the metric),
// <failure> for a regression, <skipped> for too few samples, and a
// skipped testcase for each case not compared.
std::string CompareJunitXml(const CompareResult& result);

}  // namespace lapbench::reports
