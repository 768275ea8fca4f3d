// `lapbench table`: reports from many machines merged into comparison
// tables, one per model file and suite, a row per machine.
#include <fmt/format.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/commands.h"
#include "reports/machine_table.h"
#include "reports/report_inputs.h"

namespace lapbench::harness {
namespace {

struct TableArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> metrics = {"decode", "prefill", "ttft", "ratio",
                                      "jpt"};
  std::string model;
  std::string format;
  std::string sort = "decode";
  std::string output = "md";
  bool all_groups = false;
  bool per_report = false;
};

std::string TableMetricChoices() {
  std::string names;
  for (reports::TableMetric m : reports::AllTableMetrics()) {
    names +=
        (names.empty() ? "" : ", ") + std::string(reports::TableMetricName(m));
  }
  return names;
}

reports::TableMetric TableMetricFromFlag(const std::string& flag,
                                         const std::string& name) {
  std::optional<reports::TableMetric> m = reports::ParseTableMetric(name);
  if (!m) {
    throw std::runtime_error(fmt::format("{}: '{}' (expected one of {})", flag,
                                         name, TableMetricChoices()));
  }
  return *m;
}

reports::TableOptions TableOptionsFrom(const TableArgs& args) {
  reports::TableOptions options;
  options.metrics.clear();
  for (const std::string& name : args.metrics) {
    options.metrics.push_back(TableMetricFromFlag("--metrics", name));
  }
  options.sort = TableMetricFromFlag("--sort", args.sort);
  options.row_per_report = args.per_report;
  return options;
}

reports::TableOutput TableOutputFrom(const std::string& name) {
  if (name == "md") return reports::TableOutput::kMarkdown;
  if (name == "csv") return reports::TableOutput::kCsv;
  if (name == "html") return reports::TableOutput::kHtml;
  throw std::runtime_error(
      fmt::format("--output: '{}' (expected md, csv or html)", name));
}

std::string TableGroupList(const std::vector<reports::TableGroup>& groups) {
  std::string list;
  for (const reports::TableGroup& g : groups) {
    list += fmt::format("  {} ({} machine{})\n", g.Title(), g.rows.size(),
                        g.rows.size() == 1 ? "" : "s");
  }
  return list;
}

std::string TableGroupTitles(const std::vector<reports::TableGroup>& groups) {
  std::string titles;
  for (const reports::TableGroup& g : groups) {
    titles += (titles.empty() ? "" : "; ") + g.Title();
  }
  return titles;
}

// The groups to print: every one with --all, those matching --model and
// --format when either is given, else the one measured on the most
// machines (the others are listed on stderr).
std::vector<reports::TableGroup> ChooseTableGroups(
    std::vector<reports::TableGroup> groups, const TableArgs& args) {
  if (groups.empty()) {
    throw std::runtime_error(
        "no measured case in the reports (expected at least one case with "
        "status 'measured')");
  }
  if (args.all_groups) return groups;
  if (!args.model.empty() || !args.format.empty()) {
    auto chosen = reports::SelectTableGroups(groups, args.model, args.format);
    if (chosen.empty()) {
      throw std::runtime_error(fmt::format(
          "no group matches --model '{}' --format '{}' (expected one of: {})",
          args.model, args.format, TableGroupTitles(groups)));
    }
    return chosen;
  }
  reports::TableGroup widest = reports::WidestTableGroup(groups);
  if (groups.size() > 1) {
    fmt::print(stderr,
               "lapbench: info: the reports hold {} groups:\n{}showing {}; "
               "choose with --model/--format, or --all\n",
               groups.size(), TableGroupList(groups), widest.Title());
  }
  return {std::move(widest)};
}

int RunTable(const TableArgs& args) {
  const reports::TableOptions options = TableOptionsFrom(args);
  const reports::TableOutput output = TableOutputFrom(args.output);
  std::vector<std::string> warnings;
  const std::vector<reports::SourcedReport> loaded =
      reports::FindAndLoadReports(args.inputs, warnings);
  for (const std::string& w : warnings) {
    fmt::print(stderr, "lapbench: warning: {}\n", w);
  }
  const std::vector<reports::TableGroup> groups =
      ChooseTableGroups(reports::BuildTableGroups(loaded, options), args);
  fmt::print("{}", reports::RenderTables(groups, options.metrics, output));
  return kExitOk;
}

}  // namespace

void AddTableCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<TableArgs>();
  CLI::App* cmd = app.add_subcommand(
      "table", "Compare machines: reports merged into a table per model file");
  cmd->add_option("reports", args->inputs,
                  "report.json files, or directories searched for them")
      ->required();
  cmd->add_option("--metrics", args->metrics,
                  "Columns: decode, prefill, ttft, ratio, jpt")
      ->delimiter(',')
      ->type_name("LIST")
      ->capture_default_str();
  cmd->add_option("--model", args->model,
                  "Only this model (preset, .gguf path or file name)");
  cmd->add_option("--format", args->format, "Only this weight format");
  cmd->add_option("--sort", args->sort, "Sort rows by this metric, best first")
      ->capture_default_str();
  cmd->add_option("--output", args->output, "md, csv or html")
      ->capture_default_str();
  cmd->add_flag("--all", args->all_groups, "Print every group");
  cmd->add_flag("--per-report", args->per_report,
                "One row per report file instead of one per machine");
  cmd->callback(
      [args, &action] { action = [args] { return RunTable(*args); }; });
}

}  // namespace lapbench::harness
