// Thermal zones from /sys/class/thermal: type, temperature and trip points.
#include "probes/thermal_zones.h"

#include <fmt/format.h>

#include <set>

#include "probes/json_fields.h"

namespace lapbench::probes {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kThermalDir = "/sys/class/thermal";
constexpr std::string_view kTripPrefix = "trip_point_";

// The trip indices K that have any trip_point_K_* file. Listing rather than
// counting up keeps a zone whose trip 0 lacks a file from hiding trip 1.
std::set<int> TripIndices(const FsRoot& root, const fs::path& zone_dir) {
  std::set<int> indices;
  for (const std::string& name : root.List(zone_dir, kTripPrefix)) {
    std::string_view rest = std::string_view(name).substr(kTripPrefix.size());
    size_t underscore = rest.find('_');
    int64_t index = 0;
    if (underscore == std::string_view::npos ||
        !ParseInt64(rest.substr(0, underscore), index) || index < 0) {
      continue;
    }
    indices.insert(static_cast<int>(index));
  }
  return indices;
}

TripPoint ReadTrip(const FsRoot& root, const fs::path& zone_dir, int index) {
  std::string stem = fmt::format("{}{}_", kTripPrefix, index);
  TripPoint trip;
  trip.index = index;
  trip.type = root.ReadText(zone_dir / (stem + "type"));
  trip.temp_mc = root.ReadInt(zone_dir / (stem + "temp"));
  trip.hyst_mc = root.ReadInt(zone_dir / (stem + "hyst"));
  return trip;
}

ThermalZone ReadZone(const FsRoot& root, const fs::path& zone_dir) {
  ThermalZone zone;
  zone.name = zone_dir.filename().string();
  zone.type = root.ReadText(zone_dir / "type");
  zone.temp_mc = root.ReadInt(zone_dir / "temp");
  zone.mode = root.ReadText(zone_dir / "mode");
  for (int index : TripIndices(root, zone_dir)) {
    zone.trips.push_back(ReadTrip(root, zone_dir, index));
  }
  return zone;
}

nlohmann::json TripToJson(const TripPoint& trip) {
  nlohmann::json obj = nlohmann::json::object();
  obj["index"] = trip.index;
  PutReading(obj, "type", trip.type);
  PutReading(obj, "temp_mc", trip.temp_mc);
  PutReading(obj, "hyst_mc", trip.hyst_mc);
  return obj;
}

}  // namespace

std::vector<ThermalZone> ReadThermalZones(const FsRoot& root) {
  fs::path dir = root.Resolve(kThermalDir);
  std::vector<ThermalZone> zones;
  for (const std::string& name : root.List(dir, "thermal_zone")) {
    zones.push_back(ReadZone(root, dir / name));
  }
  return zones;
}

std::string NoThermalZonesReason(const FsRoot& root) {
  fs::path dir = root.Resolve(kThermalDir);
  if (!root.Exists(dir)) {
    return fmt::format("'{}' does not exist (no thermal support)",
                       dir.string());
  }
  if (!root.List(dir, "thermal_zone").empty()) return {};
  return fmt::format("no thermal zones in '{}' (typical of a VM)",
                     dir.string());
}

nlohmann::json ToJson(const ThermalZone& zone) {
  nlohmann::json obj = nlohmann::json::object();
  obj["name"] = zone.name;
  PutReading(obj, "type", zone.type);
  PutReading(obj, "temp_mc", zone.temp_mc);
  PutReading(obj, "mode", zone.mode);
  nlohmann::json trips = nlohmann::json::array();
  for (const TripPoint& trip : zone.trips) trips.push_back(TripToJson(trip));
  obj["trip_points"] = std::move(trips);
  return obj;
}

}  // namespace lapbench::probes
