// `lapbench report`: a report.json rendered as Markdown, CSV or HTML.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "harness/commands.h"
#include "harness/run_output.h"
#include "reports/render.h"
#include "reports/report.h"

namespace lapbench::harness {
namespace {

struct ReportArgs {
  std::string report_path;
  std::string format = "md";
  std::string out_path;  // empty: stdout
};

int RenderReport(const ReportArgs& args) {
  const reports::RenderedForm* form = reports::FindRenderedForm(args.format);
  if (form == nullptr) {
    fmt::print(stderr,
               "lapbench: error: --format: '{}' (expected md, csv or html)\n",
               args.format);
    return kExitBadInput;
  }
  reports::Report report;
  try {
    report = reports::LoadReport(args.report_path);
  } catch (const reports::ReportError& e) {
    fmt::print(stderr, "lapbench: error: {}\n", e.what());
    return kExitBadInput;
  }
  const std::string text = form->render(report);
  if (args.out_path.empty()) {
    fmt::print("{}", text);
  } else {
    WriteFileAtomic(args.out_path, text);
  }
  return kExitOk;
}

}  // namespace

void AddReportCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Render a run's report.json as Markdown, CSV or HTML");
  cmd->add_option("report", args->report_path, "The report.json to render")
      ->required();
  cmd->add_option("--format", args->format,
                  "md (a summary to paste), csv (one row per case) or html "
                  "(a page with charts); default md");
  cmd->add_option("-o,--out", args->out_path,
                  "Write to this file instead of standard output");
  cmd->callback(
      [args, &action] { action = [args] { return RenderReport(*args); }; });
}

}  // namespace lapbench::harness
