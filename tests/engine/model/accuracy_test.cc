// The accuracy figures of two logits arrays match values worked out by
// hand on two-token vocabularies.
#include "engine/model/accuracy.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace lapbench::engine {
namespace {

const float kLn3 = static_cast<float>(std::log(3.0));

TEST_CASE("KL of softmax(0, 0) against softmax(0, ln 3) is ln(4/3) / 2",
          "[engine][accuracy]") {
  // P = (1/2, 1/2), Q = (1/4, 3/4): 1/2 ln 2 + 1/2 ln(2/3).
  const std::vector<float> ref = {0.0f, 0.0f};
  const std::vector<float> fmt = {0.0f, kLn3};
  CHECK(KlDivergence(ref, fmt) ==
        Approx(0.5 * std::log(4.0 / 3.0)).epsilon(1e-6));
}

TEST_CASE("Two positions give the mean and max KL and half agreement",
          "[engine][accuracy]") {
  // Position 0: P = (1/2, 1/2), Q = (1/4, 3/4); argmax 0 vs 1.
  // Position 1: P = (3/4, 1/4), Q = (1/2, 1/2); argmax 0 vs 0 (tie: lowest).
  const std::vector<float> ref = {0.0f, 0.0f, kLn3, 0.0f};
  const std::vector<float> fmt = {0.0f, kLn3, 0.0f, 0.0f};
  const double kl0 = 0.5 * std::log(4.0 / 3.0);
  const double kl1 = 0.75 * std::log(1.5) - 0.25 * std::log(2.0);
  const AccuracyFigures f = CompareLogits(ref, fmt, 2);
  CHECK(f.n_positions == 2);
  CHECK(f.mean_kl == Approx((kl0 + kl1) / 2).epsilon(1e-6));
  CHECK(f.max_kl == Approx(kl0).epsilon(1e-6));
  CHECK(f.top1_agreement == 0.5);
}

TEST_CASE("Identical logits give KL 0 and agreement 1", "[engine][accuracy]") {
  const std::vector<float> logits = {1.5f, -2.0f, 0.25f, 7.0f, 3.0f, 3.0f};
  const AccuracyFigures f = CompareLogits(logits, logits, 3);
  CHECK(f.n_positions == 2);
  CHECK(f.mean_kl == 0.0);
  CHECK(f.max_kl == 0.0);
  CHECK(f.top1_agreement == 1.0);
}

TEST_CASE("KL ignores a constant added to every logit of a row",
          "[engine][accuracy]") {
  const std::vector<float> ref = {0.0f, 0.0f};
  const std::vector<float> fmt = {100.0f, 100.0f + kLn3};
  CHECK(KlDivergence(ref, fmt) ==
        Approx(0.5 * std::log(4.0 / 3.0)).epsilon(1e-5));
}

TEST_CASE("Logits of magnitude 1000 neither overflow nor lose the tail",
          "[engine][accuracy]") {
  // P = (1, e^-1000) and Q = (e^-1000, 1): KL = 1000 nats to double
  // precision; a naive softmax would give inf or NaN.
  const std::vector<float> ref = {1000.0f, 0.0f};
  const std::vector<float> fmt = {0.0f, 1000.0f};
  CHECK(KlDivergence(ref, fmt) == Approx(1000.0).epsilon(1e-12));
  CHECK(KlDivergence(ref, ref) == 0.0);
}

TEST_CASE("The accumulator adds chunks as one array would",
          "[engine][accuracy]") {
  const std::vector<float> ref = {0.0f, 0.0f, kLn3, 0.0f};
  const std::vector<float> fmt = {0.0f, kLn3, 0.0f, 0.0f};
  AccuracyAccumulator acc;
  acc.Add(std::span(ref).first(2), std::span(fmt).first(2), 2);
  acc.Add(std::span(ref).last(2), std::span(fmt).last(2), 2);
  const AccuracyFigures whole = CompareLogits(ref, fmt, 2);
  CHECK(acc.Figures().mean_kl == whole.mean_kl);
  CHECK(acc.Figures().max_kl == whole.max_kl);
  CHECK(acc.Figures().top1_agreement == whole.top1_agreement);
  CHECK(AccuracyAccumulator().Figures().n_positions == 0);
}

TEST_CASE("Mismatched sizes and non-finite logits are refused",
          "[engine][accuracy]") {
  const std::vector<float> two = {0.0f, 1.0f};
  const std::vector<float> three = {0.0f, 1.0f, 2.0f};
  CHECK_THROWS_AS(CompareLogits(two, three, 2), std::invalid_argument);
  CHECK_THROWS_AS(CompareLogits(three, three, 2), std::invalid_argument);
  CHECK_THROWS_AS(CompareLogits(two, two, 0), std::invalid_argument);
  const std::vector<float> nan = {0.0f, NAN};
  CHECK_THROWS_AS(CompareLogits(two, nan, 2), std::invalid_argument);
}

}  // namespace
}  // namespace lapbench::engine
