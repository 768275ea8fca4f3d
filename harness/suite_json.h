// A suite and its plan as the report records them, and the plan a report
// replays: the same cases, re-checked on this machine.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/plan.h"
#include "harness/suite.h"

namespace lapbench::harness {

// The suite as expanded: name, description, path, sweep, policy and every
// planned case (as the suite asked for it, whether it was runnable, why it
// was skipped, and its resolved spec).
nlohmann::json SuiteJson(const Suite& suite, const Plan& plan);

// The suite and plan a report's "suite" describes, for `lapbench run
// --replay`: the same policy, and per case of the report's plan the same
// model, format, resolved variant and threads, placement, KV type and
// lengths, checked against `machine` one by one and keeping its id. Cases
// the report skipped stay skipped with their reason. Throws SuiteError
// naming a missing or mistyped field.
std::pair<Suite, Plan> ReplayPlan(const nlohmann::json& suite_json,
                                  const Machine& machine);

}  // namespace lapbench::harness
