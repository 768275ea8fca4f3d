// `lapbench compare BASE NEW`: a verdict per metric of each case two
// benchmark files share, as a Markdown table on stdout and optionally
// JUnit XML, with an exit status CI can act on (docs/compare.md).
#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/commands.h"
#include "reports/compare.h"

namespace lapbench::harness {
namespace {

struct CompareArgs {
  std::string base;
  std::string new_path;
  reports::RegressionRule rule;
  std::string junit_path;
  bool allow_different_machine = false;
  bool report_only = false;
  std::vector<std::string> metrics;
};

void CheckRule(const reports::RegressionRule& rule) {
  if (!(rule.alpha > 0 && rule.alpha < 1)) {
    throw std::invalid_argument(fmt::format(
        "--alpha: '{}' (expected a number between 0 and 1, such as 0.05)",
        rule.alpha));
  }
  if (!(rule.threshold >= 0)) {
    throw std::invalid_argument(
        fmt::format("--threshold: '{}' (expected a fraction >= 0, 0.05 for 5%)",
                    rule.threshold));
  }
}

// Refuses files that should not be compared, or warns when allowed.
void CheckComparable(const std::vector<std::string>& problems,
                     const CompareArgs& args) {
  if (problems.empty()) return;
  if (!args.allow_different_machine) {
    throw reports::CompareInputError(fmt::format(
        "'{}' and '{}' are not comparable: {} (expected files from one "
        "machine with the same model files; --allow-different-machine "
        "compares them anyway and only reports)",
        args.base, args.new_path, fmt::join(problems, "; ")));
  }
  for (const std::string& p : problems) {
    fmt::print(stderr, "lapbench: warn: compared although they differ: {}\n",
               p);
  }
  fmt::print(stderr,
             "lapbench: warn: the files are not comparable: regressions "
             "are reported and do not fail\n");
}

void WriteJunit(const reports::CompareResult& result, const std::string& path) {
  std::ofstream out(path);
  out << reports::CompareJunitXml(result);
  if (!out) {
    throw std::runtime_error(fmt::format(
        "--junit: '{}' (expected a file that can be written)", path));
  }
}

// 2 when nothing was compared, 1 for a regression unless report-only.
int CompareExitStatus(const reports::CompareResult& result) {
  if (result.rows.empty()) {
    fmt::print(stderr,
               "lapbench: error: nothing compared: no case of '{}' was "
               "measured in '{}' too (expected runs of the same cases)\n",
               result.base_path, result.new_path);
    return kExitBadInput;
  }
  const int64_t regressions = result.Count(reports::Verdict::kRegression);
  if (regressions == 0) return kExitOk;
  if (result.report_only) {
    fmt::print(stderr,
               "lapbench: info: {} regression(s), reported only (exit 0)\n",
               regressions);
    return kExitOk;
  }
  fmt::print(stderr, "lapbench: error: {} regression(s)\n", regressions);
  return kExitFailed;
}

int RunCompare(const CompareArgs& args) {
  CheckRule(args.rule);
  const reports::BenchFile base = reports::LoadBenchFile(args.base);
  const reports::BenchFile new_file = reports::LoadBenchFile(args.new_path);
  reports::CheckSameKind(base, new_file);
  const std::vector<reports::CompareMetric> metrics =
      args.metrics.empty()
          ? reports::DefaultCompareMetrics(base.kind)
          : reports::ParseCompareMetrics(args.metrics, base, new_file);
  const std::vector<std::string> problems =
      reports::ComparabilityProblems(base, new_file);
  CheckComparable(problems, args);

  reports::CompareResult result =
      reports::CompareBenchFiles(base, new_file, metrics, args.rule);
  result.differences = problems;
  result.report_only = args.report_only || !problems.empty();
  fmt::print("{}", reports::CompareMarkdown(result));
  std::fflush(stdout);
  if (!args.junit_path.empty()) WriteJunit(result, args.junit_path);
  return CompareExitStatus(result);
}

}  // namespace

void AddCompareCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare two runs (lapbench reports or Google Benchmark JSON): exit 1 "
      "on a regression, 2 on unusable input");
  cmd->add_option("base", args->base, "The baseline file")->required();
  cmd->add_option("new", args->new_path, "The file to judge")->required();
  cmd->add_option("--alpha", args->rule.alpha,
                  "Significance level of the Mann-Whitney test")
      ->capture_default_str();
  cmd->add_option("--threshold", args->rule.threshold,
                  "Smallest relative change of the median that counts "
                  "(0.05 = 5%)")
      ->capture_default_str();
  cmd->add_option("--junit", args->junit_path,
                  "Also write the verdicts as JUnit XML to FILE");
  cmd->add_flag("--allow-different-machine", args->allow_different_machine,
                "Compare files of different machines or model files "
                "(implies --report-only)");
  cmd->add_flag("--report-only", args->report_only,
                "Report regressions but exit 0 (still 2 on unusable input)");
  cmd->add_option("--metrics", args->metrics,
                  "Metrics to compare, NAME or NAME:higher/NAME:lower")
      ->delimiter(',')
      ->type_name("LIST");
  cmd->callback(
      [args, &action] { action = [args] { return RunCompare(*args); }; });
}

}  // namespace lapbench::harness
