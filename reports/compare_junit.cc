// `compare`'s outcome as JUnit XML, the test report format CI systems
// display: a failed test per regression, a skipped one per undecided row.
#include <fmt/format.h>

#include "reports/compare.h"

namespace lapbench::reports {
namespace {

// Text safe in an XML attribute or element: the five markup characters
// as entities, tabs and line breaks as character references, and other
// control characters (not allowed in XML 1.0) left out.
std::string JunitEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
  }
  return out;
}

// One <testcase> with `body` (already XML) inside, or empty.
std::string JunitTestcase(std::string_view classname, std::string_view name,
                          const std::string& body) {
  std::string open = fmt::format("    <testcase classname=\"{}\" name=\"{}\"",
                                 JunitEscape(classname), JunitEscape(name));
  if (body.empty()) return open + "/>\n";
  return fmt::format("{}>\n      {}\n    </testcase>\n", open, body);
}

std::string JunitSkipped(std::string_view message) {
  return fmt::format("<skipped message=\"{}\"/>", JunitEscape(message));
}

std::string JunitRow(const MetricRow& row) {
  std::string body;
  switch (row.verdict) {
    case Verdict::kRegression:
      body = fmt::format("<failure type=\"regression\" message=\"{}\"/>",
                         JunitEscape(row.reason));
      break;
    case Verdict::kTooFewSamples:
      body = JunitSkipped(row.reason);
      break;
    case Verdict::kImprovement:
    case Verdict::kNoChange:
      body =
          fmt::format("<system-out>{}</system-out>", JunitEscape(row.reason));
      break;
  }
  const std::string metric =
      row.unit.empty() ? row.metric.name
                       : fmt::format("{} ({})", row.metric.name, row.unit);
  return JunitTestcase(row.case_name, metric, body);
}

std::string JunitProperties(const CompareResult& r) {
  auto property = [](std::string_view name, std::string_view value) {
    return fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name,
                       JunitEscape(value));
  };
  std::string out = "    <properties>\n";
  out += property("base", r.base_path);
  out += property("new", r.new_path);
  out += property("alpha", fmt::format("{:g}", r.rule.alpha));
  out += property("threshold", fmt::format("{:g}", r.rule.threshold));
  out += property("report_only", r.report_only ? "true" : "false");
  for (const std::string& d : r.differences) {
    out += property("allowed_difference", d);
  }
  return out + "    </properties>\n";
}

// Every testcase: the rows, then the cases that could not be compared.
std::string JunitTestcases(const CompareResult& r) {
  std::string out;
  for (const MetricRow& row : r.rows) out += JunitRow(row);
  for (const UncomparedCase& c : r.not_measured) {
    out += JunitTestcase(c.name, "not measured", JunitSkipped(c.reason));
  }
  for (const std::string& name : r.only_in_base) {
    out += JunitTestcase(name, "only in base",
                         JunitSkipped("only in base: not compared"));
  }
  for (const std::string& name : r.only_in_new) {
    out += JunitTestcase(name, "only in new",
                         JunitSkipped("only in new: not compared"));
  }
  return out;
}

}  // namespace

std::string CompareJunitXml(const CompareResult& result) {
  const size_t tests = result.rows.size() + result.not_measured.size() +
                       result.only_in_base.size() + result.only_in_new.size();
  const int64_t failures = result.Count(Verdict::kRegression);
  const size_t skipped =
      tests - result.rows.size() +
      static_cast<size_t>(result.Count(Verdict::kTooFewSamples));
  const std::string counts =
      fmt::format("tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\"",
                  tests, failures, skipped);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"lapbench compare\" {}>\n"
      "  <testsuite name=\"{}\" {}>\n{}{}  </testsuite>\n"
      "</testsuites>\n",
      counts, JunitEscape(BenchKindName(result.kind)), counts,
      JunitProperties(result), JunitTestcases(result));
}

}  // namespace lapbench::reports
