// Reading Google Benchmark JSON for `compare`: one case per benchmark, its
// per-repetition entries as samples, and the context's machine facts.
#include <fmt/format.h>

#include "reports/compare_input.h"

namespace lapbench::reports {

using nlohmann::json;

namespace {

// Numeric keys of an entry that describe the run rather than measure it;
// every other number is a counter (bytes_per_second, user counters).
constexpr std::string_view kGbRunKeys[] = {
    "family_index", "per_family_instance_index",
    "repetitions",  "repetition_index",
    "threads",      "iterations",
    "real_time",    "cpu_time"};

struct GbTimeUnit {
  std::string_view name;
  double seconds;
};
constexpr GbTimeUnit kGbTimeUnits[] = {
    {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}};

// The path of the entry being read, for messages.
struct GbWhere {
  const std::string& file;
  std::string field;  // "benchmarks[3]"; empty at the top level

  std::string Path(const char* key) const {
    return field.empty() ? key : field + "." + key;
  }
};

[[noreturn]] void GbBad(const GbWhere& where, const char* key,
                        const json& value, const char* expected) {
  throw CompareInputError(fmt::format("'{}': bad field {}: '{}' (expected {})",
                                      where.file, where.Path(key), value.dump(),
                                      expected));
}

// entry[key], which must exist and pass `is`.
const json& GbGet(const json& entry, const char* key, const GbWhere& where,
                  bool (*is)(const json&), const char* expected) {
  const auto it = entry.find(key);
  if (it == entry.end()) {
    throw CompareInputError(fmt::format("'{}': missing field {} (expected {})",
                                        where.file, where.Path(key), expected));
  }
  if (!is(*it)) GbBad(where, key, *it, expected);
  return *it;
}

bool GbIsString(const json& v) { return v.is_string(); }
bool GbIsNumber(const json& v) { return v.is_number(); }
bool GbIsObject(const json& v) { return v.is_object(); }
bool GbIsArray(const json& v) { return v.is_array(); }

bool IsGbRunKey(const std::string& key) {
  for (std::string_view k : kGbRunKeys) {
    if (k == key) return true;
  }
  return false;
}

// "L1 Data 49152 B x1, L2 Unified 2097152 B x1": the caches, comparable
// as one value.
json GbCaches(const json& context) {
  const auto it = context.find("caches");
  if (it == context.end() || !it->is_array()) return json();
  std::string text;
  for (const json& cache : *it) {
    if (!text.empty()) text += ", ";
    text += fmt::format("L{} {} {} B x{}", cache.value("level", 0),
                        cache.value("type", std::string("?")),
                        cache.value("size", int64_t{0}),
                        cache.value("num_sharing", 0));
  }
  return text;
}

// What identifies the machine: its host name, CPU count and caches, and
// the clock, read once at start and moving with frequency scaling, so
// only a large difference counts.
std::vector<MachineField> GbMachine(const json& context) {
  auto field = [&](const char* key) {
    return context.contains(key) ? context[key] : json();
  };
  return {{"host_name", field("host_name"), 0},
          {"num_cpus", field("num_cpus"), 0},
          {"mhz_per_cpu", field("mhz_per_cpu"), 0.25},
          {"caches", GbCaches(context), 0}};
}

double GbUnitSeconds(const json& entry, const GbWhere& where) {
  const json& unit =
      GbGet(entry, "time_unit", where, GbIsString, "ns, us, ms or s");
  for (const GbTimeUnit& u : kGbTimeUnits) {
    if (u.name == unit.get<std::string>()) return u.seconds;
  }
  GbBad(where, "time_unit", unit, "ns, us, ms or s");
}

// One repetition's samples: the times in the case's unit, every counter.
void AddRepetition(const json& entry, const GbWhere& where, BenchCase& c) {
  const double unit_s = GbUnitSeconds(entry, where);
  if (c.time_unit.empty()) {
    c.time_unit = entry["time_unit"].get<std::string>();
    c.time_unit_s = unit_s;
  }
  const double scale = unit_s / c.time_unit_s;
  for (const char* key : {"real_time", "cpu_time"}) {
    const json& t = GbGet(entry, key, where, GbIsNumber, "a number");
    c.samples[key].push_back(t.get<double>() * scale);
  }
  for (const auto& [key, value] : entry.items()) {
    if (value.is_number() && !IsGbRunKey(key)) {
      c.samples[key].push_back(value.get<double>());
    }
  }
}

// What was seen of one benchmark besides its samples.
struct GbSeen {
  std::string error;  // the last error message
  bool aggregates = false;
};

// Why a benchmark without samples has none.
std::string GbNotMeasured(const GbSeen& seen) {
  if (!seen.error.empty()) return "error: " + seen.error;
  if (seen.aggregates) {
    return "only aggregates in the file (per-repetition entries are "
           "needed: run without --benchmark_report_aggregates_only)";
  }
  return "no measured entry";
}

// A repetition's samples go to `c`; aggregates and errors are noted.
void AddEntry(const json& entry, const GbWhere& where, BenchCase& c,
              GbSeen& seen) {
  if (entry.value("run_type", "iteration") == "aggregate") {
    seen.aggregates = true;
  } else if (entry.value("error_occurred", false)) {
    seen.error = entry.value("error_message", "(no message)");
  } else {
    AddRepetition(entry, where, c);
  }
}

// The entry's benchmark name without repetition and aggregate suffixes.
std::string GbCaseName(const json& entry, const GbWhere& where) {
  const auto run_name = entry.find("run_name");
  if (run_name != entry.end() && run_name->is_string()) {
    return BenchmarkBaseName(run_name->get<std::string>());
  }
  std::string name =
      GbGet(entry, "name", where, GbIsString, "a string").get<std::string>();
  const std::string aggregate = "_" + entry.value("aggregate_name", "");
  if (aggregate.size() > 1 && name.ends_with(aggregate)) {
    name.resize(name.size() - aggregate.size());
  }
  return BenchmarkBaseName(name);
}

// "repeats:5", the part Repetitions() adds to a benchmark's name.
bool IsRepeatsPart(std::string_view part) {
  constexpr std::string_view kPrefix = "repeats:";
  if (!part.starts_with(kPrefix) || part.size() == kPrefix.size()) {
    return false;
  }
  return part.substr(kPrefix.size()).find_first_not_of("0123456789") ==
         std::string_view::npos;
}

}  // namespace

std::string BenchmarkBaseName(std::string_view run_name) {
  std::string out;
  size_t begin = 0;
  for (;;) {
    const size_t slash = run_name.find('/', begin);
    const std::string_view part = run_name.substr(begin, slash - begin);
    if (!IsRepeatsPart(part)) {
      if (!out.empty()) out += '/';
      out += part;
    }
    if (slash == std::string_view::npos) return out;
    begin = slash + 1;
  }
}

BenchFile BenchFileFromGoogleBenchmark(const json& json_file,
                                       const std::string& path) {
  const GbWhere top{path, ""};
  BenchFile file{path, BenchKind::kGoogleBenchmark, {}, {}};
  file.machine =
      GbMachine(GbGet(json_file, "context", top, GbIsObject, "an object"));
  const json& entries =
      GbGet(json_file, "benchmarks", top, GbIsArray, "an array");
  std::map<std::string, size_t> index;  // case name -> position in cases
  std::vector<GbSeen> seen;
  for (size_t i = 0; i < entries.size(); ++i) {
    const GbWhere where{path, fmt::format("benchmarks[{}]", i)};
    if (!entries[i].is_object()) {
      throw CompareInputError(
          fmt::format("'{}': bad field {}: '{}' (expected an object)", path,
                      where.field, entries[i].dump()));
    }
    const json& entry = entries[i];
    const std::string name = GbCaseName(entry, where);
    const auto [it, added] = index.try_emplace(name, file.cases.size());
    if (added) {
      file.cases.emplace_back().name = name;
      seen.emplace_back();
    }
    AddEntry(entry, where, file.cases[it->second], seen[it->second]);
  }
  for (size_t i = 0; i < file.cases.size(); ++i) {
    if (file.cases[i].samples.empty()) {
      file.cases[i].not_measured = GbNotMeasured(seen[i]);
    }
  }
  return file;
}

}  // namespace lapbench::reports
