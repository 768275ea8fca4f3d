// Whether two files can be compared: the same machine facts, and the same
// model file behind each paired case.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "reports/compare.h"

namespace lapbench::reports {
namespace {

// Digits of a SHA-256 shown in a message: enough to tell two files apart.
constexpr size_t kShownShaDigits = 12;

// 'text' for strings, the JSON form for anything else.
std::string ShowFact(const nlohmann::json& value) {
  if (value.is_string()) return "'" + value.get<std::string>() + "'";
  return value.dump();
}

// Equal, within the field's tolerance for numbers; a fact one side does
// not know cannot tell the machines apart.
bool SameFact(const MachineField& a, const MachineField& b) {
  if (a.value.is_null() || b.value.is_null()) return true;
  if (a.tolerance > 0 && a.value.is_number() && b.value.is_number()) {
    const double x = a.value.get<double>();
    const double y = b.value.get<double>();
    return std::fabs(x - y) <=
           a.tolerance * std::max(std::fabs(x), std::fabs(y));
  }
  return a.value == b.value;
}

std::vector<std::string> MachineProblems(const BenchFile& base,
                                         const BenchFile& new_file) {
  std::vector<std::string> problems;
  for (const MachineField& a : base.machine) {
    for (const MachineField& b : new_file.machine) {
      if (a.name != b.name || SameFact(a, b)) continue;
      problems.push_back(fmt::format(
          "machine {}: {} (base) vs {} (new){}", a.name, ShowFact(a.value),
          ShowFact(b.value),
          a.tolerance > 0
              ? fmt::format(", more than {:g}% apart", 100 * a.tolerance)
              : ""));
    }
  }
  return problems;
}

std::string ShortSha(const std::string& sha) {
  return sha.size() > kShownShaDigits ? sha.substr(0, kShownShaDigits) + "..."
                                      : sha;
}

std::vector<std::string> ModelProblems(const BenchFile& base,
                                       const BenchFile& new_file) {
  std::map<std::string, const BenchCase*> new_by_name;
  for (const BenchCase& c : new_file.cases) new_by_name[c.name] = &c;
  std::vector<std::string> problems;
  for (const BenchCase& b : base.cases) {
    const auto it = new_by_name.find(b.name);
    if (it == new_by_name.end()) continue;
    const std::string& other = it->second->model_sha256;
    if (b.model_sha256.empty() || other.empty() || b.model_sha256 == other) {
      continue;
    }
    problems.push_back(
        fmt::format("model file of case '{}': sha256 {} (base) vs {} (new)",
                    b.name, ShortSha(b.model_sha256), ShortSha(other)));
  }
  return problems;
}

}  // namespace

std::vector<std::string> ComparabilityProblems(const BenchFile& base,
                                               const BenchFile& new_file) {
  std::vector<std::string> problems = MachineProblems(base, new_file);
  for (std::string& p : ModelProblems(base, new_file)) {
    problems.push_back(std::move(p));
  }
  return problems;
}

}  // namespace lapbench::reports
