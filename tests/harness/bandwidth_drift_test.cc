// Tests of the before/after read bandwidth comparison of model bench.
#include "harness/bandwidth_drift.h"

#include <catch2/catch.hpp>

namespace lapbench::harness {
namespace {

TEST_CASE("bandwidth drift is the relative change from the first figure") {
  CHECK(*BandwidthDrift(40e9, 50e9) == Approx(0.25));
  CHECK(*BandwidthDrift(40e9, 30e9) == Approx(-0.25));
  CHECK(*BandwidthDrift(40e9, 40e9) == 0.0);
}

TEST_CASE("bandwidth drift is missing when a measurement failed") {
  CHECK_FALSE(BandwidthDrift(0, 40e9).has_value());
  CHECK_FALSE(BandwidthDrift(40e9, 0).has_value());
  CHECK_FALSE(BandwidthDrift(-1, 40e9).has_value());
  CHECK_FALSE(BandwidthDriftNote(0, 40e9).has_value());
}

TEST_CASE("bandwidth drift note only beyond the limit, either way") {
  CHECK_FALSE(BandwidthDriftNote(40e9, 40e9 * 1.14).has_value());
  CHECK_FALSE(BandwidthDriftNote(40e9, 40e9 * 0.86).has_value());
  CHECK(BandwidthDriftNote(38.5e9, 70.3e9) ==
        "read bandwidth 38.50 GB/s before the run, 70.30 GB/s after it "
        "(+83%): the memory speed the threads get changed (threads moved to "
        "other cores, or other load), so the roofline fractions are "
        "indicative only");
  CHECK(BandwidthDriftNote(40e9, 30e9)->find("(-25%)") != std::string::npos);
}

}  // namespace
}  // namespace lapbench::harness
