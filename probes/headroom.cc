// The thermal section of a probe: zones, hwmon, and the headroom between the
// hottest CPU sensor and its nearest limit.
#include "probes/headroom.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>

#include "probes/json_fields.h"

namespace lapbench::probes {

namespace {

// Verdict thresholds. A sustained all-core load such as LLM prefill makes a
// laptop CPU climb well past its light-load temperature within a minute or
// two, because laptop cooling is sized for bursts: a rise of 20 C or more
// over the probe-time reading is ordinary. With 25 C or more left, a run is
// unlikely to reach the limit; below 10 C, the first sustained case will
// probably hit it and the numbers will include throttling.
constexpr int64_t kPlentyHeadroomMc = 25000;
constexpr int64_t kSomeHeadroomMc = 10000;

// No laptop is specified to run below -40 C (the industrial range's lower
// end); colder readings are firmware placeholders such as -273200.
constexpr int64_t kImplausiblyColdMc = -40000;

// A temperature and where it came from.
struct Sample {
  int64_t temp_mc = 0;
  std::string sensor;
  const HwmonChip* chip = nullptr;    // set when from a hwmon chip
  const HwmonSensor* temp = nullptr;  // the chip's sensor, when from a chip
};

// A limit candidate: a trip point or an hwmon crit / max value.
struct Limit {
  int64_t temp_mc = 0;
  std::string kind;
  std::string source;
};

bool IsCpuChip(const HwmonChip& chip) {
  if (!chip.name) return false;
  return *chip.name == "coretemp" || *chip.name == "k10temp" ||
         *chip.name == "zenpower";
}

bool IsZoneType(const ThermalZone& zone, std::string_view type) {
  return zone.type && *zone.type == type;
}

// Keeps the hotter of `best` and `candidate`; the first wins a tie, so
// coretemp's Package id 0 (temp1) beats a core at the same temperature.
void KeepHotter(std::optional<Sample>& best, Sample candidate) {
  if (!best || candidate.temp_mc > best->temp_mc) best = std::move(candidate);
}

// Records why a reading was unusable, once per source.
void Note(std::vector<std::string>& notes, std::string note) {
  if (std::find(notes.begin(), notes.end(), note) == notes.end()) {
    notes.push_back(std::move(note));
  }
}

std::optional<Sample> HottestCpuChipTemp(const std::vector<HwmonChip>& chips,
                                         std::vector<std::string>& notes) {
  std::optional<Sample> best;
  for (const HwmonChip& chip : chips) {
    if (!IsCpuChip(chip)) continue;
    for (const HwmonSensor& temp : chip.temps) {
      if (!temp.input_mc || *temp.input_mc <= kImplausiblyColdMc) {
        Note(notes, temp.input_mc
                        ? fmt::format("{} {}_input reads '{}'", *chip.name,
                                      temp.attribute, *temp.input_mc)
                        : temp.input_mc.reason());
        continue;
      }
      std::string what = temp.label ? *temp.label : temp.attribute;
      KeepHotter(best,
                 Sample{*temp.input_mc, fmt::format("{} {}", *chip.name, what),
                        &chip, &temp});
    }
  }
  return best;
}

std::optional<Sample> HottestZoneTemp(const std::vector<ThermalZone>& zones,
                                      std::string_view type,
                                      std::vector<std::string>& notes) {
  std::optional<Sample> best;
  for (const ThermalZone& zone : zones) {
    if (!IsZoneType(zone, type)) continue;
    if (!zone.temp_mc || *zone.temp_mc <= kImplausiblyColdMc) {
      Note(notes, zone.temp_mc ? fmt::format("{} {} reads '{}'", type,
                                             zone.name, *zone.temp_mc)
                               : zone.temp_mc.reason());
      continue;
    }
    KeepHotter(best,
               Sample{*zone.temp_mc, fmt::format("{} {}", type, zone.name)});
  }
  return best;
}

// The CPU temperature in order of trust: the CPU's own hwmon chip, the
// package MSR zone, then ACPI's idea of the CPU.
std::optional<Sample> HottestCpuTemp(const std::vector<ThermalZone>& zones,
                                     const std::vector<HwmonChip>& chips,
                                     std::vector<std::string>& notes) {
  if (auto sample = HottestCpuChipTemp(chips, notes)) return sample;
  if (auto sample = HottestZoneTemp(zones, "x86_pkg_temp", notes)) {
    return sample;
  }
  return HottestZoneTemp(zones, "acpitz", notes);
}

// Passive and critical trips above 0 C of the zones that throttle the CPU.
// x86_pkg_temp leaves its passive trips at 0 until thermald sets them, so 0
// means unset; hot trips only notify and active trips only start fans.
void AddTripLimits(const std::vector<ThermalZone>& zones,
                   std::vector<Limit>& limits) {
  for (const ThermalZone& zone : zones) {
    if (!IsZoneType(zone, "x86_pkg_temp") && !IsZoneType(zone, "acpitz")) {
      continue;
    }
    for (const TripPoint& trip : zone.trips) {
      if (!trip.type || !trip.temp_mc || *trip.temp_mc <= 0) continue;
      if (*trip.type != "passive" && *trip.type != "critical") continue;
      limits.push_back(Limit{
          *trip.temp_mc, *trip.type,
          fmt::format("{} {} trip {}", *zone.type, zone.name, trip.index)});
    }
  }
}

// The chip's `crit` (or `max`) for the sampled sensor, else the lowest one
// any sensor of the chip has.
std::optional<Limit> ChipLimit(const Sample& cpu, bool use_max) {
  if (cpu.chip == nullptr) return std::nullopt;
  std::optional<Limit> best;
  for (const HwmonSensor& temp : cpu.chip->temps) {
    const Reading<int64_t>& value = use_max ? temp.max_mc : temp.crit_mc;
    if (!value || *value <= 0) continue;
    bool is_sampled = &temp == cpu.temp;
    if (best && !is_sampled && *value >= best->temp_mc) continue;
    std::string kind = use_max                         ? "hwmon max"
                       : *cpu.chip->name == "coretemp" ? "TjMax"
                                                       : "hwmon crit";
    best = Limit{*value, kind,
                 fmt::format("{} {}_{}", *cpu.chip->name, temp.attribute,
                             use_max ? "max" : "crit")};
    if (is_sampled) break;
  }
  return best;
}

std::optional<Limit> NearestLimit(const std::vector<ThermalZone>& zones,
                                  const Sample& cpu) {
  std::vector<Limit> limits;
  AddTripLimits(zones, limits);
  if (auto crit = ChipLimit(cpu, /*use_max=*/false)) limits.push_back(*crit);
  // A max is a warning level, not a point where the CPU slows down: only
  // worth using when nothing better is known.
  if (limits.empty()) {
    if (auto max = ChipLimit(cpu, /*use_max=*/true)) limits.push_back(*max);
  }
  if (limits.empty()) return std::nullopt;
  return *std::min_element(
      limits.begin(), limits.end(),
      [](const Limit& a, const Limit& b) { return a.temp_mc < b.temp_mc; });
}

std::string JoinNotes(const std::vector<std::string>& notes) {
  std::string joined;
  for (const std::string& note : notes) {
    joined += joined.empty() ? note : "; " + note;
  }
  return joined;
}

std::string Celsius(int64_t temp_mc) {
  return fmt::format("{:.1f} C", static_cast<double>(temp_mc) / 1000.0);
}

nlohmann::json HeadroomToJson(const ThermalHeadroom& headroom) {
  nlohmann::json obj = nlohmann::json::object();
  obj["verdict"] = HeadroomVerdictName(headroom.verdict);
  if (!headroom.reason.empty()) obj["verdict_reason"] = headroom.reason;
  PutReading(obj, "cpu_temp_mc", headroom.cpu_temp_mc);
  PutReading(obj, "cpu_sensor",
             TextBeside(headroom.cpu_sensor, headroom.cpu_temp_mc));
  PutReading(obj, "limit_mc", headroom.limit_mc);
  PutReading(obj, "limit_kind",
             TextBeside(headroom.limit_kind, headroom.limit_mc));
  PutReading(obj, "limit_source",
             TextBeside(headroom.limit_source, headroom.limit_mc));
  PutReading(obj, "headroom_mc", headroom.headroom_mc);
  return obj;
}

std::string SummarizeHeadroom(const ThermalHeadroom& headroom) {
  if (headroom.verdict == HeadroomVerdict::kUnknown) {
    return fmt::format("  headroom: unknown ({})\n", headroom.reason);
  }
  return fmt::format(
      "  headroom: {}, {} from CPU {} ({}) to {} ({}, {})\n",
      HeadroomVerdictName(headroom.verdict), Celsius(*headroom.headroom_mc),
      Celsius(*headroom.cpu_temp_mc), headroom.cpu_sensor,
      Celsius(*headroom.limit_mc), headroom.limit_kind, headroom.limit_source);
}

std::string SummarizeZone(const ThermalZone& zone) {
  std::string type = zone.type.value_or(zone.name);
  if (!zone.temp_mc) return fmt::format("{} unreadable", type);
  return fmt::format("{} {}", type, Celsius(*zone.temp_mc));
}

// "coretemp 71.0 C": the chip's hottest readable temperature.
std::string SummarizeChip(const HwmonChip& chip) {
  std::string name = chip.name.value_or(chip.dir);
  std::optional<int64_t> hottest_mc;
  for (const HwmonSensor& temp : chip.temps) {
    if (temp.input_mc && (!hottest_mc || *temp.input_mc > *hottest_mc)) {
      hottest_mc = *temp.input_mc;
    }
  }
  if (hottest_mc) return fmt::format("{} {}", name, Celsius(*hottest_mc));
  if (chip.temps.empty()) return name;
  return fmt::format("{} unreadable", name);
}

}  // namespace

const char* HeadroomVerdictName(HeadroomVerdict verdict) {
  switch (verdict) {
    case HeadroomVerdict::kPlenty:
      return "plenty";
    case HeadroomVerdict::kSome:
      return "some";
    case HeadroomVerdict::kLittle:
      return "little";
    case HeadroomVerdict::kUnknown:
      break;
  }
  return "unknown";
}

HeadroomVerdict VerdictForHeadroom(int64_t headroom_mc) {
  if (headroom_mc >= kPlentyHeadroomMc) return HeadroomVerdict::kPlenty;
  if (headroom_mc >= kSomeHeadroomMc) return HeadroomVerdict::kSome;
  return HeadroomVerdict::kLittle;
}

ThermalHeadroom ComputeHeadroom(const std::vector<ThermalZone>& zones,
                                const std::vector<HwmonChip>& chips) {
  ThermalHeadroom result;
  std::vector<std::string> notes;
  std::optional<Sample> cpu = HottestCpuTemp(zones, chips, notes);
  if (!cpu) {
    result.reason = notes.empty()
                        ? "no CPU temperature: no coretemp, k10temp or "
                          "zenpower hwmon chip and no x86_pkg_temp or acpitz "
                          "thermal zone"
                        : "no readable CPU temperature: " + JoinNotes(notes);
    result.cpu_temp_mc = Reading<int64_t>::Missing(result.reason);
    result.limit_mc = Reading<int64_t>::Missing("no CPU temperature");
    result.headroom_mc = Reading<int64_t>::Missing("no CPU temperature");
    return result;
  }
  result.cpu_temp_mc = cpu->temp_mc;
  result.cpu_sensor = cpu->sensor;

  std::optional<Limit> limit = NearestLimit(zones, *cpu);
  if (!limit) {
    result.reason = fmt::format(
        "no limit for {}: no passive or critical trip above 0 C on an "
        "x86_pkg_temp or acpitz zone, and no crit or max on the CPU chip",
        cpu->sensor);
    result.limit_mc = Reading<int64_t>::Missing(result.reason);
    result.headroom_mc = Reading<int64_t>::Missing("no limit known");
    return result;
  }
  result.limit_mc = limit->temp_mc;
  result.limit_kind = limit->kind;
  result.limit_source = limit->source;
  result.headroom_mc = limit->temp_mc - cpu->temp_mc;
  result.verdict = VerdictForHeadroom(limit->temp_mc - cpu->temp_mc);
  return result;
}

ThermalInfo ProbeThermal(const FsRoot& root) {
  ThermalInfo info;
  info.zones = ReadThermalZones(root);
  if (info.zones.empty()) info.zones_reason = NoThermalZonesReason(root);
  info.chips = ReadHwmon(root);
  if (info.chips.empty()) info.hwmon_reason = NoHwmonReason(root);
  info.headroom = ComputeHeadroom(info.zones, info.chips);
  return info;
}

nlohmann::json ToJson(const ThermalInfo& info) {
  nlohmann::json obj = nlohmann::json::object();
  nlohmann::json zones = nlohmann::json::array();
  for (const ThermalZone& zone : info.zones) zones.push_back(ToJson(zone));
  obj["thermal_zones"] = std::move(zones);
  if (info.zones.empty()) obj["thermal_zones_reason"] = info.zones_reason;
  nlohmann::json chips = nlohmann::json::array();
  for (const HwmonChip& chip : info.chips) chips.push_back(ToJson(chip));
  obj["hwmon"] = std::move(chips);
  if (info.chips.empty()) obj["hwmon_reason"] = info.hwmon_reason;
  obj["headroom"] = HeadroomToJson(info.headroom);
  return obj;
}

std::string Summarize(const ThermalInfo& info) {
  std::string text = SummarizeHeadroom(info.headroom);
  if (info.zones.empty()) {
    text += fmt::format("  zones: none ({})\n", info.zones_reason);
  } else {
    std::vector<std::string> parts;
    for (const ThermalZone& zone : info.zones) {
      parts.push_back(SummarizeZone(zone));
    }
    text += fmt::format("  zones: {}\n", fmt::join(parts, ", "));
  }
  if (info.chips.empty()) {
    text += fmt::format("  hwmon: none ({})\n", info.hwmon_reason);
  } else {
    std::vector<std::string> parts;
    for (const HwmonChip& chip : info.chips) {
      parts.push_back(SummarizeChip(chip));
    }
    text += fmt::format("  hwmon: {}\n", fmt::join(parts, ", "));
  }
  return text;
}

}  // namespace lapbench::probes
