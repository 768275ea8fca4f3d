// The correctness checker run whole, and its table rendering.
#include "kernels/check.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "kernels/registry.h"

namespace lapbench::kernels {
namespace {

TEST_CASE("every variant this CPU can run matches ref, and ref the oracle",
          "[kernels][check][slow]") {
  const probes::CpuFeatures cpu = probes::DetectCpuFeatures();
  const std::vector<CheckRow> rows = RunChecks(cpu);
  std::ostringstream table;
  const bool failed = WriteCheckTable(rows, table);
  INFO(table.str());
  CHECK_FALSE(failed);

  // ref ran every case against the oracle (or the input), none skipped.
  for (const CheckRow& row : rows) {
    if (row.variant != "ref") continue;
    CHECK(row.status == CheckStatus::kPassed);
    CHECK(row.compared_with != "ref");
  }
}

TEST_CASE("a variant the CPU cannot run is skipped with its missing features",
          "[kernels][check]") {
  const probes::CpuFeatures none{};
  for (const Variant& v : AllVariants()) {
    if (v.required.empty()) continue;
    const std::vector<CheckRow> rows =
        RunChecks(none, {.variant = std::string(v.name)});
    REQUIRE_FALSE(rows.empty());
    for (const CheckRow& row : rows) {
      CHECK(row.status == CheckStatus::kSkipped);
      CHECK(row.reason.find("CPU lacks") == 0);
    }
  }
}

TEST_CASE("the check table marks failures and returns them",
          "[kernels][check]") {
  std::vector<CheckRow> rows = {
      {"ref", "matvec", "q4_0", "rows=1 cols=32", CheckStatus::kPassed, "",
       1e-7, 1e-6, "oracle"},
      {"avx512", "matvec", "q4_0", "*", CheckStatus::kSkipped,
       "CPU lacks avx512f", NAN, NAN, "-"},
  };
  std::ostringstream passing;
  CHECK_FALSE(WriteCheckTable(rows, passing));
  CHECK(passing.str().find("CPU lacks avx512f") != std::string::npos);
  CHECK(passing.str().find("1 passed, 0 failed, 1 skipped, 0 not covered") !=
        std::string::npos);

  rows.push_back({"avx2", "rope", "f32", "n=7", CheckStatus::kFailed,
                  "error above tolerance", 1.0, 1e-6, "ref"});
  std::ostringstream failing;
  CHECK(WriteCheckTable(rows, failing));
  CHECK(failing.str().find("failed") != std::string::npos);
}

TEST_CASE("check status names read as the table prints them",
          "[kernels][check]") {
  CHECK(CheckStatusName(CheckStatus::kPassed) == "passed");
  CHECK(CheckStatusName(CheckStatus::kFailed) == "failed");
  CHECK(CheckStatusName(CheckStatus::kSkipped) == "skipped");
  CHECK(CheckStatusName(CheckStatus::kNotCovered) == "not covered");
}

}  // namespace
}  // namespace lapbench::kernels
