// The rendered forms of a report by name, for `lapbench report` and the
// files `lapbench run` writes beside report.json.
#include "reports/render.h"

namespace lapbench::reports {
namespace {

constexpr RenderedForm kRenderedForms[] = {
    {"md", "report.md", &RenderMarkdown},
    {"csv", "cases.csv", &RenderCsv},
    {"html", "report.html", &RenderHtml},
};

}  // namespace

std::span<const RenderedForm> AllRenderedForms() { return kRenderedForms; }

const RenderedForm* FindRenderedForm(std::string_view format) {
  for (const RenderedForm& form : kRenderedForms) {
    if (format == form.format) return &form;
  }
  return nullptr;
}

}  // namespace lapbench::reports
