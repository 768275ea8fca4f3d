// Tests the throttle analysis on recorded-style series (tests/fixtures/
// throttle, written by make_series.py, whose printout gives the expected
// figures independently of this code).
#include "reports/throttle.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "reports/stats.h"

namespace lapbench::reports {
namespace {

std::vector<ThrottleSample> Series(const char* name) {
  std::ifstream in(std::string(LAPBENCH_FIXTURES_DIR) + "/throttle/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return ParseThrottleCsv(text.str());
}

// A sample with only its time and throughput.
ThrottleSample At(double t_s, double tokens_per_s) {
  ThrottleSample s;
  s.t_s = t_s;
  s.tokens_per_s = tokens_per_s;
  return s;
}

// Medians of an even count average two values written with two decimals.
constexpr double kDecimalTolerance = 1e-12;

TEST_CASE("a laptop that hits its 95 C trip at 90 s drops 30% from 91 s",
          "[reports][throttle]") {
  const std::vector<ThrottleSample> s = Series("laptop.csv");
  const ThrottleAnalysis a = AnalyzeThrottle(s);
  CHECK(a.n_samples == 300);
  CHECK(a.n_burst_samples == 5);
  CHECK(a.n_sustained_samples == 100);
  CHECK(a.burst_tokens_per_s == 18.12);
  CHECK(a.sustained_tokens_per_s == Approx(12.6).epsilon(kDecimalTolerance));
  CHECK(a.ratio == Approx(12.6 / 18.12).epsilon(kDecimalTolerance));
  CHECK(a.drop_10pct_s == 91.0);
  CHECK(a.trip_reached_s == 90.0);
  CHECK(a.trip_reached_c == 95.0);
  CHECK(a.temps_available);
  CHECK(a.max_temp_c == 95.0);
  CHECK(a.burst_clock_ghz == 4.6);
  CHECK(*a.sustained_clock_ghz == Approx(3.2).epsilon(kDecimalTolerance));
  CHECK(a.burst_power_w == 41.7);
  CHECK(*a.sustained_power_w == Approx(25.0).epsilon(kDecimalTolerance));
}

TEST_CASE("a steady machine keeps its burst and never reaches a trip",
          "[reports][throttle]") {
  const ThrottleAnalysis a = AnalyzeThrottle(Series("steady.csv"));
  CHECK(a.n_samples == 180);
  CHECK(a.n_sustained_samples == 60);
  CHECK(a.burst_tokens_per_s == 9.51);
  CHECK(a.sustained_tokens_per_s == Approx(9.51).epsilon(kDecimalTolerance));
  CHECK(a.ratio == Approx(1.0).epsilon(kDecimalTolerance));
  CHECK(!a.drop_10pct_s);
  CHECK(!a.trip_reached_s);
  CHECK(a.max_temp_c == 72.0);
  CHECK(a.burst_power_w == 27.9);
  CHECK(*a.sustained_power_w == Approx(28.0).epsilon(kDecimalTolerance));
}

TEST_CASE("single and paired slow samples are noise, not a drop",
          "[reports][throttle]") {
  const std::vector<ThrottleSample> s = Series("noisy.csv");
  REQUIRE(s[199].tokens_per_s == 8.43);  // t 200 and 201: two in a row
  REQUIRE(s[200].tokens_per_s == 8.35);
  const ThrottleAnalysis a = AnalyzeThrottle(s);
  CHECK(a.burst_tokens_per_s == 12.3);
  CHECK(a.sustained_tokens_per_s == Approx(11.97).epsilon(kDecimalTolerance));
  CHECK(a.ratio == Approx(11.97 / 12.3).epsilon(kDecimalTolerance));
  CHECK(!a.drop_10pct_s);
  CHECK(!a.trip_reached_s);
  CHECK(a.max_temp_c == 83.0);
  CHECK(a.burst_clock_ghz == 3.29);
  CHECK(*a.sustained_clock_ghz == Approx(3.3).epsilon(kDecimalTolerance));
  CHECK(!a.burst_power_w);  // a user cannot read RAPL on this laptop
  CHECK(!a.sustained_power_w);
}

TEST_CASE("three slow samples in a row are a drop at the first of them",
          "[reports][throttle]") {
  std::vector<ThrottleSample> s;
  const std::vector<double> tok = {5, 10, 10, 10, 10, 10, 8, 10, 8, 8, 8, 10};
  for (size_t i = 0; i < tok.size(); ++i) {
    s.push_back(At(static_cast<double>(i + 1), tok[i]));
  }
  const ThrottleAnalysis a = AnalyzeThrottle(s);
  CHECK(a.burst_tokens_per_s == 10);
  CHECK(a.drop_10pct_s == 9.0);
  CHECK(!a.temps_available);
  CHECK(!a.max_temp_c);
  CHECK(!a.burst_clock_ghz);
}

TEST_CASE("a short series uses the samples it has for the burst",
          "[reports][throttle]") {
  const std::vector<ThrottleSample> s = {At(1, 3), At(2, 6), At(3, 4)};
  const ThrottleAnalysis a = AnalyzeThrottle(s);
  CHECK(a.n_burst_samples == 2);
  CHECK(a.burst_tokens_per_s == 5);
  CHECK(a.n_sustained_samples == 1);
  CHECK(a.sustained_tokens_per_s == 4);
  CHECK(a.ratio == 0.8);
}

TEST_CASE("too few samples or a zero burst are refused",
          "[reports][throttle]") {
  const std::vector<ThrottleSample> one = {At(1, 3)};
  CHECK_THROWS_WITH(AnalyzeThrottle(one),
                    "throttle series: '1' samples (expected at least 2)");
  const std::vector<ThrottleSample> zero = {At(1, 3), At(2, 0)};
  CHECK_THROWS_WITH(
      AnalyzeThrottle(zero),
      "throttle series: burst '0' tokens/s (expected more than 0)");
}

TEST_CASE("throttle CSV round-trips and names a bad field",
          "[reports][throttle]") {
  const std::vector<ThrottleSample> s = {{1, 9.5, 3.8, 70.5, 100, 28},
                                         At(2, 9.25)};
  const std::string csv = ToCsv(s);
  CHECK(csv ==
        "t_s,tokens_per_s,clock_ghz,cpu_temp_c,trip_c,power_w\n"
        "1,9.5,3.8,70.5,100,28\n"
        "2,9.25,,,,\n");
  const std::vector<ThrottleSample> back = ParseThrottleCsv(csv);
  REQUIRE(back.size() == 2);
  CHECK(back[0].cpu_temp_c == 70.5);
  CHECK(!back[1].clock_ghz);
  CHECK_THROWS_WITH(
      ParseThrottleCsv("t_s,tokens_per_s,clock_ghz,cpu_temp_c,trip_c,power_w\n"
                       "1,fast,,,,\n"),
      "line 2: tokens_per_s: 'fast' (expected a number)");
  CHECK_THROWS_WITH(ParseThrottleCsv("t,tok\n"),
                    "line 1: 't,tok' (expected the header "
                    "t_s,tokens_per_s,clock_ghz,cpu_temp_c,trip_c,power_w)");
}

}  // namespace
}  // namespace lapbench::reports
