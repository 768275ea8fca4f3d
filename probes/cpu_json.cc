// The CPU probe's JSON section and its readable summary.
#include <fmt/format.h>

#include <algorithm>

#include "probes/cpu.h"
#include "probes/json_fields.h"

namespace lapbench::probes {
namespace {

using nlohmann::json;

void PutCache(json& obj, std::string_view level, const CacheLevel& cache) {
  PutReading(obj, fmt::format("{}_bytes", level), cache.size_bytes);
  PutReading(obj, fmt::format("{}_instances", level), cache.instances);
}

bool IsUnknown(const CpuInfo& cpu, CpuFeature f) {
  const auto& unknown = cpu.features_unknown;
  return std::find(unknown.begin(), unknown.end(), f) != unknown.end();
}

// features: usable (CPU and OS); features_cpu: what CPUID advertises.
void PutFeatures(json& obj, const CpuInfo& cpu) {
  json usable = json::object(), advertised = json::object();
  json os_disabled = json::array();
  for (CpuFeature f : AllCpuFeatures()) {
    const std::string_view name = CpuFeatureName(f);
    if (IsUnknown(cpu, f)) {
      auto missing = Reading<bool>::Missing(cpu.features_unknown_reason);
      PutReading(usable, name, missing);
      PutReading(advertised, name, missing);
      continue;
    }
    usable[std::string(name)] = cpu.features.Usable(f);
    advertised[std::string(name)] = cpu.features.CpuHas(f);
    if (cpu.features.CpuHas(f) && !cpu.features.OsEnabled(f)) {
      os_disabled.push_back(name);
    }
  }
  obj["features"] = usable;
  obj["features_cpu"] = advertised;
  obj["features_os_disabled"] = os_disabled;
}

json KindJson(const CoreKind& kind) {
  json obj;
  obj["purpose"] = kind.purpose;
  obj["n_cores"] = kind.n_cores;
  obj["n_logical"] = kind.n_logical;
  obj["logical_cpu_ids"] = kind.logical_cpu_ids;
  PutCache(obj, "l1d", kind.l1d);
  PutCache(obj, "l2", kind.l2);
  PutCache(obj, "l3", kind.l3);
  return obj;
}

std::string Bytes(const Reading<int64_t>& size_bytes) {
  if (!size_bytes) return "?";
  const int64_t kib = *size_bytes / 1024;
  if (kib >= 1024 && kib % 1024 == 0) return fmt::format("{} MiB", kib / 1024);
  return fmt::format("{} KiB", kib);
}

std::string CacheLine(std::string_view level, const CacheLevel& cache) {
  if (!cache.size_bytes) return fmt::format("{} none", level);
  if (!cache.instances)
    return fmt::format("{} {}", level, Bytes(cache.size_bytes));
  return fmt::format("{} {} x{}", level, Bytes(cache.size_bytes),
                     *cache.instances);
}

std::string FeatureList(const CpuInfo& cpu, bool usable) {
  std::string text;
  for (CpuFeature f : AllCpuFeatures()) {
    if (IsUnknown(cpu, f)) continue;
    const bool pick =
        usable ? cpu.features.Usable(f)
               : cpu.features.CpuHas(f) && !cpu.features.OsEnabled(f);
    if (pick)
      text += fmt::format("{}{}", text.empty() ? "" : " ", CpuFeatureName(f));
  }
  return text.empty() ? "none" : text;
}

// The usable features, those the OS left off, and those the input
// cannot tell.
std::string FeatureLines(const CpuInfo& cpu) {
  std::string text;
  text += fmt::format("usable   {}\n", FeatureList(cpu, true));
  const std::string disabled = FeatureList(cpu, false);
  if (disabled != "none") {
    text += fmt::format("OS off   {} (the CPU has them, XCR0 does not)\n",
                        disabled);
  }
  if (!cpu.features_unknown.empty()) {
    std::string names;
    for (CpuFeature f : cpu.features_unknown) {
      names += fmt::format("{}{}", names.empty() ? "" : " ", CpuFeatureName(f));
    }
    text +=
        fmt::format("unknown  {} ({})\n", names, cpu.features_unknown_reason);
  }
  return text;
}

}  // namespace

nlohmann::json ToJson(const CpuInfo& cpu) {
  json obj;
  obj["source"] = cpu.source;
  obj["source_format"] = cpu.source_format;
  PutReading(obj, "vendor", cpu.vendor);
  PutReading(obj, "brand", cpu.brand);
  PutReading(obj, "codename", cpu.codename);
  PutReading(obj, "family", cpu.family);
  PutReading(obj, "model", cpu.model);
  PutReading(obj, "stepping", cpu.stepping);
  PutReading(obj, "n_physical_cores", cpu.n_physical_cores);
  PutReading(obj, "n_logical_cpus", cpu.n_logical_cpus);
  PutCache(obj, "l1d", cpu.l1d);
  PutCache(obj, "l2", cpu.l2);
  PutCache(obj, "l3", cpu.l3);
  PutReading(obj, "base_mhz", cpu.base_mhz);
  PutReading(obj, "base_mhz_source",
             TextBeside(cpu.base_mhz_source, cpu.base_mhz));
  PutReading(obj, "max_mhz", cpu.max_mhz);
  PutReading(obj, "max_mhz_source",
             TextBeside(cpu.max_mhz_source, cpu.max_mhz));
  PutFeatures(obj, cpu);
  if (cpu.xcr0) {
    obj["xcr0"] = fmt::format("{:#x}", *cpu.xcr0);
  } else {
    PutReading(obj, "xcr0", cpu.xcr0);
  }
  PutReading(obj, "xcr0_source", TextBeside(cpu.xcr0_source, cpu.xcr0));
  obj["core_kinds"] = json::array();
  for (const CoreKind& kind : cpu.core_kinds) {
    obj["core_kinds"].push_back(KindJson(kind));
  }
  PutReading(obj, "os_cross_check", cpu.os_cross_check);
  obj["warnings"] = cpu.warnings;
  return obj;
}

// Every line of `text` two spaces in, as the other sections' bodies.
std::string Indent(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    out += "  " + text.substr(start, end - start);
    start = end;
  }
  return out;
}

std::string Summarize(const CpuInfo& cpu) {
  std::string text =
      fmt::format("brand    {}", cpu.brand.value_or("(no brand string)"));
  if (cpu.codename) text += fmt::format(" ({})", *cpu.codename);
  text +=
      fmt::format("\n         {} family {} model {} stepping {}, from {}\n",
                  cpu.vendor.value_or("?"), cpu.family.value_or(0),
                  cpu.model.value_or(0), cpu.stepping.value_or(0), cpu.source);
  text += fmt::format(
      "cores    {} physical, {} logical:", cpu.n_physical_cores.value_or(0),
      cpu.n_logical_cpus.value_or(0));
  for (const CoreKind& kind : cpu.core_kinds) {
    text +=
        fmt::format(" {} {}C/{}T;", kind.purpose, kind.n_cores, kind.n_logical);
  }
  text.back() = '\n';
  text += fmt::format("caches   {}, {}, {}\n", CacheLine("L1d", cpu.l1d),
                      CacheLine("L2", cpu.l2), CacheLine("L3", cpu.l3));
  text += fmt::format(
      "clock    base {}, max {}\n",
      cpu.base_mhz ? fmt::format("{} MHz", *cpu.base_mhz) : "unknown",
      cpu.max_mhz ? fmt::format("{} MHz", *cpu.max_mhz) : "unknown");
  text += FeatureLines(cpu);
  for (const std::string& warning : cpu.warnings) {
    text += fmt::format("warning  {}\n", warning);
  }
  return Indent(text);
}

}  // namespace lapbench::probes
